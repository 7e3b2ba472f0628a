import { describe, expect, it } from 'vitest'
import {
  cardBrand,
  checkCardNumber,
  checkCvc,
  checkExpiry,
  formatCardNumber,
  formatExpiry,
  luhnValid,
  parseExpiry,
  routingValid,
} from './validation'

describe('Luhn and card numbers', () => {
  it('accepts the published test cards and refuses one wrong digit', () => {
    for (const number of ['4242424242424242', '5555555555554444', '378282246310005', '4000000000000002']) {
      expect(luhnValid(number)).toBe(true)
      expect(checkCardNumber(number)).toBeNull()
    }
    expect(luhnValid('4242424242424241')).toBe(false)
    expect(checkCardNumber('4242 4242 4242 4241')).toBe('luhn')
  })
  it('says what is wrong: missing, letters, length', () => {
    expect(checkCardNumber('')).toBe('required')
    expect(checkCardNumber('4242 abcd')).toBe('digits')
    expect(checkCardNumber('4242 4242')).toBe('length')
    expect(checkCardNumber('3782 822463 1000')).toBe('length') // amex is 15 digits
  })
  it('knows brands and groups digits as printed', () => {
    expect(cardBrand('4242')).toBe('visa')
    expect(cardBrand('5555')).toBe('mastercard')
    expect(cardBrand('2221000000000009')).toBe('mastercard')
    expect(cardBrand('3782')).toBe('amex')
    expect(cardBrand('6011')).toBe('discover')
    expect(cardBrand('9999')).toBe('unknown')
    expect(formatCardNumber('4242424242424242')).toBe('4242 4242 4242 4242')
    expect(formatCardNumber('378282246310005')).toBe('3782 822463 10005')
    expect(formatCardNumber('42a42-42')).toBe('4242 42')
  })
})

describe('expiry', () => {
  const today = new Date(2026, 10, 21) // 21 November 2026
  it('reads MM/YY, MM / YYYY and MMYY', () => {
    expect(parseExpiry('12/30')).toEqual({ month: 12, year: 2030 })
    expect(parseExpiry('04 / 2029')).toEqual({ month: 4, year: 2029 })
    expect(parseExpiry('0127')).toEqual({ month: 1, year: 2027 })
    expect(parseExpiry('13/30')).toBeNull()
    expect(parseExpiry('1/3')).toBeNull()
  })
  it('is good through the end of its month, not after', () => {
    expect(checkExpiry('11/26', today)).toBeNull()
    expect(checkExpiry('10/26', today)).toBe('past')
    expect(checkExpiry('', today)).toBe('required')
    expect(checkExpiry('99', today)).toBe('format')
    expect(checkExpiry('01/90', today)).toBe('far')
  })
  it('formats as typed', () => {
    expect(formatExpiry('1')).toBe('1')
    expect(formatExpiry('4')).toBe('04 / ')
    expect(formatExpiry('12')).toBe('12 / ')
    expect(formatExpiry('1230')).toBe('12 / 30')
    expect(formatExpiry('12', '12 / ')).toBe('12') // deleting the separator
  })
})

describe('CVC and bank numbers', () => {
  it('wants 3 digits, 4 for American Express', () => {
    expect(checkCvc('123', 'visa')).toBeNull()
    expect(checkCvc('1234', 'visa')).toBe('format')
    expect(checkCvc('1234', 'amex')).toBeNull()
    expect(checkCvc('', 'visa')).toBe('required')
  })
  it('checks the ABA routing checksum', () => {
    expect(routingValid('110000000')).toBe(true)
    expect(routingValid('021000021')).toBe(true)
    expect(routingValid('110000001')).toBe(false)
    expect(routingValid('11000000')).toBe(false)
  })
})
