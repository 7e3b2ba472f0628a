// The payment list: the filters GET /v1/payments has (status, customer, transaction id) and the page in the address.
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useMemo, useState, type FormEvent } from 'react'
import { Link, useLocation, useNavigate } from 'react-router'
import { formatDate } from '@shared/dates'
import { api, unwrap } from '../api/client'
import { CustomerPicker } from '../customers/CustomerPicker'
import { useI18n, useMessages } from '../i18n/i18n'
import { Pager } from '../lib/Pager'
import { Button, Empty, ErrorState, Loading, Money, Page, SelectField, TextField } from '../ui/ui'
import { EMPTY_PAYMENTS, PAYMENT_STATUSES, parsePaymentList, paymentApiQuery, paymentListSearch, type PaymentListState, type PaymentStatus } from './listState'
import { messages } from './messages'

function Filters({ state, onApply }: { state: PaymentListState; onApply: (next: PaymentListState) => void }) {
  const t = useMessages(messages)
  const [status, setStatus] = useState(state.status)
  const [customer, setCustomer] = useState(state.customer)
  const [transaction, setTransaction] = useState(state.transaction)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    onApply({ ...state, status, customer, transaction: transaction.trim(), cursor: null, back: [] })
  }
  const filtered = state.status || state.customer || state.transaction
  return (
    <form className="card" role="search" aria-label={t('filters')} onSubmit={submit}>
      <div className="row">
        <SelectField label={t('status')} value={status} onChange={(e) => setStatus(e.target.value as PaymentStatus | '')}>
          <option value="">{t('anyStatus')}</option>
          {PAYMENT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </SelectField>
        <TextField label={t('transaction')} value={transaction} maxLength={20} onChange={(e) => setTransaction(e.target.value)} />
      </div>
      <CustomerPicker label={t('customer')} emptyLabel={t('anyCustomer')} value={customer} onChange={(id) => setCustomer(id)} />
      <div className="actions">
        <Button type="submit">{t('apply')}</Button>
        {filtered && (
          <Button variant="secondary" onClick={() => onApply(EMPTY_PAYMENTS)}>
            {t('clear')}
          </Button>
        )}
      </div>
    </form>
  )
}

export default function PaymentsPage() {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const location = useLocation()
  const navigate = useNavigate()
  const state = useMemo(() => parsePaymentList(location.search), [location.search])
  const go = (next: PaymentListState) => navigate({ search: paymentListSearch(next) })
  const query = useQuery({
    queryKey: ['payments', paymentApiQuery(state)],
    queryFn: () => unwrap(api.GET('/v1/payments', { params: { query: paymentApiQuery(state) } })),
    placeholderData: keepPreviousData,
  })
  const rows = query.data?.data ?? []
  const filtered = Boolean(state.status || state.customer || state.transaction)
  const pageLabel = t('pageOf', { n: state.back.length + 1 })
  return (
    <Page title={t('title')} wide>
      <Filters key={location.search} state={state} onApply={go} />
      {query.isPending && <Loading />}
      {query.isError && <ErrorState error={query.error} onRetry={() => query.refetch()} />}
      {query.data && rows.length === 0 && <Empty>{filtered ? t('noMatch') : t('none')}</Empty>}
      {rows.length > 0 && (
        <>
          <div className="table-scroll" tabIndex={0} role="region" aria-label={pageLabel}>
            <table className="data" aria-busy={query.isFetching || undefined}>
              <thead>
                <tr>
                  <th scope="col">{t('transaction')}</th>
                  <th scope="col">{t('status')}</th>
                  <th scope="col">{t('method')}</th>
                  <th scope="col">{t('received')}</th>
                  <th scope="col" className="num">{t('amount')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((p) => (
                  <tr key={p.id}>
                    <td>
                      <Link to={`/dashboard/payments/${encodeURIComponent(p.id)}`}>{p.transaction_id}</Link>
                    </td>
                    <td>
                      <span className="chip">{t(`status.${p.status}`)}</span>
                    </td>
                    <td>{t(`method.${p.method}`)}</td>
                    <td>{formatDate(p.received_on, intlLocale)}</td>
                    <td className="num">
                      <Money amount={p.amount} currency={p.currency} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager state={state} next={query.data?.next_cursor} label={pageLabel} go={go} />
        </>
      )}
    </Page>
  )
}
