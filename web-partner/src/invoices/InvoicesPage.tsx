// The invoice list: every filter of GET /v1/invoices in the address (listState.ts), a table that scrolls sideways
// on a narrow screen, each number a link to the invoice's detail.
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useMemo, useState, type FormEvent } from 'react'
import { Link, useLocation, useNavigate } from 'react-router'
import { formatDate } from '@shared/dates'
import { api, unwrap } from '../api/client'
import { CustomerPicker } from '../customers/CustomerPicker'
import { useI18n, useMessages } from '../i18n/i18n'
import { Pager } from '../lib/Pager'
import { useCan } from '../lib/useCan'
import { Button, Empty, ErrorState, Loading, Money, Page, SelectField, TextField } from '../ui/ui'
import { EMPTY, invoiceApiQuery, invoiceListSearch, isFiltered, parseInvoiceList, STATUSES, withInvoiceFilters, type InvoiceListState, type InvoiceStatus } from './listState'
import { messages } from './messages'
import { statusTone } from './status'

function Filters({ state, onApply }: { state: InvoiceListState; onApply: (next: InvoiceListState) => void }) {
  const t = useMessages(messages)
  const [status, setStatus] = useState(state.status)
  const [customer, setCustomer] = useState(state.customer)
  const [dueAfter, setDueAfter] = useState(state.dueAfter)
  const [dueBefore, setDueBefore] = useState(state.dueBefore)
  const [overdue, setOverdue] = useState(state.overdue)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    onApply(withInvoiceFilters(state, { status, customer, dueAfter, dueBefore, overdue }))
  }
  return (
    <form className="card" role="search" aria-label={t('filters')} onSubmit={submit}>
      <div className="row">
        <SelectField label={t('status')} value={status} onChange={(e) => setStatus(e.target.value as InvoiceStatus | '')}>
          <option value="">{t('anyStatus')}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </SelectField>
        <TextField label={t('dueAfter')} type="date" value={dueAfter} onChange={(e) => setDueAfter(e.target.value)} />
        <TextField label={t('dueBefore')} type="date" value={dueBefore} onChange={(e) => setDueBefore(e.target.value)} />
      </div>
      <CustomerPicker label={t('customer')} emptyLabel={t('anyCustomer')} value={customer} onChange={(id) => setCustomer(id)} />
      <label className="checkbox">
        <input type="checkbox" checked={overdue} onChange={(e) => setOverdue(e.target.checked)} />
        <span>{t('overdue')}</span>
      </label>
      <div className="actions">
        <Button type="submit">{t('apply')}</Button>
        {isFiltered(state) && (
          <Button variant="secondary" onClick={() => onApply(EMPTY)}>
            {t('clear')}
          </Button>
        )}
      </div>
    </form>
  )
}

export default function InvoicesPage() {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const location = useLocation()
  const navigate = useNavigate()
  const can = useCan('invoices')
  const state = useMemo(() => parseInvoiceList(location.search), [location.search])
  const go = (next: InvoiceListState) => navigate({ search: invoiceListSearch(next) })
  const query = useQuery({
    queryKey: ['invoices', invoiceApiQuery(state)],
    queryFn: () => unwrap(api.GET('/v1/invoices', { params: { query: invoiceApiQuery(state) } })),
    placeholderData: keepPreviousData,
  })
  const rows = query.data?.data ?? []
  const pageLabel = t('pageOf', { n: state.back.length + 1 })
  const actions = can.allowed ? (
    <Link className="btn btn-primary" to="/dashboard/invoices/new">
      {t('newInvoice')}
    </Link>
  ) : (
    <Button blockedReason={can.reason}>{t('newInvoice')}</Button>
  )
  return (
    <Page title={t('title')} wide actions={actions}>
      <Filters key={location.search} state={state} onApply={go} />
      {query.isPending && <Loading />}
      {query.isError && <ErrorState error={query.error} onRetry={() => query.refetch()} />}
      {query.data && rows.length === 0 && <Empty>{isFiltered(state) ? t('noMatch') : t('none')}</Empty>}
      {rows.length > 0 && (
        <>
          <div className="table-scroll" tabIndex={0} role="region" aria-label={pageLabel}>
            <table className="data" aria-busy={query.isFetching || undefined}>
              <thead>
                <tr>
                  <th scope="col">{t('number')}</th>
                  <th scope="col">{t('status')}</th>
                  <th scope="col">{t('issued')}</th>
                  <th scope="col">{t('due')}</th>
                  <th scope="col" className="num">{t('total')}</th>
                  <th scope="col" className="num">{t('amountDue')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((inv) => (
                  <tr key={inv.id}>
                    <td>
                      <Link to={`/dashboard/invoices/${encodeURIComponent(inv.id)}`}>{inv.number}</Link>
                    </td>
                    <td>
                      <span className={`chip${statusTone(inv.status)}`}>{t(`status.${inv.status}`)}</span>
                      {inv.overdue && <> <span className="chip chip-warning">{t('overdueChip')}</span></>}
                    </td>
                    <td>{formatDate(inv.issue_date, intlLocale)}</td>
                    <td>{formatDate(inv.due_date, intlLocale)}</td>
                    <td className="num">
                      <Money amount={inv.total} currency={inv.currency} />
                    </td>
                    <td className="num">
                      <Money amount={inv.amount_due} currency={inv.currency} />
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
