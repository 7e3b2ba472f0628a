// Shared by the portal (web-portal) and the dashboard (web-partner): imported as `@shared/money`.
// Amounts are integers in the currency's minor unit (cents). They are only ever added, compared and
// turned into decimal strings here; never divided or multiplied as floats.

const digitsCache = new Map<string, number>()

/** Minor-unit digits of an ISO 4217 currency: 2 for USD/CAD/EUR, 0 for JPY, 3 for KWD. */
export function currencyDigits(currency: string): number {
  const code = currency.toUpperCase()
  let digits = digitsCache.get(code)
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2
    digitsCache.set(code, digits)
  }
  return digits
}

/** 123456 (USD) → "1234.56"; exact for every safe integer. */
export function toDecimalString(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`not an amount in minor units: ${minor}`)
  const digits = currencyDigits(currency)
  const sign = minor < 0 ? '-' : ''
  const plain = String(Math.abs(minor))
  if (digits === 0) return sign + plain
  const padded = plain.padStart(digits + 1, '0')
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`
}

const formatters = new Map<string, Intl.NumberFormat>()

export function formatMoney(minor: number, currency: string, locale: string): string {
  const key = `${locale}|${currency}`
  let format = formatters.get(key)
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() })
    formatters.set(key, format)
  }
  return format.format(toDecimalString(minor, currency) as Intl.StringNumericLiteral)
}

function separators(locale: string): { group: string; decimal: string } {
  const parts = new Intl.NumberFormat(locale).formatToParts(12345.6)
  return {
    group: parts.find((p) => p.type === 'group')?.value ?? ',',
    decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.',
  }
}

function currencySymbols(currency: string, locale: string): string[] {
  const code = currency.toUpperCase()
  const symbols = new Set([code, code.toLowerCase()])
  for (const display of ['symbol', 'narrowSymbol'] as const) {
    const parts = new Intl.NumberFormat(locale, { style: 'currency', currency: code, currencyDisplay: display }).formatToParts(1)
    for (const part of parts) if (part.type === 'currency') symbols.add(part.value.replace(/[\s\u00a0\u202f]/g, ''))
  }
  // Longest first, so "US$" goes before "$".
  return [...symbols].sort((a, b) => b.length - a.length)
}

/**
 * What a person typed ("1,234.5", "1 234,50", "$20") as minor units, or null when it is not an amount
 * in this currency (too many decimals, letters, negative, beyond the safe range).
 */
export function parseAmount(input: string, currency: string, locale: string): number | null {
  const digits = currencyDigits(currency)
  const { group, decimal } = separators(locale)
  let text = input.replace(/[\s\u00a0\u202f]/g, '')
  for (const symbol of currencySymbols(currency, locale)) text = text.split(symbol).join('')
  if (group !== decimal && group !== ' ' && group !== '\u202f' && group !== '\u00a0') text = text.split(group).join('')
  if (decimal !== '.') {
    // People often type a point even in a comma locale; accept it when it is the only separator.
    text = text.includes(decimal) ? text.replace(decimal, '.') : text
  }
  const match = /^(\d+)(?:\.(\d*))?$/.exec(text)
  if (!match) return null
  const whole = match[1] ?? '0'
  const fraction = match[2] ?? ''
  if (fraction.length > digits) return null
  const minor = Number(whole + fraction.padEnd(digits, '0'))
  return Number.isSafeInteger(minor) ? minor : null
}

export function sumMinor(amounts: readonly number[]): number {
  return amounts.reduce((total, amount) => total + amount, 0)
}
