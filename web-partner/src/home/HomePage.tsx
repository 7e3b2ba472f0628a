// Home: the summary figures (GET /v1/insights/summary): outstanding, overdue, pending, collected in the last 30
// days (and by method), DSO and average days to pay. The "needs attention" lists come in a later version.
import { useQuery } from '@tanstack/react-query'
import { formatDate } from '@shared/dates'
import { api, unwrap } from '../api/client'
import { useMe } from '../api/me'
import { useI18n, useMessages } from '../i18n/i18n'
import { Empty, ErrorState, Loading, Money, Page } from '../ui/ui'
import { messages } from './messages'

export default function HomePage() {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const me = useMe()
  const summary = useQuery({
    queryKey: ['insights-summary', me.current_partner_id],
    queryFn: () => unwrap(api.GET('/v1/insights/summary')),
  })
  const team = me.memberships.find((m) => m.partner_id === me.current_partner_id)?.partner_name
  const number = (value: number | null, digits = 1) =>
    value === null ? '—' : new Intl.NumberFormat(intlLocale, { maximumFractionDigits: digits }).format(value)
  return (
    <Page title={t('title')}>
      {team && <p>{t('welcome', { team })}</p>}
      {summary.isPending && <Loading />}
      {summary.isError && <ErrorState error={summary.error} onRetry={() => summary.refetch()} />}
      {summary.data && (
        <>
          <p className="hint">{t('asOf', { date: formatDate(summary.data.as_of, intlLocale, 'long') })}</p>
          <dl className="figures">
            {(
              [
                ['outstanding', summary.data.outstanding],
                ['overdue', summary.data.overdue],
                ['pending', summary.data.pending],
                ['collected', summary.data.collected_last_30_days],
              ] as const
            ).map(([key, amount]) => (
              <div className="figure" key={key}>
                <dt>{t(key)}</dt>
                <dd>
                  <Money amount={amount} currency={summary.data.currency} />
                </dd>
              </div>
            ))}
            <div className="figure">
              <dt>{t('dso')}</dt>
              <dd>{summary.data.dso_days === null ? '—' : t('days', { n: number(summary.data.dso_days) })}</dd>
            </div>
            <div className="figure">
              <dt>{t('averageDays')}</dt>
              <dd>{summary.data.average_days_to_pay === null ? '—' : t('days', { n: number(summary.data.average_days_to_pay) })}</dd>
            </div>
            <div className="figure">
              <dt>{t('autopay')}</dt>
              <dd>
                {summary.data.autopay_share === null
                  ? '—'
                  : new Intl.NumberFormat(intlLocale, { style: 'percent', maximumFractionDigits: 0 }).format(summary.data.autopay_share)}
              </dd>
            </div>
          </dl>
          <section className="card" aria-labelledby="by-method">
            <h2 id="by-method">{t('byMethod')}</h2>
            {Object.keys(summary.data.collected_by_method).length === 0 ? (
              <Empty>{t('nothingCollected')}</Empty>
            ) : (
              <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="by-method">
                <table className="data">
                  <thead>
                    <tr>
                      <th scope="col">{t('method')}</th>
                      <th scope="col" className="num">
                        {t('amount')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {Object.entries(summary.data.collected_by_method).map(([method, amount]) => (
                      <tr key={method}>
                        <td>{method in messages.en ? t(method as 'card') : method}</td>
                        <td className="num">
                          <Money amount={amount} currency={summary.data.currency} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </Page>
  )
}
