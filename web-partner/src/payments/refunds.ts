import type { Schemas } from '../api/client'

const REFUNDABLE: ReadonlySet<Schemas['PaymentStatus']> = new Set(['succeeded', 'settled', 'partially_refunded'])

/** What is left to refund on a payment: its amount less the refunds made or under way (failed ones give it back). */
export function refundable(payment: Schemas['PaymentOut'], refunds: readonly Schemas['RefundOut'][]): number {
  if (!REFUNDABLE.has(payment.status)) return 0
  const taken = refunds.filter((r) => r.status !== 'failed').reduce((sum, r) => sum + r.amount, 0)
  return Math.max(0, payment.amount - taken)
}
