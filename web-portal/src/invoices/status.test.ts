import { describe, expect, it } from 'vitest'
import { translate } from '../i18n/i18n'
import { messages as paymentMessages } from '../payments/messages'
import { nothingTaken, onItsWay, paymentChip } from '../payments/status'
import { SCHEDULED_CHIPS } from '../scheduled/queries'
import { messages } from './messages'
import { invoiceChips, isOverdue, type InvoiceView } from './status'

const base: InvoiceView = { standing: 'open', standing_qualifiers: [], amount_due: 10_000, questioned: false }
const keys = (v: Partial<InvoiceView>) => invoiceChips({ ...base, ...v }).map((c) => c.key)
const words = (v: Partial<InvoiceView>, locale: 'en' | 'fr' = 'en') =>
  keys(v).map((k) => translate(messages, locale, k))

describe('invoiceChips', () => {
  it('shows the standing the API gives, then its qualifiers', () => {
    expect(keys({})).toEqual(['standing_open'])
    expect(keys({ standing: 'overdue', standing_qualifiers: ['partly_paid'] })).toEqual([
      'standing_overdue',
      'qualifier_partly_paid',
    ])
    expect(words({ standing: 'overdue', standing_qualifiers: ['partly_paid', 'pending'] })).toEqual([
      'Overdue',
      'Partly paid',
      'Payment pending',
    ])
  })
  it('calls money on its way pending, never partly paid', () => {
    expect(words({ standing: 'open', standing_qualifiers: ['pending'] }, 'fr')).toEqual(['À payer', 'Paiement en attente'])
    expect(words({ standing: 'payment_pending', amount_due: 0 }, 'fr')).toEqual(['Paiement en attente'])
  })
  it('adds questioned to any standing', () => {
    expect(keys({ standing: 'paid', amount_due: 0, questioned: true })).toEqual(['standing_paid', 'chipQuestioned'])
  })
  it('gives every chip a tone that matches its words', () => {
    const tones = Object.fromEntries(
      [
        invoiceChips({ ...base, standing: 'overdue', standing_qualifiers: ['pending'], questioned: true }),
        invoiceChips({ ...base, standing: 'paid', amount_due: 0 }),
      ]
        .flat()
        .map((c) => [c.key, c.tone]),
    )
    expect(tones).toEqual({
      standing_overdue: 'danger',
      qualifier_pending: 'info',
      chipQuestioned: 'warning',
      standing_paid: 'success',
    })
  })
  it('highlights a row only when it is overdue and still owes', () => {
    expect(isOverdue({ standing: 'overdue', amount_due: 1 })).toBe(true)
    expect(isOverdue({ standing: 'payment_pending', amount_due: 0 })).toBe(false)
    expect(isOverdue({ standing: 'open', amount_due: 1 })).toBe(false)
  })
})

describe('payment and scheduled chips', () => {
  it('names every payment standing in the payer words', () => {
    expect(paymentChip('paid')).toEqual({ key: 'standing_paid', tone: 'success' })
    expect(translate(paymentMessages, 'en', paymentChip('not_charged').key)).toBe('Failed, not charged')
    expect(translate(paymentMessages, 'fr', paymentChip('pending').key)).toBe('En attente')
    expect(paymentChip('returned').tone).toBe('danger')
    expect(paymentChip('disputed').tone).toBe('warning')
  })
  it('tells attempts that moved no money from money on its way', () => {
    expect(nothingTaken('not_charged') && nothingTaken('canceled')).toBe(true)
    expect(nothingTaken('paid') || nothingTaken('pending')).toBe(false)
    expect(onItsWay('pending') && onItsWay('processing')).toBe(true)
    expect(onItsWay('paid')).toBe(false)
  })
  it('maps every scheduled status', () => {
    expect(SCHEDULED_CHIPS.scheduled.key).toBe('status_scheduled')
    expect(SCHEDULED_CHIPS.executed.tone).toBe('success')
    expect(SCHEDULED_CHIPS.failed.tone).toBe('danger')
    expect(SCHEDULED_CHIPS.canceled.tone).toBe('neutral')
  })
})
