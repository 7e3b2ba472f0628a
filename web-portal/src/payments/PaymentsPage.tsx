// Payment history: every payment of this account, newest first, paged with "load more".
import { Link } from 'react-router'
import { useI18n, useMessages } from '../i18n/i18n'
import { formatDate as formatDay } from '../lib/dates'
import { useBranding } from '../shell/PartnerLayout'
import { usePortalPath } from '../shell/paths'
import { Empty, Money, Page } from '../ui/ui'
import { messages } from './messages'
import { usePayments, type Payment } from './queries'
import { PaymentStatusChip } from './PaymentStatusChip'
import { hasReceipt, nothingTaken, receiptUrl } from './status'
import { PagedList } from '../invoices/PagedList'
import { InvoiceLinks, TableHead } from '../invoices/tableParts'
import '../invoices/invoices.css'
import { useMethodLabel } from './methodLabel'

export function PaymentsPage() {
  const t = useMessages(messages)
  const branding = useBranding()
  const list = usePayments()
  const payments = list.data?.pages.flatMap((p) => p.data) ?? []
  return (
    <Page title={t('title')}>
      <PagedList
        query={list}
        count={payments.length}
        empty={<Empty>{t('empty', { partner: branding.name })}</Empty>}
        loadMoreLabel={t('loadMore')}
      >
        <PaymentTable payments={payments} />
      </PagedList>
    </Page>
  )
}

function PaymentTable({ payments }: { payments: Payment[] }) {
  const t = useMessages(messages)
  const methodName = useMethodLabel()
  const { intlLocale } = useI18n()
  const to = usePortalPath()
  return (
    <table className="table responsive payment-table">
      <TableHead
        caption={t('caption')}
        columns={[
          t('colDate'),
          { label: t('colAmount'), num: true },
          { label: t('colFee'), num: true },
          t('colMethod'),
          t('colStatus'),
          t('colInvoices'),
          t('colReceipt'),
        ]}
      />
      <tbody>
        {payments.map((p) => {
          const date = formatDay(p.received_on, intlLocale)
          // A declined or canceled attempt moved no money: a muted row, no fee, beside the payment that worked.
          const none = nothingTaken(p.standing)
          return (
            <tr key={p.id} data-payment-id={p.id} className={none ? 'row-muted' : undefined}>
              <td data-label={t('colDate')}>
                <Link to={to(`payments/${encodeURIComponent(p.id)}`)}>
                  {date}
                  <span className="visually-hidden"> {t('detailsFor', { id: p.transaction_id })}</span>
                </Link>
              </td>
              <td data-label={t('colAmount')} className="num">
                <Money amount={none ? p.subtotal : p.amount} currency={p.currency} />
              </td>
              <td data-label={t('colFee')} className="num">
                {p.fee > 0 && !none ? <Money amount={p.fee} currency={p.currency} /> : t('noFee')}
              </td>
              <td data-label={t('colMethod')}>{methodName(p.method, p.method_label)}</td>
              <td data-label={t('colStatus')}>
                <PaymentStatusChip standing={p.standing} />
              </td>
              <td data-label={t('colInvoices')}>
                <InvoiceLinks allocations={p.allocations} />
              </td>
              <td data-label={t('colReceipt')}>
                {hasReceipt(p.status) ? (
                  <a href={receiptUrl(p.id)} download={`receipt-${p.transaction_id}.pdf`}>
                    {t('receipt')}
                    <span className="visually-hidden"> {t('receiptFor', { id: p.transaction_id })}</span>
                  </a>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
