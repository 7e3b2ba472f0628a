// An invoice's timeline from its ledger entries (GET /v1/ledger/entries?invoice_id=…): one event per entry, oldest
// first, with the amount that concerns this invoice. The ledger's reasons (docs/decisions/0003-ledger.md) are
// grouped into what a person reads: issued, payment received, payment pending, payment returned or failed,
// refunded, written off, voided, dispute.
import type { Schemas } from '../api/client'

export type Entry = Schemas['EntryOut']
export type Reason = Entry['reason']

export type EventKind = 'issued' | 'paid' | 'pending' | 'released' | 'reversed' | 'refunded' | 'written_off' | 'voided' | 'fee' | 'dispute'

const KIND: Record<Reason, EventKind> = {
  invoice_issued: 'issued',
  invoice_voided: 'voided',
  invoice_written_off: 'written_off',
  payment_applied: 'paid',
  payment_settled: 'paid',
  payment_pending: 'pending',
  payment_returned: 'released',
  payment_failed: 'released',
  payment_canceled: 'released',
  payment_reversed: 'reversed',
  fee_charged: 'fee',
  refund_issued: 'refunded',
  dispute_opened: 'dispute',
  dispute_won: 'dispute',
  dispute_lost: 'dispute',
}

export interface TimelineEvent {
  id: string
  at: string
  reason: Reason
  kind: EventKind
  amount: number
  currency: string
  paymentId: string | null
}

/**
 * The amount of an entry for this invoice. Its lines that name the invoice move that amount from one account to
 * another (issued: receivable/revenue; paid: only the receivable side names it), so it is the larger of their
 * debits and their credits. An entry whose lines name no invoice (a refund, a fee) counts all its debits.
 */
export function entryAmount(entry: Entry, invoiceId: string): number {
  const sum = (lines: Entry['lines']) => lines.reduce((total, l) => total + Math.abs(l.amount), 0)
  const named = entry.lines.filter((l) => l.invoice_id === invoiceId)
  if (!named.length) return sum(entry.lines.filter((l) => l.direction === 'debit'))
  return Math.max(sum(named.filter((l) => l.direction === 'debit')), sum(named.filter((l) => l.direction === 'credit')))
}

export function timeline(entries: readonly Entry[], invoiceId: string): TimelineEvent[] {
  return entries
    .map((entry) => ({
      id: entry.id,
      at: entry.created_at,
      reason: entry.reason,
      kind: KIND[entry.reason] ?? 'issued',
      amount: entryAmount(entry, invoiceId),
      currency: entry.lines[0]?.currency ?? '',
      paymentId: entry.payment_id ?? null,
    }))
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : 1))
}
