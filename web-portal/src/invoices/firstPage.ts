// The invoice list's request, and a head start for its first page: on a full page load of /invoices the route
// asks for it while the page's code is still downloading (and while the partner and session are checked), so the
// list's data is there when the page mounts. Lives in the main bundle: keep it tiny.
import { api, unwrap } from '../api/client'

export const FILTERS = ['open', 'overdue', 'pending', 'paid', 'all'] as const
export type InvoiceFilter = (typeof FILTERS)[number]
export const SORTS = ['due_date', '-due_date', 'number', '-created'] as const
export type InvoiceSort = (typeof SORTS)[number]
export const PAGE_SIZE = 20

function pick<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback
}

/** The filter and sort a list URL asks for (`?status=…&sort=…`), defaults for anything else. */
export function listParams(params: URLSearchParams): { status: InvoiceFilter; sort: InvoiceSort } {
  return { status: pick(params.get('status'), FILTERS, 'open'), sort: pick(params.get('sort'), SORTS, 'due_date') }
}

export function fetchInvoicePage(status: InvoiceFilter, sort: InvoiceSort, cursor: string | null) {
  return unwrap(
    api.GET('/portal/v1/invoices', {
      params: { query: { status, sort, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
    }),
  )
}

type FirstPage = ReturnType<typeof fetchInvoicePage>
const FRESH_MS = 10_000
let early: { key: string; at: number; page: FirstPage } | null = null

/** Start fetching the first page when the browser is loading the list itself (not navigating to it). */
export function prefetchFirstPage(location: Pick<Location, 'pathname' | 'search'> = window.location): void {
  if (!/\/invoices\/?$/.test(location.pathname)) return
  const { status, sort } = listParams(new URLSearchParams(location.search))
  const page = fetchInvoicePage(status, sort, null)
  page.catch(() => undefined) // signed out: the session gate redirects, and nobody takes this answer
  early = { key: `${status}|${sort}`, at: Date.now(), page }
}

/** The early first page for this filter and sort, once, while it is fresh; if it failed, a new request. */
export function takePrefetched(status: InvoiceFilter, sort: InvoiceSort): FirstPage | null {
  const found = early
  early = null
  if (!found || found.key !== `${status}|${sort}` || Date.now() - found.at >= FRESH_MS) return null
  return found.page.catch(() => fetchInvoicePage(status, sort, null))
}
