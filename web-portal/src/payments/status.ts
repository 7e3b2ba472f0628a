// A payment's status as a chip, from the API's `standing`: the payer's words, the same for a card that succeeded
// and a debit that settled (domain/payments/standing.py has the mapping). The tone only repeats the words.
import type { components } from '../api/schema'
import type { ChipTone } from '../ui/ui'

export type PaymentStatus = components['schemas']['PaymentStatus']
export type PaymentStanding = components['schemas']['PaymentStanding']

export const PAYMENT_TONES: Record<PaymentStanding, ChipTone> = {
  processing: 'info',
  pending: 'info',
  paid: 'success',
  not_charged: 'neutral',
  returned: 'danger',
  canceled: 'neutral',
  partly_refunded: 'warning',
  refunded: 'neutral',
  disputed: 'warning',
}

export function paymentChip(standing: PaymentStanding): { key: `standing_${PaymentStanding}`; tone: ChipTone } {
  return { key: `standing_${standing}`, tone: PAYMENT_TONES[standing] ?? 'neutral' }
}

/** No money moved (a declined or canceled attempt): listed as secondary, with no fee and no "paid" amounts. */
export function nothingTaken(standing: PaymentStanding): boolean {
  return standing === 'not_charged' || standing === 'canceled'
}

/** Money on its way: "pending", never "charged" or "paid". */
export function onItsWay(standing: PaymentStanding): boolean {
  return standing === 'pending' || standing === 'processing'
}

/** A receipt exists for money that was taken (or is on its way), not for a refused attempt. */
export function hasReceipt(status: PaymentStatus): boolean {
  return status !== 'failed' && status !== 'processing'
}

export function receiptUrl(paymentId: string): string {
  return `/portal/v1/payments/${encodeURIComponent(paymentId)}/receipt`
}
