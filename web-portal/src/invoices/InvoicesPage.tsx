// The first screen after sign-in: what is owed in all, then outstanding invoices (or another filter), sorted,
// paged with "load more", with several (or all shown) selectable for one payment. Kept lean: it is the screen
// people wait for. On a phone each invoice is two lines: number, description and amount due; due date and status.
import { useEffect, useId, useRef } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router'
import { usePermissions } from '../api/queries/me'
import { common } from '../i18n/common'
import { useI18n, useMessages } from '../i18n/i18n'
import { formatDate as formatDay } from '../lib/dates'
import { usePortalPath } from '../shell/paths'
import { Button, Empty, Money, Page } from '../ui/ui'
import { messages } from './messages'
import { OwedSummary } from './OwedSummary'
import { PagedList } from './PagedList'
import { FILTERS, SORTS, listParams, type InvoiceFilter } from './firstPage'
import { type Invoice, useInvoiceList } from './queries'
import { SelectionBar, useSelection, type Selection } from './selection'
import { isOverdue } from './status'
import { StatusChips } from './StatusChips'
import { TableHead } from './tableParts'
import './invoices.css'

const FILTER_LABELS = {
  open: 'filterOpen',
  overdue: 'filterOverdue',
  pending: 'filterPending',
  paid: 'filterPaid',
  all: 'filterAll',
} as const
const SORT_LABELS = { due_date: 'sortDue', '-due_date': 'sortDueDesc', number: 'sortNumber', '-created': 'sortCreated' } as const

export function InvoicesPage() {
  const t = useMessages(messages)
  const tc = useMessages(common)
  const to = usePortalPath()
  const navigate = useNavigate()
  const [params, setParams] = useSearchParams()
  const { status, sort } = listParams(params)
  const list = useInvoiceList(status, sort)
  const selection = useSelection<Invoice>()
  const { can, readOnly } = usePermissions()
  const payReason = readOnly ? tc('readOnly') : can('pay') ? null : t('cannotPay')
  const reasonId = useId()
  const filterId = useId()
  const sortId = useId()

  const change = (key: 'status' | 'sort', value: string) => {
    const next = new URLSearchParams(params)
    next.set(key, value)
    setParams(next, { replace: true })
  }

  const invoices = list.data?.pages.flatMap((p) => p.data) ?? []

  return (
    <Page
      title={t('title')}
      actions={
        <Button
          variant="secondary"
          disabled={payReason !== null}
          aria-describedby={payReason ? reasonId : undefined}
          onClick={() => navigate(`${to('pay')}?mode=amount`)}
        >
          {t('payAmount')}
        </Button>
      }
    >
      {payReason && (
        <p className="muted" id={reasonId}>
          {payReason}
        </p>
      )}
      <OwedSummary canPay={payReason === null} onPayOverdue={(ids) => navigate(`${to('pay')}?invoices=${ids.join(',')}`)} />
      <div className="list-tools">
        <div className="field">
          <label htmlFor={filterId}>{t('filter')}</label>
          <select id={filterId} value={status} onChange={(e) => change('status', e.target.value)}>
            {FILTERS.map((f) => (
              <option key={f} value={f}>
                {t(FILTER_LABELS[f])}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={sortId}>{t('sort')}</label>
          <select id={sortId} value={sort} onChange={(e) => change('sort', e.target.value)}>
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {t(SORT_LABELS[s])}
              </option>
            ))}
          </select>
        </div>
      </div>

      <PagedList
        query={list}
        count={invoices.length}
        empty={<EmptyInvoices status={status} onShowAll={() => change('status', 'all')} />}
        loadMoreLabel={t('loadMore')}
      >
        <InvoiceTable invoices={invoices} selection={selection} selectable={payReason === null} />
      </PagedList>
      <SelectionBar
        items={selection.items}
        onClear={selection.clear}
        onPay={() => navigate(`${to('pay')}?invoices=${selection.ids.join(',')}`)}
      />
    </Page>
  )
}

export function EmptyInvoices({ status, onShowAll }: { status: InvoiceFilter; onShowAll: () => void }) {
  const t = useMessages(messages)
  if (status !== 'open') return <Empty>{t('emptyOther')}</Empty>
  return (
    <Empty>
      <h2 className="empty-title">{t('emptyOpenTitle')}</h2>
      <p>{t('emptyOpen')}</p>
      <Button variant="link" onClick={onShowAll}>
        {t('showAll')}
      </Button>
    </Empty>
  )
}

function SelectAll({ invoices, selection }: { invoices: Invoice[]; selection: Selection<Invoice> }) {
  const t = useMessages(messages)
  const box = useRef<HTMLInputElement>(null)
  const payable = invoices.filter((i) => i.pay_allowed)
  const chosen = payable.filter((i) => selection.has(i.id)).length
  const all = payable.length > 0 && chosen === payable.length
  useEffect(() => {
    if (box.current) box.current.indeterminate = chosen > 0 && !all
  }, [chosen, all])
  if (payable.length === 0) return <span className="visually-hidden">{t('colSelect')}</span>
  // The words show on a phone, where this is the list's only heading; a wide screen has the column for context.
  return (
    <label className="select-all">
      <input
        ref={box}
        type="checkbox"
        className="select-box"
        checked={all}
        onChange={() => selection.setAll(payable, !all)}
      />
      <span className="select-all-text">{t('selectAll')}</span>
    </label>
  )
}

function InvoiceTable({
  invoices,
  selection,
  selectable,
}: {
  invoices: Invoice[]
  selection: Selection<Invoice>
  selectable: boolean
}) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const to = usePortalPath()
  return (
    <table className="table responsive invoice-table">
      <TableHead
        caption={t('caption')}
        columns={[
          ...(selectable
            ? [
                {
                  label: t('colSelect'),
                  className: 'select-col',
                  content: <SelectAll invoices={invoices} selection={selection} />,
                },
              ]
            : []),
          t('colNumber'),
          t('colDescription'),
          t('colStatus'),
          t('colIssued'),
          t('colDue'),
          { label: t('colTotal'), num: true },
          { label: t('colAmountDue'), num: true },
        ]}
      />
      <tbody>
        {invoices.map((invoice) => {
          const overdue = isOverdue(invoice)
          return (
            <tr
              key={invoice.id}
              className={overdue ? 'row-overdue' : undefined}
              data-invoice-id={invoice.id}
            >
              {selectable && (
                <td className="select-col">
                  {invoice.pay_allowed && (
                    <input
                      type="checkbox"
                      className="select-box"
                      checked={selection.has(invoice.id)}
                      onChange={() => selection.toggle(invoice)}
                      aria-label={t('selectInvoice', { number: invoice.number })}
                    />
                  )}
                </td>
              )}
              <td className="col-number" data-label={t('colNumber')}>
                <Link to={to(`invoices/${encodeURIComponent(invoice.id)}`)} className="invoice-link">
                  {invoice.number}
                </Link>
              </td>
              <td className="col-description" data-label={t('colDescription')}>
                {invoice.description ?? ''}
              </td>
              <td className="col-status" data-label={t('colStatus')}>
                <StatusChips invoice={invoice} />
              </td>
              <td className="col-issued" data-label={t('colIssued')}>
                {formatDay(invoice.issue_date, intlLocale)}
              </td>
              <td className="col-due" data-label={t('colDue')}>
                <span className={overdue ? 'overdue-date' : undefined}>
                  {overdue && (
                    <span className="overdue-mark" aria-hidden="true">
                      !{' '}
                    </span>
                  )}
                  {formatDay(invoice.due_date, intlLocale)}
                </span>
              </td>
              <td className="col-total num" data-label={t('colTotal')}>
                <Money amount={invoice.total} currency={invoice.currency} />
              </td>
              <td className="col-amount num" data-label={t('colAmountDue')}>
                <Money amount={invoice.amount_due} currency={invoice.currency} />
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
