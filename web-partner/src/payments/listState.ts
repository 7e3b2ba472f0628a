// The payment list's filters and page in the address (`?status=…&customer=…&transaction=…&page=…`): the filters
// GET /v1/payments has. Anything in the address that is not a valid filter is dropped rather than sent.
import type { Schemas } from '../api/client'
import { parsePage, setPage, type Paged } from '../lib/paging'

export type PaymentStatus = Schemas['PaymentStatus']
export const PAYMENT_STATUSES: readonly PaymentStatus[] = [
  'processing', 'pending', 'succeeded', 'settled', 'failed', 'returned', 'canceled', 'partially_refunded', 'refunded', 'disputed',
]

export interface PaymentListState extends Paged {
  status: PaymentStatus | ''
  customer: string
  transaction: string
}

export const EMPTY_PAYMENTS: PaymentListState = { status: '', customer: '', transaction: '', cursor: null, back: [] }

const ID = /^[A-Za-z0-9_-]{1,64}$/
const TRANSACTION = /^[A-Za-z0-9-]{1,20}$/

export function parsePaymentList(search: string): PaymentListState {
  const params = new URLSearchParams(search)
  const status = params.get('status') ?? ''
  const customer = params.get('customer') ?? ''
  const transaction = (params.get('transaction') ?? '').trim()
  return {
    status: (PAYMENT_STATUSES as readonly string[]).includes(status) ? (status as PaymentStatus) : '',
    customer: ID.test(customer) ? customer : '',
    transaction: TRANSACTION.test(transaction) ? transaction : '',
    ...parsePage(params),
  }
}

export function paymentListSearch(state: PaymentListState): string {
  const params = new URLSearchParams()
  if (state.status) params.set('status', state.status)
  if (state.customer) params.set('customer', state.customer)
  if (state.transaction) params.set('transaction', state.transaction)
  setPage(params, state)
  const text = params.toString()
  return text ? `?${text}` : ''
}

export function paymentApiQuery(state: PaymentListState, limit = 25) {
  return {
    limit,
    ...(state.cursor ? { cursor: state.cursor } : {}),
    ...(state.status ? { status: state.status } : {}),
    ...(state.customer ? { customer_id: state.customer } : {}),
    ...(state.transaction ? { transaction_id: state.transaction } : {}),
  }
}
