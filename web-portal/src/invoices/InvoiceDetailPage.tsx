// One invoice: where it stands, the payments behind what is paid and pending, its lines, the PDF, paying it, and
// asking the partner about it.
import { useId } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { usePermissions } from '../api/queries/me'
import { common } from '../i18n/common'
import { useI18n, useMessages } from '../i18n/i18n'
import { formatDate } from '../lib/dates'
import { useBranding } from '../shell/PartnerLayout'
import { usePortalPath } from '../shell/paths'
import { Button, ErrorState, Loading, Money, Page } from '../ui/ui'
import { detailMessages } from './detailMessages'
import { StatusChips } from './StatusChips'
import { invoicePdfUrl, useInvoice, type InvoiceDetail } from './queries'
import { QuestionsSection } from './QuestionsSection'
import { LinesTable } from './LinesTable'
import { InvoicePayments } from './InvoicePayments'
import './invoices.css'

export function InvoiceDetailPage() {
  const { invoiceId = '' } = useParams()
  const invoice = useInvoice(invoiceId)
  const t = useMessages(detailMessages)
  const to = usePortalPath()
  if (invoice.isPending) return <Loading />
  if (!invoice.data) {
    return (
      <>
        <Link to={to('invoices')} className="back-link">
          ← {t('back')}
        </Link>
        <ErrorState error={invoice.error} onRetry={() => invoice.refetch()} />
      </>
    )
  }
  return <InvoiceDetail invoice={invoice.data} />
}

// `amount_written_off` is in the portal API; optional here until src/api/schema.d.ts is next generated from it.
type WithWriteOff = InvoiceDetail & { amount_written_off?: number }

function InvoiceDetail({ invoice }: { invoice: WithWriteOff }) {
  const t = useMessages(detailMessages)
  const tc = useMessages(common)
  const { intlLocale } = useI18n()
  const to = usePortalPath()
  const navigate = useNavigate()
  const branding = useBranding()
  const { can, readOnly } = usePermissions()
  const reasonId = useId()
  const { currency } = invoice
  const writtenOff = invoice.amount_written_off ?? 0
  const payable = invoice.status === 'open' || invoice.status === 'partially_paid'
  const payReason = invoice.pay_allowed
    ? null
    : readOnly
      ? tc('readOnly')
      : !can('pay')
        ? t('noPayPermission')
        : payable
          ? t('nothingDue')
          : t('notPayableStatus')

  return (
    <Page title={t('title', { number: invoice.number })}>
      <Link to={to('invoices')} className="back-link">
        ← {t('back')}
      </Link>
      <p>
        <StatusChips invoice={invoice} />
      </p>
      <dl className="figures" aria-label={t('figures')}>
        <div>
          <dt>{t('total')}</dt>
          <dd>
            <Money amount={invoice.total} currency={currency} />
          </dd>
        </div>
        <div>
          <dt>{t('paid')}</dt>
          <dd>
            <Money amount={invoice.amount_paid} currency={currency} />
          </dd>
        </div>
        {invoice.amount_pending > 0 && (
          <div>
            <dt>{t('pending')}</dt>
            <dd>
              <Money amount={invoice.amount_pending} currency={currency} />
              <p className="reason">{t('pendingHint')}</p>
            </dd>
          </div>
        )}
        {writtenOff > 0 && (
          <div>
            <dt>{t('writtenOff')}</dt>
            <dd>
              <Money amount={writtenOff} currency={currency} />
              <p className="reason">{t('writtenOffHint', { partner: branding.name })}</p>
            </dd>
          </div>
        )}
        <div className="figure-due">
          <dt>{t('due')}</dt>
          <dd>
            <Money amount={invoice.amount_due} currency={currency} />
          </dd>
        </div>
        <div>
          <dt>{t('issued')}</dt>
          <dd>{formatDate(invoice.issue_date, intlLocale)}</dd>
        </div>
        <div>
          <dt>{t('dueDate')}</dt>
          <dd className={invoice.overdue && invoice.amount_due > 0 ? 'overdue-date' : undefined}>
            {formatDate(invoice.due_date, intlLocale)}
          </dd>
        </div>
      </dl>

      <div className="detail-actions">
        {payable && (
          <Button
            disabled={payReason !== null}
            aria-describedby={payReason ? reasonId : undefined}
            onClick={() => navigate(`${to('pay')}?invoices=${invoice.id}`)}
          >
            {t('pay')}
          </Button>
        )}
        <a
          className="btn btn-secondary"
          href={invoicePdfUrl(invoice.id)}
          download={`${invoice.number}.pdf`}
        >
          {t('pdf')}
        </a>
      </div>
      {payable && payReason && (
        <p className="reason" id={reasonId}>
          {payReason}
        </p>
      )}

      <InvoicePayments payments={invoice.payments} />

      <section className="card" aria-labelledby={`${reasonId}-lines`}>
        <h2 id={`${reasonId}-lines`}>{t('lines')}</h2>
        {/* The total is the first figure above: not repeated under the lines. */}
        <LinesTable lines={invoice.lines} currency={currency} />
        {invoice.memo && (
          <div className="memo">
            <h3>{t('memo', { partner: branding.name })}</h3>
            <p className="question-text">{invoice.memo}</p>
          </div>
        )}
      </section>

      <QuestionsSection invoiceId={invoice.id} />
    </Page>
  )
}
