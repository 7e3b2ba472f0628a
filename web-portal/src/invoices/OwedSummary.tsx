// "What do I owe": the total outstanding, its overdue part and the next due date, per currency, over every
// invoice still payable (not only the page shown), with "Pay all overdue".
import { useId } from 'react'
import { useI18n, useMessages } from '../i18n/i18n'
import { formatDate } from '../lib/dates'
import { formatMoney } from '../lib/money'
import { Button, Money } from '../ui/ui'
import { messages } from './messages'
import { type Owed, useOwedSummary } from './queries'

export function OwedSummary({ onPayOverdue, canPay }: { onPayOverdue: (ids: string[]) => void; canPay: boolean }) {
  const summary = useOwedSummary()
  const t = useMessages(messages)
  const headingId = useId()
  const owed = (summary.data?.data ?? []).filter((o) => o.amount_due > 0 || o.amount_pending > 0)
  if (owed.length === 0) return null
  const several = owed.length > 1
  return (
    <section className="owed" aria-labelledby={headingId} data-testid="owed-summary">
      <h2 id={headingId} className="visually-hidden">
        {t('owedTitle')}
      </h2>
      {owed.map((o) => (
        <OwedIn key={o.currency} owed={o} several={several} canPay={canPay} onPayOverdue={onPayOverdue} />
      ))}
    </section>
  )
}

function OwedIn({
  owed,
  several,
  canPay,
  onPayOverdue,
}: {
  owed: Owed
  several: boolean
  canPay: boolean
  onPayOverdue: (ids: string[]) => void
}) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const currency = owed.currency.toUpperCase()
  return (
    <div className="owed-currency" data-currency={currency}>
      {several && <h3 className="owed-currency-name">{t('owedIn', { currency })}</h3>}
      <dl className="figures owed-figures">
        <div className="figure-due">
          <dt>{t('owedTotal')}</dt>
          <dd data-testid="owed-total">
            <Money amount={owed.amount_due} currency={owed.currency} />
          </dd>
        </div>
        <div className={owed.amount_overdue > 0 ? 'owed-overdue' : undefined}>
          <dt>{t('owedOverdue')}</dt>
          <dd data-testid="owed-overdue">
            <Money amount={owed.amount_overdue} currency={owed.currency} />
          </dd>
        </div>
        <div>
          <dt>{t('owedNextDue')}</dt>
          <dd data-testid="owed-next-due">
            {owed.next_due_date ? formatDate(owed.next_due_date, intlLocale) : t('owedNoneAhead')}
          </dd>
        </div>
      </dl>
      <div className="owed-actions">
        {owed.amount_pending > 0 && (
          <p className="muted owed-pending">
            {t('owedPending', { amount: formatMoney(owed.amount_pending, owed.currency, intlLocale) })}
          </p>
        )}
        {canPay && owed.overdue_invoice_ids.length > 0 && (
          <Button onClick={() => onPayOverdue(owed.overdue_invoice_ids)}>
            {several ? t('payOverdueIn', { currency }) : t('payOverdue')}
          </Button>
        )}
      </div>
    </div>
  )
}
