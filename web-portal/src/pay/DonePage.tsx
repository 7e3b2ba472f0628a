// The confirmation after paying: what was paid, how, the transaction id and where the receipt goes. Bank debits
// are honestly pending (with what happens next); reloading asks the API again, so a settled debit shows settled.
import { useQuery } from '@tanstack/react-query'
import { Link, useParams } from 'react-router'
import { api, unwrap } from '../api/client'
import type { components } from '../api/schema'
import { useI18n, useMessages } from '../i18n/i18n'
import { Alert, Button, ErrorState, Loading, Money, Page } from '../ui/ui'
import { usePortalPath } from '../shell/paths'
import { messages, type PayKey } from './messages'
import { InvoiceOutcomes, isBankMethod, PaymentFacts, StatusLine } from './PaymentFacts'
import './pay.css'
import { useMethodLabel } from '../payments/methodLabel'

type Payment = components['schemas']['PortalPayment']
type Status = Payment['status']

function titleKey(status: Status): PayKey {
  if (status === 'pending') return 'donePendingTitle'
  if (status === 'processing') return 'doneProcessingTitle'
  if (status === 'failed' || status === 'returned' || status === 'canceled') return 'doneFailedTitle'
  return 'doneTitle'
}

export function receiptUrl(paymentId: string, language: string): string {
  return `/portal/v1/payments/${encodeURIComponent(paymentId)}/receipt?language=${encodeURIComponent(language)}`
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
  const methodName = useMethodLabel()
  const { locale } = useI18n()
  const to = usePortalPath()
  const p = payment
  const bank = isBankMethod(p.method)
  const taken = p.status !== 'failed' && p.status !== 'returned' && p.status !== 'canceled' && p.status !== 'processing'
  const pending = p.status === 'pending'
  return (
    <Page title={t(titleKey(p.status))}>
      <div className="card stack confirmation">
        <StatusLine status={p.status} />
        {pending && (
          <Alert tone="info">
            <strong>{t('status.pending')}.</strong> {t('pendingWhat')}{' '}
            {p.receipt_email ? t('pendingReceipt', { email: p.receipt_email }) : t('pendingReceiptNoEmail')}
          </Alert>
        )}
        {(p.status === 'succeeded' || p.status === 'settled') && (
          <Alert tone="success">{p.status === 'settled' && bank ? t('settledWhat') : t('succeededWhat')}</Alert>
        )}
        {p.status === 'processing' && <Alert tone="info">{t('processingWhat')}</Alert>}
        {(p.status === 'failed' || p.status === 'returned') && (
          <Alert tone="error">{t('failedWhat', { reason: p.failure_message ?? '' })}</Alert>
        )}
        {taken && <InvoiceOutcomes outcomes={p.allocations} currency={p.currency} pending={pending} />}
        <PaymentFacts payment={p} subtotal={p.subtotal} methodLabel={methodName(p.method, p.method_label)} />
        <section aria-labelledby="paid-invoices">
          <h2 id="paid-invoices">{t('invoicesPaid')}</h2>
          <table className="table responsive">
            <thead>
              <tr>
                <th scope="col">{t('colInvoice')}</th>
                <th scope="col" className="num">
                  {pending ? t('colPending') : t('colApplied')}
                </th>
                <th scope="col" className="num">
                  {t('colStillDue')}
                </th>
              </tr>
            </thead>
            <tbody>
              {p.allocations.map((a) => (
                <tr key={a.invoice_id}>
                  <th scope="row" data-label={t('colInvoice')}>
                    <Link to={to(`invoices/${encodeURIComponent(a.invoice_id)}`)}>{a.invoice_number}</Link>
                  </th>
                  <td data-label={pending ? t('colPending') : t('colApplied')} className="num">
                    <Money amount={a.amount} currency={p.currency} />
                  </td>
                  <td data-label={t('colStillDue')} className="num">
                    {a.amount_due > 0 ? <Money amount={a.amount_due} currency={p.currency} /> : t('stillDueNone')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <div className="row">
          {(pending || p.status === 'processing') && (
            <Button variant="secondary" onClick={onRefresh} busy={refreshing}>
              {t('reload')}
            </Button>
          )}
          {p.status !== 'failed' && p.status !== 'processing' && (
            <a className="btn btn-secondary" href={receiptUrl(p.id, locale)} download>
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
