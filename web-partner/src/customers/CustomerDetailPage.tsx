// A customer, read-only in this version: who they are, how they are billed, their contacts.
import { useQuery } from '@tanstack/react-query'
import { Link, useParams } from 'react-router'
import { formatDate, formatDateTime } from '@shared/dates'
import { api, unwrap } from '../api/client'
import { useI18n, useMessages } from '../i18n/i18n'
import { ErrorState, Loading, Page } from '../ui/ui'
import { messages } from './messages'
import { useTermsLabel } from './terms'

export default function CustomerDetailPage() {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const terms = useTermsLabel()
  const { customerId = '' } = useParams()
  const query = useQuery({
    queryKey: ['customer', customerId],
    queryFn: () => unwrap(api.GET('/v1/customers/{customer_id}', { params: { path: { customer_id: customerId } } })),
  })
  const back = (
    <p>
      <Link to="/dashboard/customers">← {t('backToList')}</Link>
    </p>
  )
  if (query.isPending) return <Loading />
  if (query.isError)
    return (
      <Page title={t('detailTitle')}>
        {back}
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      </Page>
    )
  const c = query.data
  return (
    <Page title={c.name}>
      {back}
      {c.merged_at && <p className="alert alert-warning">{t('mergedInto', { date: formatDate(c.merged_at, intlLocale) })}</p>}
      <section className="card" aria-labelledby="facts">
        <h2 id="facts">{t('detailTitle')}</h2>
        <dl className="facts">
          <dt>{t('status')}</dt>
          <dd>
            <span className={`chip${c.archived ? ' chip-warning' : ' chip-success'}`}>{c.archived ? t('archivedChip') : t('active')}</span>
          </dd>
          <dt>{t('email')}</dt>
          <dd>{c.email ?? '—'}</dd>
          <dt>{t('terms')}</dt>
          <dd>{terms(c.billing_terms)}</dd>
          <dt>{t('tags')}</dt>
          <dd>{c.tags.join(', ') || '—'}</dd>
          <dt>{t('language')}</dt>
          <dd>{c.language === 'fr' ? 'Français' : 'English'}</dd>
          <dt>{t('externalId')}</dt>
          <dd>{c.external_id ?? '—'}</dd>
          <dt>{t('cardFeeExempt')}</dt>
          <dd>{c.card_fee_exempt ? '✓' : '—'}</dd>
          <dt>{t('created')}</dt>
          <dd>{formatDateTime(c.created_at, intlLocale)}</dd>
          <dt>{t('updated')}</dt>
          <dd>{formatDateTime(c.updated_at, intlLocale)}</dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="contacts">
        <h2 id="contacts">{t('contacts')}</h2>
        {c.contacts.length === 0 ? (
          <p>{t('noContacts')}</p>
        ) : (
          <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="contacts">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">{t('name')}</th>
                  <th scope="col">{t('email')}</th>
                  <th scope="col">{t('phone')}</th>
                </tr>
              </thead>
              <tbody>
                {c.contacts.map((contact) => (
                  <tr key={contact.email}>
                    <td>{contact.name ?? '—'}</td>
                    <td>{contact.email}</td>
                    <td>{contact.phone ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Page>
  )
}
