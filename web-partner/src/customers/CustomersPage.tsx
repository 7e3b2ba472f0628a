// The customer list: filters and page in the address (listState.ts), a table that scrolls sideways on a narrow
// screen, and each name a link to the customer's detail.
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table'
import { useEffect, useMemo, useState, type FormEvent } from 'react'
import { Link, useLocation, useNavigate } from 'react-router'
import { formatDate } from '@shared/dates'
import { api, unwrap, type Schemas } from '../api/client'
import { common } from '../i18n/common'
import { useI18n, useMessages } from '../i18n/i18n'
import { useDebounced } from '../lib/useDebounced'
import { Button, Empty, ErrorState, Loading, Page, TextField } from '../ui/ui'
import { apiQuery, EMPTY, listSearch, nextPage, parseListState, previousPage, withFilters, type ListState } from './listState'
import { messages } from './messages'
import { useTermsLabel } from './terms'

type Customer = Schemas['CustomerOut']
const column = createColumnHelper<Customer>()

function Filters({ state, onApply }: { state: ListState; onApply: (next: ListState) => void }) {
  const t = useMessages(messages)
  const [email, setEmail] = useState(state.email)
  const [tag, setTag] = useState(state.tag)
  const [archived, setArchived] = useState(state.archived)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    onApply(withFilters(state, { email: email.trim(), tag: tag.trim(), archived }))
  }
  const filtered = state.email || state.tag || state.archived
  return (
    <form className="card" role="search" aria-label={t('filters')} onSubmit={submit}>
      <div className="row">
        <TextField label={t('email')} type="email" value={email} onChange={(e) => setEmail(e.target.value)} hint={t('emailHint')} />
        <TextField label={t('tag')} value={tag} onChange={(e) => setTag(e.target.value)} maxLength={50} />
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={archived} onChange={(e) => setArchived(e.target.checked)} />
        <span>{t('archived')}</span>
      </label>
      <div className="actions">
        <Button type="submit">{t('apply')}</Button>
        {filtered && (
          <Button
            variant="secondary"
            onClick={() => {
              setEmail('')
              setTag('')
              setArchived(false)
              onApply(EMPTY)
            }}
          >
            {t('clear')}
          </Button>
        )}
      </div>
    </form>
  )
}

/** The search box: the address follows the typing once it pauses (replacing, not adding, a history entry). */
function Search({ state, onSearch }: { state: ListState; onSearch: (q: string) => void }) {
  const t = useMessages(messages)
  const [text, setText] = useState(state.q)
  const settled = useDebounced(text.trim(), 300)
  useEffect(() => {
    if (settled !== state.q) onSearch(settled)
    // only a pause in the typing searches: not a change of `state` or `onSearch`
  }, [settled])
  return (
    <div className="card" role="search" aria-label={t('search')}>
      <TextField label={t('search')} type="search" hint={t('searchHint')} value={text} maxLength={100} onChange={(e) => setText(e.target.value)} />
    </div>
  )
}

export default function CustomersPage() {
  const t = useMessages(messages)
  const tc = useMessages(common)
  const { intlLocale } = useI18n()
  const location = useLocation()
  const navigate = useNavigate()
  const state = useMemo(() => parseListState(location.search), [location.search])
  const go = (next: ListState, replace = false) => navigate({ search: listSearch(next) }, { replace })
  const terms = useTermsLabel()
  const query = useQuery({
    queryKey: ['customers', apiQuery(state)],
    queryFn: () => unwrap(api.GET('/v1/customers', { params: { query: apiQuery(state) } })),
    placeholderData: keepPreviousData,
  })
  const columns = useMemo(
    () => [
      column.accessor('name', {
        header: () => t('name'),
        cell: (c) => <Link to={`/dashboard/customers/${encodeURIComponent(c.row.original.id)}`}>{c.getValue()}</Link>,
      }),
      column.accessor('email', { header: () => t('email'), cell: (c) => c.getValue() ?? '—' }),
      column.accessor('tags', { header: () => t('tags'), cell: (c) => c.getValue().join(', ') || '—' }),
      column.accessor('billing_terms', { header: () => t('terms'), cell: (c) => terms(c.getValue()) }),
      column.accessor('created_at', { header: () => t('created'), cell: (c) => formatDate(c.getValue(), intlLocale) }),
    ],
    [t, terms, intlLocale],
  )
  const table = useReactTable({ data: query.data?.data ?? [], columns, getCoreRowModel: getCoreRowModel() })
  const filtered = Boolean(state.q || state.email || state.tag || state.archived)
  const pageNumber = state.back.length + 1
  return (
    <Page title={t('title')} wide>
      <Search state={state} onSearch={(q) => go(withFilters(state, { q }), true)} />
      <Filters key={location.search} state={state} onApply={(next) => go({ ...next, q: state.q })} />
      {query.isPending && <Loading />}
      {query.isError && <ErrorState error={query.error} onRetry={() => query.refetch()} />}
      {query.data && query.data.data.length === 0 && <Empty>{filtered ? t('noMatch') : t('none')}</Empty>}
      {query.data && query.data.data.length > 0 && (
        <>
          <div className="table-scroll" tabIndex={0} role="region" aria-label={t('pageOf', { n: pageNumber })}>
            <table className="data" aria-busy={query.isFetching || undefined}>
              <thead>
                {table.getHeaderGroups().map((group) => (
                  <tr key={group.id}>
                    {group.headers.map((header) => (
                      <th key={header.id} scope="col">
                        {flexRender(header.column.columnDef.header, header.getContext())}
                      </th>
                    ))}
                  </tr>
                ))}
              </thead>
              <tbody>
                {table.getRowModel().rows.map((row) => (
                  <tr key={row.id}>
                    {row.getVisibleCells().map((cell) => (
                      <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label={t('pageOf', { n: pageNumber })}>
            <Button variant="secondary" disabled={!state.cursor} onClick={() => go(previousPage(state))}>
              {tc('previous')}
            </Button>
            <span>{pageNumber}</span>
            <Button
              variant="secondary"
              disabled={!query.data.next_cursor}
              onClick={() => query.data?.next_cursor && go(nextPage(state, query.data.next_cursor))}
            >
              {tc('next')}
            </Button>
          </nav>
        </>
      )}
    </Page>
  )
}
