import { describe, expect, it } from 'vitest'
import { currencyDigits, formatMoney, parseAmount, sumMinor, toDecimalString } from './money'

describe('toDecimalString', () => {
  it('places the decimal point by the currency', () => {
    expect(toDecimalString(123456, 'USD')).toBe('1234.56')
    expect(toDecimalString(5, 'CAD')).toBe('0.05')
    expect(toDecimalString(-1999, 'EUR')).toBe('-19.99')
    expect(toDecimalString(500, 'JPY')).toBe('500')
    expect(toDecimalString(1234, 'KWD')).toBe('1.234')
  })
  it('is exact at the edge of safe integers', () => {
    expect(toDecimalString(Number.MAX_SAFE_INTEGER, 'USD')).toBe('90071992547409.91')
  })
  it('refuses what is not an integer amount', () => {
    expect(() => toDecimalString(10.5, 'USD')).toThrow(RangeError)
  })
})

describe('formatMoney', () => {
  it('formats with Intl for the locale and currency', () => {
    expect(formatMoney(123456, 'USD', 'en-US')).toBe('$1,234.56')
    expect(formatMoney(123456, 'CAD', 'fr-CA').replace(/\s/g, ' ')).toBe('1 234,56 $')
    expect(formatMoney(0, 'USD', 'en-US')).toBe('$0.00')
  })
  it('does not lose cents on large amounts', () => {
    expect(formatMoney(Number.MAX_SAFE_INTEGER, 'USD', 'en-US')).toBe('$90,071,992,547,409.91')
  })
})

describe('parseAmount', () => {
  it('reads what people type in English', () => {
    expect(parseAmount('1,234.56', 'USD', 'en-US')).toBe(123456)
    expect(parseAmount('$20', 'USD', 'en-US')).toBe(2000)
    expect(parseAmount(' 0.5 ', 'USD', 'en-US')).toBe(50)
    expect(parseAmount('12.', 'USD', 'en-US')).toBe(1200)
  })
  it('reads French separators, and a point typed in French', () => {
    expect(parseAmount('1 234,56', 'CAD', 'fr-CA')).toBe(123456)
    expect(parseAmount('1\u202f234,5 $', 'CAD', 'fr-CA')).toBe(123450)
    expect(parseAmount('12.34', 'CAD', 'fr-CA')).toBe(1234)
  })
  it('refuses too many decimals, letters, negatives and overflow', () => {
    expect(parseAmount('1.234', 'USD', 'en-US')).toBeNull()
    expect(parseAmount('12a', 'USD', 'en-US')).toBeNull()
    expect(parseAmount('-5', 'USD', 'en-US')).toBeNull()
    expect(parseAmount('', 'USD', 'en-US')).toBeNull()
    expect(parseAmount('99999999999999999', 'USD', 'en-US')).toBeNull()
    expect(parseAmount('1.5', 'JPY', 'en-US')).toBeNull()
  })
  it('round-trips every formatted amount', () => {
    for (const minor of [0, 1, 99, 100, 123456, 98765432101]) {
      expect(parseAmount(formatMoney(minor, 'USD', 'en-US'), 'USD', 'en-US')).toBe(minor)
      expect(parseAmount(formatMoney(minor, 'CAD', 'fr-CA'), 'CAD', 'fr-CA')).toBe(minor)
    }
  })
})

describe('sumMinor and currencyDigits', () => {
  it('adds integers and knows minor units', () => {
    expect(sumMinor([10, 20, 30])).toBe(60)
    expect(sumMinor([])).toBe(0)
    expect(currencyDigits('usd')).toBe(2)
    expect(currencyDigits('JPY')).toBe(0)
  })
})
