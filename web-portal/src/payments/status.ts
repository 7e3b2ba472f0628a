// A payment's status as a chip: the words come from messages, the tone only repeats them.
import type { components } from '../api/schema'
import type { ChipTone } from '../ui/ui'

export type PaymentStatus = components['schemas']['PaymentStatus']

export const PAYMENT_CHIPS: Record<PaymentStatus, { key: `status_${PaymentStatus}`; tone: ChipTone }> = {
  processing: { key: 'status_processing', tone: 'info' },
  pending: { key: 'status_pending', tone: 'info' },
  succeeded: { key: 'status_succeeded', tone: 'success' },
  settled: { key: 'status_settled', tone: 'success' },
  failed: { key: 'status_failed', tone: 'danger' },
  returned: { key: 'status_returned', tone: 'danger' },
  canceled: { key: 'status_canceled', tone: 'neutral' },
  partially_refunded: { key: 'status_partially_refunded', tone: 'warning' },
  refunded: { key: 'status_refunded', tone: 'neutral' },
  disputed: { key: 'status_disputed', tone: 'warning' },
}

export function paymentChip(status: PaymentStatus): { key: `status_${PaymentStatus}`; tone: ChipTone } {
  return PAYMENT_CHIPS[status] ?? { key: 'status_processing', tone: 'neutral' }
}

/** A receipt exists for money that was taken (or is on its way), not for a refused attempt. */
export function hasReceipt(status: PaymentStatus): boolean {
  return status !== 'failed' && status !== 'processing'
}

export function receiptUrl(paymentId: string): string {
  return `/portal/v1/payments/${encodeURIComponent(paymentId)}/receipt`
}
