// The confirmation after paying: what was paid, how, the transaction id and where the receipt goes. Bank debits
// are honestly pending (with what happens next); reloading asks the API again, so a settled debit shows settled.
import { useQuery } from '@tanstack/react-query'
import { Link, useParams } from 'react-router'
import { api, unwrap } from '../api/client'
import type { components } from '../api/schema'
import { useI18n, useMessages } from '../i18n/i18n'
import { formatDate, formatDateTime } from '../lib/dates'
import { Alert, Button, ErrorState, Loading, Money, Page } from '../ui/ui'
import { usePortalPath } from '../shell/paths'
import { messages, type PayKey } from './messages'
import { PaymentFacts, StatusLine } from './PaymentFacts'
import './pay.css'

type Payment = components['schemas']['PortalPayment']
type Status = Payment['status']

function titleKey(status: Status): PayKey {
  if (status === 'pending') return 'donePendingTitle'
  if (status === 'processing') return 'doneProcessingTitle'
  if (status === 'failed' || status === 'returned' || status === 'canceled') return 'doneFailedTitle'
  return 'doneTitle'
}

export function receiptUrl(paymentId: string): string {
  return `/portal/v1/payments/${encodeURIComponent(paymentId)}/receipt`
}

export function DonePage() {
  const t = useMessages(messages)
  const { paymentId = '' } = useParams()
  const payment = useQuery({
    queryKey: ['payment', paymentId],
    queryFn: () => unwrap(api.GET('/portal/v1/payments/{payment_id}', { params: { path: { payment_id: paymentId } } })),
  })
  if (payment.isPending) {
    return (
      <Page title={t('doneTitle')}>
        <Loading />
      </Page>
    )
  }
  if (payment.isError) {
    return (
      <Page title={t('doneTitle')}>
        <ErrorState error={payment.error} onRetry={() => payment.refetch()} />
      </Page>
    )
  }
  return <Confirmation payment={payment.data} refreshing={payment.isFetching} onRefresh={() => payment.refetch()} />
}

function Confirmation({ payment, refreshing, onRefresh }: { payment: Payment; refreshing: boolean; onRefresh: () => void }) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const to = usePortalPath()
  const p = payment
  const bank = p.method === 'us_bank_account' || p.method === 'ca_bank_account'
  return (
    <Page title={t(titleKey(p.status))}>
      <div className="card stack confirmation">
        <StatusLine status={p.status} />
        {p.status === 'pending' && (
          <Alert tone="info">
            <strong>{t('status.pending')}.</strong> {t('pendingWhat')}{' '}
            {p.receipt_email ? t('pendingReceipt', { email: p.receipt_email }) : t('pendingReceiptNoEmail')}
          </Alert>
        )}
        {p.status === 'settled' && bank && <Alert tone="success">{t('settledWhat')}</Alert>}
        {(p.status === 'succeeded' || (p.status === 'settled' && !bank)) && <Alert tone="success">{t('succeededWhat')}</Alert>}
        {p.status === 'processing' && <Alert tone="info">{t('processingWhat')}</Alert>}
        {(p.status === 'failed' || p.status === 'returned') && (
          <Alert tone="error">{t('failedWhat', { reason: p.failure_message ?? '' })}</Alert>
        )}
        <PaymentFacts payment={p} subtotal={p.subtotal}>
          <div>
            <dt>{t('method')}</dt>
            <dd>{p.method_label}</dd>
          </div>
          <div>
            <dt>{t('date')}</dt>
            <dd>{formatDateTime(p.created_at, intlLocale)}</dd>
          </div>
          {p.settled_at && bank && (
            <div>
              <dt>{t('settledOn')}</dt>
              <dd>{formatDate(p.settled_at, intlLocale)}</dd>
            </div>
          )}
        </PaymentFacts>
        <section aria-labelledby="paid-invoices">
          <h2 id="paid-invoices">{t('invoicesPaid')}</h2>
          <table className="table responsive">
            <thead>
              <tr>
                <th scope="col">{t('colInvoice')}</th>
                <th scope="col" className="num">
                  {t('colApplied')}
                </th>
              </tr>
            </thead>
            <tbody>
              {p.allocations.map((a) => (
                <tr key={a.invoice_id}>
                  <th scope="row" data-label={t('colInvoice')}>
                    <Link to={to(`invoices/${encodeURIComponent(a.invoice_id)}`)}>{a.invoice_number}</Link>
                  </th>
                  <td data-label={t('colApplied')} className="num">
                    <Money amount={a.amount} currency={p.currency} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <div className="row">
          {(p.status === 'pending' || p.status === 'processing') && (
            <Button variant="secondary" onClick={onRefresh} busy={refreshing}>
              {t('reload')}
            </Button>
          )}
          {p.status !== 'failed' && p.status !== 'processing' && (
            <a className="btn btn-secondary" href={receiptUrl(p.id)} download>
              {t('downloadReceipt')}
            </a>
          )}
          <Link className="btn btn-secondary" to={to('payments')}>
            {t('viewHistory')}
          </Link>
          <Link className="btn btn-primary" to={to('invoices')}>
            {t('payAnother')}
          </Link>
        </div>
      </div>
    </Page>
  )
}
