import { queryOptions, useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../client'
import type { components } from '../schema'

export type Branding = components['schemas']['Branding']

export const partnerKey = (slug: string) => ['partner', slug] as const

/** The partner's branding and switches; an old slug is followed to the new one by the browser (308). */
export const partnerQuery = (slug: string) =>
  queryOptions({
    queryKey: partnerKey(slug),
    queryFn: () => unwrap(api.GET('/portal/v1/partners/{slug}', { params: { path: { slug } } })),
    staleTime: 5 * 60_000,
    retry: (count, error) => count < 2 && !(error as { status?: number }).status,
  })

export function usePartner(slug: string) {
  return useQuery(partnerQuery(slug))
}
