// What a confirmation says about a payment, signed in or as a guest: its status, the transaction id, what the
// invoices received, the card fee as its own line, what was charged, and where the receipt goes.
import type { ReactNode } from 'react'
import type { components } from '../api/schema'
import { useMessages } from '../i18n/i18n'
import { Chip, type ChipTone, Money } from '../ui/ui'
import { messages } from './messages'

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

export function StatusLine({ status }: { status: PaymentStatus }) {
  const t = useMessages(messages)
  return (
    <p className="status-line">
      <span className="label">{t('statusLabel')}:</span> <Chip tone={STATUS_TONE[status]}>{t(`status.${status}`)}</Chip>
    </p>
  )
}

export function PaymentFacts({
  payment,
  subtotal,
  children,
}: {
  payment: { transaction_id: string; status: PaymentStatus; fee: number; amount: number; currency: string; receipt_email: string | null }
  subtotal: number
  /** More rows (method, dates) before the receipt's. */
  children?: ReactNode
}) {
  const t = useMessages(messages)
  const p = payment
  return (
    <dl className="facts">
      <div>
        <dt>{t('transactionId')}</dt>
        <dd className="transaction-id">{p.transaction_id}</dd>
      </div>
      <div>
        <dt>{t('subtotal')}</dt>
        <dd>
          <Money amount={subtotal} currency={p.currency} />
        </dd>
      </div>
      <div>
        <dt>{t('fee')}</dt>
        <dd>{p.fee ? <Money amount={p.fee} currency={p.currency} /> : t('feeNone')}</dd>
      </div>
      <div className="fee-total">
        <dt>{t('amountCharged')}</dt>
        <dd>
          <Money amount={p.amount} currency={p.currency} />
        </dd>
      </div>
      {children}
      {p.receipt_email && (
        <div>
          <dt>{p.status === 'pending' ? t('receiptLater') : t('receiptTo')}</dt>
          <dd>{p.receipt_email}</dd>
        </div>
      )}
    </dl>
  )
}
