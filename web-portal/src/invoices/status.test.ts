import { describe, expect, it } from 'vitest'
import { paymentChip } from '../payments/status'
import { SCHEDULED_CHIPS } from '../scheduled/queries'
import { invoiceChips, isOverdue, type InvoiceView } from './status'

const base: InvoiceView = { status: 'open', amount_due: 10_000, amount_pending: 0, overdue: false, questioned: false }
const keys = (v: Partial<InvoiceView>) => invoiceChips({ ...base, ...v }).map((c) => c.key)

describe('invoiceChips', () => {
  it('says where an owing invoice stands', () => {
    expect(keys({})).toEqual(['chipOpen'])
    expect(keys({ status: 'partially_paid', amount_due: 4_000 })).toEqual(['chipPartlyPaid'])
    expect(keys({ overdue: true })).toEqual(['chipOverdue'])
    expect(keys({ status: 'partially_paid', overdue: true })).toEqual(['chipOverdue'])
  })
  it('shows money on its way: alone when it covers everything, beside the status otherwise', () => {
    expect(keys({ status: 'partially_paid', amount_due: 0, amount_pending: 10_000, overdue: true })).toEqual(['chipPending'])
    expect(keys({ status: 'partially_paid', amount_due: 5_000, amount_pending: 5_000, overdue: true })).toEqual([
      'chipOverdue',
      'chipPending',
    ])
  })
  it('names finished invoices and adds questioned to any of them', () => {
    expect(keys({ status: 'paid', amount_due: 0 })).toEqual(['chipPaid'])
    expect(keys({ status: 'void', amount_due: 0 })).toEqual(['chipVoid'])
    expect(keys({ status: 'archived', amount_due: 0 })).toEqual(['chipArchived'])
    expect(keys({ questioned: true, overdue: true })).toEqual(['chipOverdue', 'chipQuestioned'])
    expect(keys({ status: 'paid', amount_due: 0, questioned: true })).toEqual(['chipPaid', 'chipQuestioned'])
  })
  it('gives every chip a tone that matches its words', () => {
    const tones = Object.fromEntries(
      [
        invoiceChips({ ...base, overdue: true, questioned: true }),
        invoiceChips({ ...base, status: 'paid', amount_due: 0 }),
        invoiceChips({ ...base, amount_due: 0, amount_pending: 1, status: 'partially_paid' }),
      ]
        .flat()
        .map((c) => [c.key, c.tone]),
    )
    expect(tones).toEqual({ chipOverdue: 'danger', chipQuestioned: 'warning', chipPaid: 'success', chipPending: 'info' })
  })
  it('highlights a row only when it is overdue and still owes', () => {
    expect(isOverdue({ ...base, overdue: true })).toBe(true)
    expect(isOverdue({ ...base, overdue: true, amount_due: 0, amount_pending: 10_000, status: 'partially_paid' })).toBe(false)
    expect(isOverdue({ ...base, overdue: false })).toBe(false)
  })
})

describe('payment and scheduled chips', () => {
  it('maps every payment status', () => {
    expect(paymentChip('succeeded')).toEqual({ key: 'status_succeeded', tone: 'success' })
    expect(paymentChip('settled').tone).toBe('success')
    expect(paymentChip('pending')).toEqual({ key: 'status_pending', tone: 'info' })
    expect(paymentChip('failed').tone).toBe('danger')
    expect(paymentChip('returned').tone).toBe('danger')
    expect(paymentChip('refunded')).toEqual({ key: 'status_refunded', tone: 'neutral' })
    expect(paymentChip('partially_refunded').key).toBe('status_partially_refunded')
    expect(paymentChip('disputed').tone).toBe('warning')
  })
  it('maps every scheduled status', () => {
    expect(SCHEDULED_CHIPS.scheduled.key).toBe('status_scheduled')
    expect(SCHEDULED_CHIPS.executed.tone).toBe('success')
    expect(SCHEDULED_CHIPS.failed.tone).toBe('danger')
    expect(SCHEDULED_CHIPS.canceled.tone).toBe('neutral')
  })
})
