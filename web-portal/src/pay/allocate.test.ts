import { describe, expect, it } from 'vitest'
import { allocateOldestFirst, amountInputText, checkAmount } from './allocate'

describe('allocateOldestFirst', () => {
  const owed = [
    { invoiceId: 'inv_b', dueDate: '2026-12-05', amountDue: 3_000 },
    { invoiceId: 'inv_a', dueDate: '2026-12-01', amountDue: 2_000 },
    { invoiceId: 'inv_c', dueDate: '2026-12-10', amountDue: 4_000 },
    { invoiceId: 'inv_0', dueDate: '2026-12-05', amountDue: 1_000 },
  ]
  it('pays the oldest due first, ties by id, the last one in part', () => {
    expect(allocateOldestFirst(4_500, owed)).toEqual([
      { invoiceId: 'inv_a', amount: 2_000 },
      { invoiceId: 'inv_0', amount: 1_000 },
      { invoiceId: 'inv_b', amount: 1_500 },
    ])
  })
  it('never applies more than is owed', () => {
    const all = allocateOldestFirst(99_999, owed)
    expect(all.map((a) => a.amount).reduce((x, y) => x + y, 0)).toBe(10_000)
  })
})

describe('amounts typed per invoice', () => {
  it('is shown back in the language of the page', () => {
    expect(amountInputText(12_345, 'USD', 'en-US')).toBe('123.45')
    expect(amountInputText(12_345, 'CAD', 'fr-CA')).toBe('123,45')
    expect(amountInputText(500, 'JPY', 'en-US')).toBe('500')
  })
  it('must be above zero and at most what is due', () => {
    expect(checkAmount('100', 20_000, 'USD', 'en-US')).toEqual({ amount: 10_000, error: null })
    expect(checkAmount('200.01', 20_000, 'USD', 'en-US')).toEqual({ amount: null, error: 'tooMuch' })
    expect(checkAmount('0', 20_000, 'USD', 'en-US')).toEqual({ amount: null, error: 'zero' })
    expect(checkAmount('1.234', 20_000, 'USD', 'en-US')).toEqual({ amount: null, error: 'format' })
    expect(checkAmount('12,50', 20_000, 'CAD', 'fr-CA')).toEqual({ amount: 1_250, error: null })
  })
})
