// Home: the summary figures (GET /v1/insights/summary): outstanding, overdue, pending, collected in the last 30
// days (and by method), DSO and average days to pay. The "needs attention" lists come in a later version.
import { useQuery } from '@tanstack/react-query'
import { useId } from 'react'
import { useSearchParams } from 'react-router'
import { formatDate } from '@shared/dates'
import { Problem } from '@shared/problem'
import { api, unwrap } from '../api/client'
import { useMe } from '../api/me'
import { useI18n, useMessages } from '../i18n/i18n'
import { Empty, ErrorState, Loading, Money, Page } from '../ui/ui'
import { messages } from './messages'

export default function HomePage() {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const me = useMe()
  const pickerId = useId()
  const [params, setParams] = useSearchParams()
  const asked = /^[A-Z]{3}$/.test(params.get('currency') ?? '') ? params.get('currency') : null
  const summary = useQuery({
    queryKey: ['insights-summary', me.current_partner_id, asked],
    queryFn: () => unwrap(api.GET('/v1/insights/summary', { params: { query: asked ? { currency: asked } : {} } })),
  })
  // A partner billing in several currencies names one (`?currency=`, kept in the address): the API lists them.
  const several = useQuery({
    queryKey: ['insights-currencies', me.current_partner_id],
    queryFn: () => currenciesOf(() => unwrap(api.GET('/v1/insights/summary'))),
    enabled: asked !== null || (summary.error instanceof Problem && summary.error.fieldError('currency') !== undefined),
    staleTime: 60_000,
  })
  const currencies = several.data ?? []
  const team = me.memberships.find((m) => m.partner_id === me.current_partner_id)?.partner_name
  const number = (value: number | null, digits = 1) =>
    value === null ? '—' : new Intl.NumberFormat(intlLocale, { maximumFractionDigits: digits }).format(value)
  return (
    <Page title={t('title')}>
      {team && <p>{t('welcome', { team })}</p>}
      {currencies.length > 1 && (
        <p className="field">
          <label htmlFor={pickerId}>{t('currency')}</label>
          <select
            id={pickerId}
            value={asked ?? ''}
            onChange={(e) => setParams(e.target.value ? { currency: e.target.value } : {}, { replace: true })}
          >
            {!asked && <option value="">—</option>}
            {currencies.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </p>
      )}
      {!asked && currencies.length > 1 ? (
        <p className="alert alert-info">{t('chooseCurrency')}</p>
      ) : (
        <>
          {summary.isPending && <Loading />}
          {summary.isError && <ErrorState error={summary.error} onRetry={() => summary.refetch()} />}
        </>
      )}
      {summary.data && (asked || currencies.length < 2) && (
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

/** The currencies the API lists when it needs one named (`context.currencies`, "CAD,USD"); one or none otherwise. */
async function currenciesOf(ask: () => Promise<{ currency: string }>): Promise<string[]> {
  try {
    return [(await ask()).currency]
  } catch (error) {
    const listed = error instanceof Problem ? error.body.context : undefined
    if (listed && typeof listed === 'object' && 'currencies' in listed && typeof listed.currencies === 'string') {
      return listed.currencies.split(',').filter((c) => /^[A-Z]{3}$/.test(c))
    }
    throw error
  }
}
