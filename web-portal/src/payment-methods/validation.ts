// Client-side checks for the sandbox card and bank forms: catch typing mistakes before anything leaves the
// browser. The processor checks again; these only make the error appear next to the field, at once.

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'unknown'

export function digitsOf(value: string): string {
  return value.replace(/[\s-]/g, '')
}

/** The Luhn (mod 10) check every card number passes. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false
  let total = 0
  for (let i = 0; i < digits.length; i++) {
    let value = Number(digits[digits.length - 1 - i])
    if (i % 2 === 1) {
      value *= 2
      if (value > 9) value -= 9
    }
    total += value
  }
  return total % 10 === 0
}

export function cardBrand(digits: string): CardBrand {
  if (/^4/.test(digits)) return 'visa'
  if (/^3[47]/.test(digits)) return 'amex'
  if (/^(5[1-5]|2(2[2-9][1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720))/.test(digits)) return 'mastercard'
  if (/^(6011|65|64[4-9])/.test(digits)) return 'discover'
  return 'unknown'
}

/** What the person typed, grouped as printed on the card: 4-4-4-4, or 4-6-5 for American Express. */
export function formatCardNumber(value: string): string {
  const digits = value.replace(/\D/g, '').slice(0, 19)
  const groups = cardBrand(digits) === 'amex' ? [4, 6, 5] : [4, 4, 4, 4, 3]
  const out: string[] = []
  let at = 0
  for (const size of groups) {
    if (at >= digits.length) break
    out.push(digits.slice(at, at + size))
    at += size
  }
  return out.join(' ')
}

export type CardNumberError = 'required' | 'digits' | 'length' | 'luhn'

export function checkCardNumber(value: string): CardNumberError | null {
  const digits = digitsOf(value)
  if (!digits) return 'required'
  if (!/^\d+$/.test(digits)) return 'digits'
  const brand = cardBrand(digits)
  const lengthOk = brand === 'amex' ? digits.length === 15 : digits.length >= 13 && digits.length <= 19
  if (!lengthOk) return 'length'
  return luhnValid(digits) ? null : 'luhn'
}

export interface Expiry {
  month: number
  year: number
}

/** "MM/YY", "MM / YYYY", "0127" → month and four-digit year, or null when it is not a date. */
export function parseExpiry(value: string): Expiry | null {
  const match = /^\s*(\d{1,2})\s*(?:[/\-. ]\s*)?(\d{2}|\d{4})\s*$/.exec(value)
  if (!match) return null
  const month = Number(match[1])
  const rawYear = match[2] ?? ''
  const year = rawYear.length === 2 ? 2000 + Number(rawYear) : Number(rawYear)
  if (month < 1 || month > 12) return null
  return { month, year }
}

/** Formats as the person types: "1" → "1", "12" → "12 / ", "1227" → "12 / 27". */
export function formatExpiry(value: string, previous = ''): string {
  const digits = value.replace(/\D/g, '').slice(0, 4)
  const deleting = value.length < previous.length
  if (digits.length === 1 && Number(digits) > 1) return `0${digits} / `
  if (digits.length < 2) return digits
  if (digits.length === 2) return deleting ? digits : `${digits} / `
  return `${digits.slice(0, 2)} / ${digits.slice(2)}`
}

export type ExpiryError = 'required' | 'format' | 'past' | 'far'

export function checkExpiry(value: string, today: Date = new Date()): ExpiryError | null {
  if (!value.trim()) return 'required'
  const expiry = parseExpiry(value)
  if (!expiry) return 'format'
  const year = today.getFullYear()
  const month = today.getMonth() + 1
  // A card is good through the last day of its expiry month.
  if (expiry.year < year || (expiry.year === year && expiry.month < month)) return 'past'
  if (expiry.year > year + 50) return 'far'
  return null
}

export type CvcError = 'required' | 'format'

export function checkCvc(value: string, brand: CardBrand): CvcError | null {
  if (!value) return 'required'
  const length = brand === 'amex' ? 4 : 3
  return new RegExp(`^\\d{${length}}$`).test(value) ? null : 'format'
}

/** ABA routing numbers: nine digits with a weighted checksum (3, 7, 1). */
export function routingValid(value: string): boolean {
  const digits = digitsOf(value)
  if (!/^\d{9}$/.test(digits)) return false
  const d = [...digits].map(Number)
  const sum = 3 * (d[0]! + d[3]! + d[6]!) + 7 * (d[1]! + d[4]! + d[7]!) + (d[2]! + d[5]! + d[8]!)
  return sum % 10 === 0
}

export function exactDigits(value: string, min: number, max = min): boolean {
  const digits = digitsOf(value)
  return /^\d+$/.test(digits) && digits.length >= min && digits.length <= max
}
