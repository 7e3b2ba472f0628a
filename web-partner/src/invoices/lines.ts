// A draft's line items as typed in the form, and its live total: integers in minor units only (the unit price is
// parsed with the shared parseAmount, quantities are whole numbers), never a float.
import { parseAmount } from '@shared/money'

export interface LineDraft {
  description: string
  quantity: string
  unitPrice: string
}

export interface LineValue {
  description: string
  quantity: number
  unit_amount: number
}

export const BLANK_LINE: LineDraft = { description: '', quantity: '1', unitPrice: '' }

export const MAX_QUANTITY = 1_000_000

/** A typed quantity as a whole number from 1 to MAX_QUANTITY, or null. */
export function parseQuantity(text: string): number | null {
  const trimmed = text.trim()
  if (!/^\d{1,7}$/.test(trimmed)) return null
  const n = Number(trimmed)
  return n >= 1 && n <= MAX_QUANTITY ? n : null
}

/** A typed line as the API takes it, or null while it is incomplete or invalid. */
export function lineValue(line: LineDraft, currency: string, locale: string): LineValue | null {
  const quantity = parseQuantity(line.quantity)
  const unit = parseAmount(line.unitPrice, currency, locale)
  const description = line.description.trim()
  if (quantity === null || unit === null || !description) return null
  return { description, quantity, unit_amount: unit }
}

/** A line's amount (quantity × unit amount), null when beyond the safe integer range. */
export function lineAmount(line: LineValue): number | null {
  const amount = line.quantity * line.unit_amount
  return Number.isSafeInteger(amount) ? amount : null
}

/**
 * The live total of the lines that are complete, and how many are not (yet). Null as total when it leaves the
 * safe integer range.
 */
export function draftTotal(lines: readonly LineDraft[], currency: string, locale: string): { total: number | null; incomplete: number } {
  let total = 0
  let incomplete = 0
  for (const line of lines) {
    const value = lineValue(line, currency, locale)
    if (value === null) {
      incomplete += 1
      continue
    }
    const amount = lineAmount(value)
    if (amount === null) return { total: null, incomplete }
    total += amount
    if (!Number.isSafeInteger(total)) return { total: null, incomplete }
  }
  return { total, incomplete }
}
