// One payment: what was charged and applied to which invoices, its transaction id, what happens next for a
// bank debit on its way, and the receipt.
import { Link, useParams } from 'react-router'
import { useI18n, useMessages } from '../i18n/i18n'
import { formatDate, formatDateTime } from '../lib/dates'
import { usePortalPath } from '../shell/paths'
import { Alert, ErrorState, Loading, Money, Page } from '../ui/ui'
import { messages } from './messages'
import { PaymentStatusChip } from './PaymentStatusChip'
import { usePayment, type Payment } from './queries'
import { hasReceipt, nothingTaken, onItsWay, receiptUrl } from './status'
import { TableHead } from '../invoices/tableParts'
import '../invoices/invoices.css'
import { useMethodLabel } from './methodLabel'

const SETTLEMENT_DAYS: Partial<Record<Payment['method'], number>> = { us_bank_account: 4, ca_bank_account: 5 }

export function PaymentDetailPage() {
  const { paymentId = '' } = useParams()
  const payment = usePayment(paymentId)
  const t = useMessages(messages)
  const to = usePortalPath()
  if (payment.isPending) return <Loading />
  if (!payment.data) {
    return (
      <>
        <Link to={to('payments')} className="back-link">
          ← {t('back')}
        </Link>
        <ErrorState error={payment.error} onRetry={() => payment.refetch()} />
      </>
    )
  }
  return <PaymentDetail payment={payment.data} />
}

function PaymentDetail({ payment }: { payment: Payment }) {
  const t = useMessages(messages)
  const methodName = useMethodLabel()
  const { intlLocale } = useI18n()
  const to = usePortalPath()
  const { currency } = payment
  const days = SETTLEMENT_DAYS[payment.method]
  const none = nothingTaken(payment.standing)
  const heading = none ? t('allocationsNotTaken') : onItsWay(payment.standing) ? t('allocationsPending') : t('allocations')
  return (
    <Page title={t('detailTitle', { id: payment.transaction_id })}>
      <Link to={to('payments')} className="back-link">
        ← {t('back')}
      </Link>
      {payment.status === 'pending' && days !== undefined && (
        <section className="next-steps" aria-label={t('pendingTitle')}>
          <h2>{t('pendingTitle')}</h2>
          <ul>
            <li>{t('pendingBank', { days })}</li>
            <li>{t('pendingEmail')}</li>
            <li>{t('pendingReturn')}</li>
          </ul>
        </section>
      )}
      {payment.status === 'processing' && <Alert tone="info">{t('processingNote')}</Alert>}
      {payment.status === 'returned' && <Alert tone="warning">{t('returnedNote')}</Alert>}
      {payment.failure_message && (
        <Alert tone="error">
          <strong>{t('failure')}: </strong>
          {payment.failure_message}
        </Alert>
      )}

      {none && <p className="muted" data-testid="not-charged">{t('notCharged')}</p>}
      <Figures payment={payment} />

      <div className="card">
        <dl className="facts">
          <dt>{t('transactionId')}</dt>
          <dd>
            <code data-testid="transaction-id">{payment.transaction_id}</code>
          </dd>
          <dt>{t('status')}</dt>
          <dd>
            <PaymentStatusChip standing={payment.standing} />
          </dd>
          <dt>{t('method')}</dt>
          <dd>{methodName(payment.method, payment.method_label)}</dd>
          <dt>{t('receivedOn')}</dt>
          <dd>{formatDate(payment.received_on, intlLocale)}</dd>
          <dt>{t('createdAt')}</dt>
          <dd>{formatDateTime(payment.created_at, intlLocale)}</dd>
          {payment.settled_at && (
            <>
              <dt>{t('settledAt')}</dt>
              <dd>{formatDateTime(payment.settled_at, intlLocale)}</dd>
            </>
          )}
          {payment.receipt_email && (
            <>
              <dt>{t('receiptEmail')}</dt>
              <dd>{payment.receipt_email}</dd>
            </>
          )}
        </dl>
      </div>

      {hasReceipt(payment.status) && (
        <div className="detail-actions">
          <a className="btn btn-secondary" href={receiptUrl(payment.id)} download={`receipt-${payment.transaction_id}.pdf`}>
            {t('receipt')}
          </a>
        </div>
      )}

      {payment.allocations.length > 0 && (
        <section className={none ? 'card muted-card' : 'card'} aria-label={heading}>
          <h2>{heading}</h2>
          <table className="table responsive">
            <TableHead caption={t('allocationsCaption')} columns={[t('invoice'), { label: t('applied'), num: true }]} />
            <tbody>
              {payment.allocations.map((a) => (
                <tr key={a.invoice_id}>
                  <td data-label={t('invoice')}>
                    <Link to={to(`invoices/${encodeURIComponent(a.invoice_id)}`)}>{a.invoice_number}</Link>
                  </td>
                  <td data-label={t('applied')} className="num">
                    <Money amount={a.amount} currency={currency} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </Page>
  )
}

/** What was charged, what is on its way, or, for a declined attempt, only what was tried (no fee, no "charged"). */
function Figures({ payment }: { payment: Payment }) {
  const t = useMessages(messages)
  const { currency } = payment
  if (nothingTaken(payment.standing)) {
    return (
      <dl className="figures muted-card">
        <div>
          <dt>{t('attempted')}</dt>
          <dd>
            <Money amount={payment.subtotal} currency={currency} />
          </dd>
        </div>
      </dl>
    )
  }
  const pending = onItsWay(payment.standing)
  return (
    <dl className="figures">
      <div>
        <dt>{pending ? t('pendingSubtotal') : t('subtotal')}</dt>
        <dd>
          <Money amount={payment.subtotal} currency={currency} />
        </dd>
      </div>
      {payment.fee > 0 && (
        <div>
          <dt>{t('fee')}</dt>
          <dd>
            <Money amount={payment.fee} currency={currency} />
          </dd>
        </div>
      )}
      <div className="figure-due">
        <dt>{pending ? t('pendingAmount') : t('amount')}</dt>
        <dd>
          <Money amount={payment.amount} currency={currency} />
        </dd>
      </div>
    </dl>
  )
}
