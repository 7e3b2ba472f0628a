// The payments behind an invoice's "Paid" and "Pending": when, how, the transaction id, how much went to this
// invoice, and the receipt. Declined attempts moved no money and are not listed (payment history has them).
import { useId } from 'react'
import { Link } from 'react-router'
import { useI18n, useMessages } from '../i18n/i18n'
import { formatDate } from '../lib/dates'
import { PaymentStatusChip } from '../payments/PaymentStatusChip'
import { receiptUrl } from '../payments/status'
import { usePortalPath } from '../shell/paths'
import { Money } from '../ui/ui'
import { detailMessages } from './detailMessages'
import type { InvoiceDetail } from './queries'
import { TableHead } from './tableParts'
import { useMethodLabel } from '../payments/methodLabel'

export function InvoicePayments({ payments }: { payments: InvoiceDetail['payments'] }) {
  const t = useMessages(detailMessages)
  const methodName = useMethodLabel()
  const { intlLocale } = useI18n()
  const to = usePortalPath()
  const headingId = useId()
  if (payments.length === 0) return null
  return (
    <section className="card" aria-labelledby={headingId} data-testid="invoice-payments">
      <h2 id={headingId}>{t('paymentsTitle')}</h2>
      <table className="table responsive">
        <TableHead
          caption={t('paymentsCaption')}
          columns={[
            t('colDate'),
            t('colMethod'),
            t('colTransaction'),
            t('colStatus'),
            { label: t('colApplied'), num: true },
            t('colReceipt'),
          ]}
        />
        <tbody>
          {payments.map((p) => (
            <tr key={p.id} data-payment-id={p.id}>
              <td data-label={t('colDate')}>{formatDate(p.received_on, intlLocale)}</td>
              <td data-label={t('colMethod')}>{methodName(p.method, p.method_label)}</td>
              <td data-label={t('colTransaction')}>
                <Link to={to(`payments/${encodeURIComponent(p.id)}`)}>
                  <code>{p.transaction_id}</code>
                </Link>
              </td>
              <td data-label={t('colStatus')}>
                <PaymentStatusChip standing={p.standing} />
              </td>
              <td data-label={t('colApplied')} className="num">
                <Money amount={p.amount} currency={p.currency} />
              </td>
              <td data-label={t('colReceipt')}>
                {p.has_receipt ? (
                  <a href={receiptUrl(p.id)} download={`receipt-${p.transaction_id}.pdf`}>
                    {t('receipt')}
                    <span className="visually-hidden"> {t('receiptFor', { id: p.transaction_id })}</span>
                  </a>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
