// What a confirmation says about a payment, signed in or as a guest, with the same rows in the same order before
// and after it settles: its status, the transaction id, how and when, when it settled (bank debits: "Not yet"
// while pending), what the invoices receive, the card fee as its own line, the amount, and where the receipt goes.
// Then, per invoice, what it received and what it still owes: "paid" only when nothing is left.
import type { components } from '../api/schema'
import { useI18n, useMessages } from '../i18n/i18n'
import { formatDate, formatDateTime } from '../lib/dates'
import { formatMoney } from '../lib/money'
import { Chip, type ChipTone, Money } from '../ui/ui'
import { messages, type PayKey } from './messages'

export type PaymentStatus = components['schemas']['PaymentStatus']

export const STATUS_TONE: Record<PaymentStatus, ChipTone> = {
  processing: 'info',
  pending: 'warning',
  succeeded: 'success',
  settled: 'success',
  failed: 'danger',
  returned: 'danger',
  canceled: 'neutral',
  partially_refunded: 'neutral',
  refunded: 'neutral',
  disputed: 'danger',
}

const NOTHING_TAKEN: readonly PaymentStatus[] = ['failed', 'canceled', 'returned']

export function StatusLine({ status }: { status: PaymentStatus }) {
  const t = useMessages(messages)
  return (
    <p className="status-line">
      <span className="label">{t('statusLabel')}:</span> <Chip tone={STATUS_TONE[status]}>{t(`status.${status}`)}</Chip>
    </p>
  )
}

export interface FactsOfPayment {
  transaction_id: string
  status: PaymentStatus
  method: string
  fee: number
  amount: number
  currency: string
  created_at: string
  settled_at: string | null
  receipt_email: string | null
}

export function isBankMethod(method: string): boolean {
  return method === 'us_bank_account' || method === 'ca_bank_account'
}

function amountLabel(status: PaymentStatus): PayKey {
  if (status === 'pending' || status === 'processing') return 'amountPending'
  if (NOTHING_TAKEN.includes(status)) return 'amountNotCharged'
  return 'amountCharged'
}

export function PaymentFacts({ payment, subtotal, methodLabel }: { payment: FactsOfPayment; subtotal: number; methodLabel: string }) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const p = payment
  const taken = !NOTHING_TAKEN.includes(p.status)
  return (
    <dl className="facts payment-facts">
      <div>
        <dt>{t('transactionId')}</dt>
        <dd className="transaction-id">{p.transaction_id}</dd>
      </div>
      <div>
        <dt>{t('method')}</dt>
        <dd>{methodLabel}</dd>
      </div>
      <div>
        <dt>{t('date')}</dt>
        <dd>{formatDateTime(p.created_at, intlLocale)}</dd>
      </div>
      {isBankMethod(p.method) && taken && (
        <div>
          <dt>{t('settledOn')}</dt>
          <dd>{p.settled_at ? formatDate(p.settled_at, intlLocale) : t('notYet')}</dd>
        </div>
      )}
      <div>
        <dt>{t('subtotal')}</dt>
        <dd>
          <Money amount={subtotal} currency={p.currency} />
        </dd>
      </div>
      <div>
        <dt>{t('fee')}</dt>
        <dd>{p.fee && taken ? <Money amount={p.fee} currency={p.currency} /> : t('feeNone')}</dd>
      </div>
      <div className="fee-total">
        <dt>{t(amountLabel(p.status))}</dt>
        <dd>
          <Money amount={taken ? p.amount : subtotal} currency={p.currency} />
        </dd>
      </div>
      {p.receipt_email && taken && (
        <div>
          <dt>{p.status === 'pending' ? t('receiptLater') : t('receiptTo')}</dt>
          <dd>{p.receipt_email}</dd>
        </div>
      )}
    </dl>
  )
}

export interface InvoiceOutcome {
  invoice_id: string
  invoice_number: string
  amount: number
  amount_due: number
  amount_pending: number
}

export function outcomeKey(o: InvoiceOutcome, pending: boolean): PayKey {
  if (pending) return o.amount_due > 0 ? 'outcome.pendingDue' : 'outcome.pendingNothingDue'
  if (o.amount_due > 0) return 'outcome.due'
  return o.amount_pending > 0 ? 'outcome.restPending' : 'outcome.paid'
}

/** "$500.00 applied to INV-000002. INV-000002 still has $1,000.00 due." — one line per invoice. */
export function InvoiceOutcomes({ outcomes, currency, pending }: { outcomes: readonly InvoiceOutcome[]; currency: string; pending: boolean }) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  return (
    <ul className="outcomes">
      {outcomes.map((o) => (
        <li key={o.invoice_id}>
          {t(outcomeKey(o, pending), {
            number: o.invoice_number,
            amount: formatMoney(o.amount, currency, intlLocale),
            due: formatMoney(o.amount_due, currency, intlLocale),
          })}
        </li>
      ))}
    </ul>
  )
}
