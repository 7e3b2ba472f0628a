// Payment history (cursor pages) and one payment.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import type { components } from '../api/schema'

export type Payment = components['schemas']['PortalPayment']

export function usePayments() {
  return useInfiniteQuery({
    queryKey: ['payments'],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET('/portal/v1/payments', { params: { query: { limit: 20, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.next_cursor ?? null,
  })
}

export function usePayment(paymentId: string) {
  return useQuery({
    queryKey: ['payment', paymentId],
    queryFn: () => unwrap(api.GET('/portal/v1/payments/{payment_id}', { params: { path: { payment_id: paymentId } } })),
  })
}
