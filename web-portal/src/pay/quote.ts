// The live quote: what paying would charge with the chosen method (allocations, card fee, total), asked again a
// moment after every change, the last answer kept on screen meanwhile.
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { api, unwrap } from '../api/client'
import type { components } from '../api/schema'

export type QuoteBody = components['schemas']['PortalQuoteIn']
export type Quote = components['schemas']['PortalQuote']

/** `value` once it has stopped changing for `delay` ms (compared by its JSON). */
export function useDebounced<T>(value: T, delay = 300): T {
  const [settled, setSettled] = useState(value)
  const json = JSON.stringify(value)
  useEffect(() => {
    const timer = setTimeout(() => setSettled(JSON.parse(json) as T), delay)
    return () => clearTimeout(timer)
  }, [json, delay])
  return settled
}

export function useQuote(body: QuoteBody | null, delay = 300) {
  const settled = useDebounced(body, delay)
  const query = useQuery({
    queryKey: ['payment-quote', settled],
    queryFn: () => unwrap(api.POST('/portal/v1/payments/quote', { body: settled as QuoteBody })),
    enabled: settled !== null && body !== null,
    placeholderData: keepPreviousData,
    staleTime: 15_000,
    retry: false,
  })
  const current = body !== null && JSON.stringify(body) === JSON.stringify(settled) && !query.isPlaceholderData
  return {
    /** The answer for exactly what is on screen now, or undefined while it is being asked. */
    quote: current && query.isSuccess ? query.data : undefined,
    /** The last answer, possibly for a previous version (shown dimmed while updating). */
    last: body !== null ? query.data : undefined,
    updating: body !== null && (!current || query.isFetching),
    error: current ? query.error : null,
  }
}
