import { useCallback } from 'react'
import { useParams } from 'react-router'

/** The partner slug of the current billing link (`/pay/{slug}/…`). */
export function useSlug(): string {
  const { slug } = useParams()
  if (!slug) throw new Error('useSlug outside /pay/:slug')
  return slug
}

/** Builds links inside the current partner's portal: `to('invoices')` → `/pay/acme/invoices`. */
export function usePortalPath(): (sub?: string) => string {
  const slug = useSlug()
  return useCallback((sub = '') => `/pay/${encodeURIComponent(slug)}${sub ? `/${sub.replace(/^\//, '')}` : ''}`, [slug])
}
