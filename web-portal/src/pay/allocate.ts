// What the pay page works out before asking the API: amounts typed into per-invoice fields, and how a lump sum
// would be spread (oldest due first, as the API does it). Integers in minor units only.
import { currencyDigits, parseAmount, toDecimalString } from '../lib/money'

export interface Owed {
  invoiceId: string
  dueDate: string // YYYY-MM-DD
  amountDue: number
}

export interface Applied {
  invoiceId: string
  amount: number
}

/** The API's rule (domain/payments/allocation.py): by due date, then id; never more than each owes. */
export function allocateOldestFirst(amount: number, owed: readonly Owed[]): Applied[] {
  const out: Applied[] = []
  let left = amount
  const sorted = [...owed].sort((a, b) =>
    a.dueDate === b.dueDate ? (a.invoiceId < b.invoiceId ? -1 : a.invoiceId > b.invoiceId ? 1 : 0) : a.dueDate < b.dueDate ? -1 : 1,
  )
  for (const o of sorted) {
    if (left <= 0) break
    const part = Math.min(left, o.amountDue)
    if (part > 0) {
      out.push({ invoiceId: o.invoiceId, amount: part })
      left -= part
    }
  }
  return out
}

/** An amount as a person would type it back in their language: 12345 USD → "123.45" (en) or "123,45" (fr). */
export function amountInputText(minor: number, currency: string, locale: string): string {
  const plain = toDecimalString(minor, currency)
  if (currencyDigits(currency) === 0) return plain
  const decimal = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.'
  return plain.replace('.', decimal)
}

export type AmountError = 'format' | 'zero' | 'tooMuch'

/** What was typed as minor units, checked against what is owed: 0 < amount ≤ due. */
export function checkAmount(
  text: string,
  due: number,
  currency: string,
  locale: string,
): { amount: number; error: null } | { amount: null; error: AmountError } {
  const amount = parseAmount(text, currency, locale)
  if (amount === null) return { amount: null, error: 'format' }
  if (amount <= 0) return { amount: null, error: 'zero' }
  if (amount > due) return { amount: null, error: 'tooMuch' }
  return { amount, error: null }
}
