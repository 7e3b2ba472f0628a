import { describe, expect, it } from 'vitest'
import { draftTotal, lineValue, parseQuantity } from './lines'
import { EMPTY, invoiceApiQuery, invoiceListSearch, isFiltered, parseInvoiceList, withInvoiceFilters } from './listState'
import { entryAmount, timeline, type Entry } from './timeline'
import { nextPage, previousPage } from '../lib/paging'

describe('invoice list state ↔ URL', () => {
  it('round-trips every filter and the page', () => {
    const state = { status: 'open' as const, customer: 'cus_1', dueAfter: '2026-01-01', dueBefore: '2026-12-31', overdue: true, cursor: 'c2', back: ['-'] }
    const search = invoiceListSearch(state)
    expect(search).toBe('?status=open&customer=cus_1&due_after=2026-01-01&due_before=2026-12-31&overdue=1&page=c2&back=-')
    expect(parseInvoiceList(search)).toEqual(state)
  })
  it('reads an empty address as the first unfiltered page', () => {
    expect(parseInvoiceList('')).toEqual(EMPTY)
    expect(invoiceListSearch(EMPTY)).toBe('')
    expect(isFiltered(EMPTY)).toBe(false)
  })
  it('drops what is not a valid filter', () => {
    const state = parseInvoiceList('?status=bogus&customer=%3Cx%3E&due_after=2026-13-01&due_before=tomorrow&overdue=yes')
    expect(state).toEqual(EMPTY)
  })
  it('starts again at the first page when a filter changes, and pages back', () => {
    const second = nextPage(withInvoiceFilters(EMPTY, { status: 'paid' }), 'c2')
    expect(second).toMatchObject({ status: 'paid', cursor: 'c2', back: ['-'] })
    expect(previousPage(second)).toEqual({ ...EMPTY, status: 'paid' })
    expect(withInvoiceFilters(second, { overdue: true })).toEqual({ ...EMPTY, status: 'paid', overdue: true })
  })
  it('asks the API for exactly the filters set', () => {
    expect(invoiceApiQuery(EMPTY)).toEqual({ limit: 25 })
    expect(invoiceApiQuery({ ...EMPTY, status: 'open', customer: 'cus_1', dueAfter: '2026-01-01', dueBefore: '2026-02-01', overdue: true, cursor: 'c' })).toEqual({
      limit: 25,
      cursor: 'c',
      status: 'open',
      customer_id: 'cus_1',
      due_after: '2026-01-01',
      due_before: '2026-02-01',
      overdue: true,
    })
  })
})

describe('draft lines and their live total', () => {
  it('adds quantity × unit price in minor units', () => {
    const lines = [
      { description: 'Setup', quantity: '1', unitPrice: '100.10' },
      { description: 'Hours', quantity: '3', unitPrice: '0.10' },
    ]
    expect(draftTotal(lines, 'USD', 'en-US')).toEqual({ total: 10040, incomplete: 0 })
  })
  it('reads a French amount and counts incomplete lines apart', () => {
    const lines = [
      { description: 'Licence', quantity: '2', unitPrice: '1 234,50' },
      { description: '', quantity: '1', unitPrice: '5' },
      { description: 'Bad', quantity: '1.5', unitPrice: '5' },
    ]
    expect(draftTotal(lines, 'EUR', 'fr-FR')).toEqual({ total: 246900, incomplete: 2 })
  })
  it('knows currencies without minor units', () => {
    expect(lineValue({ description: 'Item', quantity: '2', unitPrice: '500' }, 'JPY', 'en-US')).toEqual({ description: 'Item', quantity: 2, unit_amount: 500 })
    expect(lineValue({ description: 'Item', quantity: '2', unitPrice: '5.5' }, 'JPY', 'en-US')).toBeNull()
  })
  it('refuses quantities that are not whole and positive', () => {
    expect(parseQuantity('0')).toBeNull()
    expect(parseQuantity('-1')).toBeNull()
    expect(parseQuantity('1e3')).toBeNull()
    expect(parseQuantity(' 12 ')).toBe(12)
  })
  it('gives no total beyond the safe integer range', () => {
    const huge = { description: 'x', quantity: '1000000', unitPrice: '90000000000000' }
    expect(draftTotal([huge], 'JPY', 'en-US').total).toBeNull()
  })
})

const line = (account: string, amount: number, direction: 'debit' | 'credit', invoice_id: string | null = null) =>
  ({ account, amount, direction, currency: 'USD', invoice_id }) as Entry['lines'][number]
const entry = (id: string, reason: Entry['reason'], at: string, lines: Entry['lines'], payment_id: string | null = null): Entry =>
  ({ id, reason, created_at: at, lines, invoice_id: 'inv_1', payment_id, reverses_entry_id: null, object: 'ledger_entry' }) as Entry

describe('invoice timeline from the ledger', () => {
  const entries = [
    entry('je_3', 'payment_applied', '2026-01-03T00:00:00Z', [line('cash', 3000, 'debit'), line('receivable', 1000, 'credit', 'inv_1'), line('receivable', 2000, 'credit', 'inv_2')], 'pay_1'),
    entry('je_1', 'invoice_issued', '2026-01-01T00:00:00Z', [line('receivable', 5000, 'debit', 'inv_1'), line('revenue', 5000, 'credit', 'inv_1')]),
    entry('je_4', 'refund_issued', '2026-01-04T00:00:00Z', [line('refunds', 400, 'debit'), line('cash', 400, 'credit')], 'pay_1'),
    entry('je_2', 'payment_pending', '2026-01-02T00:00:00Z', [line('pending', 700, 'debit', 'inv_1'), line('receivable', 700, 'credit', 'inv_1')], 'pay_2'),
    entry('je_5', 'invoice_written_off', '2026-01-05T00:00:00Z', [line('write_off', 300, 'debit', 'inv_1'), line('receivable', 300, 'credit', 'inv_1')]),
  ]
  it('takes the amount that concerns this invoice', () => {
    expect(entryAmount(entries[0]!, 'inv_1')).toBe(1000)
    expect(entryAmount(entries[1]!, 'inv_1')).toBe(5000)
    expect(entryAmount(entries[2]!, 'inv_1')).toBe(400)
  })
  it('orders events oldest first and names what happened', () => {
    expect(timeline(entries, 'inv_1').map((e) => [e.kind, e.amount, e.paymentId])).toEqual([
      ['issued', 5000, null],
      ['pending', 700, 'pay_2'],
      ['paid', 1000, 'pay_1'],
      ['refunded', 400, 'pay_1'],
      ['written_off', 300, null],
    ])
  })
})
