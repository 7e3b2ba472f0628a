import { describe, expect, it } from 'vitest'
import { EMPTY_PAYMENTS, parsePaymentList, paymentApiQuery, paymentListSearch } from './listState'
import { refundable } from './refunds'

describe('payment list state ↔ URL', () => {
  it('round-trips filters and page', () => {
    const state = { status: 'settled' as const, customer: 'cus_1', transaction: 'TX-123', cursor: 'c2', back: ['-'] }
    expect(paymentListSearch(state)).toBe('?status=settled&customer=cus_1&transaction=TX-123&page=c2&back=-')
    expect(parsePaymentList(paymentListSearch(state))).toEqual(state)
  })
  it('drops invalid filters', () => {
    expect(parsePaymentList('?status=lost&customer=a%20b&transaction=%3Cscript%3E')).toEqual(EMPTY_PAYMENTS)
  })
  it('asks the API for exactly the filters set', () => {
    expect(paymentApiQuery(EMPTY_PAYMENTS)).toEqual({ limit: 25 })
    expect(paymentApiQuery({ ...EMPTY_PAYMENTS, status: 'refunded', transaction: 'TX1' })).toEqual({ limit: 25, status: 'refunded', transaction_id: 'TX1' })
  })
})

describe('what is left to refund', () => {
  const payment = { amount: 10_000, status: 'settled' } as Parameters<typeof refundable>[0]
  const refund = (amount: number, status: 'pending' | 'succeeded' | 'failed') => ({ amount, status }) as Parameters<typeof refundable>[1][number]
  it('subtracts refunds made or under way, not failed ones', () => {
    expect(refundable(payment, [])).toBe(10_000)
    expect(refundable(payment, [refund(2_500, 'succeeded'), refund(1_000, 'pending'), refund(5_000, 'failed')])).toBe(6_500)
  })
  it('is nothing for a payment that cannot be refunded', () => {
    expect(refundable({ ...payment, status: 'failed' }, [])).toBe(0)
    expect(refundable({ ...payment, status: 'refunded' }, [])).toBe(0)
  })
})
