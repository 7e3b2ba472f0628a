// The invoice list's filters and page live in the address (`?status=open&customer=cus_…&due_after=…&due_before=…
// &overdue=1&page=…`), the API's own filters (GET /v1/invoices), so a view can be bookmarked, shared and reloaded.
// Anything in the address that is not a valid filter is dropped rather than sent.
import type { Schemas } from '../api/client'
import { parsePage, setPage, type Paged } from '../lib/paging'

export type InvoiceStatus = Schemas['InvoiceStatus']
export const STATUSES: readonly InvoiceStatus[] = ['draft', 'open', 'partially_paid', 'paid', 'written_off', 'void', 'archived']

export interface InvoiceListState extends Paged {
  status: InvoiceStatus | ''
  customer: string
  dueAfter: string
  dueBefore: string
  overdue: boolean
}

export type InvoiceFilters = Pick<InvoiceListState, 'status' | 'customer' | 'dueAfter' | 'dueBefore' | 'overdue'>

export const EMPTY: InvoiceListState = { status: '', customer: '', dueAfter: '', dueBefore: '', overdue: false, cursor: null, back: [] }

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/
const ID = /^[A-Za-z0-9_-]{1,64}$/

const date = (value: string | null) => (value && DATE.test(value) ? value : '')

export function parseInvoiceList(search: string): InvoiceListState {
  const params = new URLSearchParams(search)
  const status = params.get('status') ?? ''
  const customer = params.get('customer') ?? ''
  return {
    status: (STATUSES as readonly string[]).includes(status) ? (status as InvoiceStatus) : '',
    customer: ID.test(customer) ? customer : '',
    dueAfter: date(params.get('due_after')),
    dueBefore: date(params.get('due_before')),
    overdue: params.get('overdue') === '1',
    ...parsePage(params),
  }
}

export function invoiceListSearch(state: InvoiceListState): string {
  const params = new URLSearchParams()
  if (state.status) params.set('status', state.status)
  if (state.customer) params.set('customer', state.customer)
  if (state.dueAfter) params.set('due_after', state.dueAfter)
  if (state.dueBefore) params.set('due_before', state.dueBefore)
  if (state.overdue) params.set('overdue', '1')
  setPage(params, state)
  const text = params.toString()
  return text ? `?${text}` : ''
}

export function withInvoiceFilters(state: InvoiceListState, filters: Partial<InvoiceFilters>): InvoiceListState {
  return { ...state, ...filters, cursor: null, back: [] }
}

export function isFiltered(state: InvoiceListState): boolean {
  return Boolean(state.status || state.customer || state.dueAfter || state.dueBefore || state.overdue)
}

/** The API's query for this state: exactly the filters set. */
export function invoiceApiQuery(state: InvoiceListState, limit = 25) {
  return {
    limit,
    ...(state.cursor ? { cursor: state.cursor } : {}),
    ...(state.status ? { status: state.status } : {}),
    ...(state.customer ? { customer_id: state.customer } : {}),
    ...(state.dueAfter ? { due_after: state.dueAfter } : {}),
    ...(state.dueBefore ? { due_before: state.dueBefore } : {}),
    ...(state.overdue ? { overdue: true } : {}),
  }
}
