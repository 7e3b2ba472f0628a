// People asking to see a customer's invoices in the portal: approve into an existing customer (searched, the API's
// suggestion first) or a new one named after their company, or dismiss (confirmed).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useMemo, useState } from 'react'
import { Link, useLocation, useNavigate } from 'react-router'
import { formatDateTime } from '@shared/dates'
import { api, unwrap, type Schemas } from '../api/client'
import { CustomerPicker } from '../customers/CustomerPicker'
import { useI18n, useMessages } from '../i18n/i18n'
import { Pager } from '../lib/Pager'
import { useCan } from '../lib/useCan'
import { ConfirmDialog } from '../ui/ConfirmDialog'
import { Alert, Button, Empty, ErrorState, Loading, Page, ProblemAlert } from '../ui/ui'
import { messages } from './messages'
import { accessRequestsSearch, parseAccessRequests, VIEWS, type State } from './state'

type AccessRequest = Schemas['AccessRequestOut']
type Notice = string

function RequestCard({ request, onDone }: { request: AccessRequest; onDone: (notice: Notice) => void }) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const can = useCan('access_requests')
  const client = useQueryClient()
  const [target, setTarget] = useState<'existing' | 'new'>(request.suggested_customer_id ? 'existing' : 'new')
  const [customerId, setCustomerId] = useState(request.suggested_customer_id ?? '')
  const [dismissing, setDismissing] = useState(false)
  const [missing, setMissing] = useState(false)
  const refresh = () => client.invalidateQueries({ queryKey: ['access-requests'] })
  const approve = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v1/access-requests/{request_id}/approve', {
          params: { path: { request_id: request.id } },
          body:
            target === 'existing'
              ? { customer_id: customerId }
              : {
                  new_customer: {
                    name: request.company_name,
                    email: request.email,
                    billing_terms: 'net_30',
                    card_fee_exempt: false,
                    contacts: [],
                    external_ids: {},
                    language: intlLocale.startsWith('fr') ? 'fr' : 'en',
                    metadata: {},
                    tags: [],
                  },
                },
        }),
      ),
    onSuccess: async () => {
      onDone(t('approvedNotice', { email: request.email }))
      await refresh()
    },
  })
  const dismiss = useMutation({
    mutationFn: () => unwrap(api.DELETE('/v1/access-requests/{request_id}', { params: { path: { request_id: request.id } } })),
    onSuccess: async () => {
      setDismissing(false)
      onDone(t('dismissedNotice', { email: request.email }))
      await refresh()
    },
  })
  const headingId = `request-${request.id}`
  const name = `target-${request.id}`
  return (
    <article className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('requestTitle', { company: request.company_name, name: request.contact_name })}</h2>
      <dl className="facts">
        <dt>{t('email')}</dt>
        <dd>{request.email}</dd>
        <dt>{t('phone')}</dt>
        <dd>{request.phone || '—'}</dd>
        <dt>{t('address')}</dt>
        <dd>{request.address || '—'}</dd>
        {request.customer_id && (
          <>
            <dt>{t('linkedTo')}</dt>
            <dd>
              <Link to={`/dashboard/customers/${encodeURIComponent(request.customer_id)}`}>{request.customer_id}</Link>
            </dd>
          </>
        )}
      </dl>
      <p className="hint">{t('received', { date: formatDateTime(request.created_at, intlLocale) })}</p>
      {request.status === 'pending' && (
        <>
          {request.suggested_customer_id && <p>{t('suggested')}</p>}
          <fieldset className="plain" disabled={!can.allowed}>
            <legend>{t('into')}</legend>
            <label className="checkbox">
              <input type="radio" name={name} checked={target === 'existing'} onChange={() => setTarget('existing')} />
              <span>{t('existing')}</span>
            </label>
            <label className="checkbox">
              <input type="radio" name={name} checked={target === 'new'} onChange={() => setTarget('new')} />
              <span>{t('newCustomer', { company: request.company_name })}</span>
            </label>
          </fieldset>
          {target === 'existing' && (
            <CustomerPicker
              label={t('customer')}
              emptyLabel={t('chooseCustomer')}
              value={customerId}
              disabled={!can.allowed}
              error={missing && !customerId ? t('pickFirst') : null}
              onChange={(id) => setCustomerId(id)}
            />
          )}
          <ProblemAlert error={approve.error} />
          <div className="actions">
            <Button
              busy={approve.isPending}
              blockedReason={can.reason}
              onClick={() => {
                if (target === 'existing' && !customerId) return setMissing(true)
                approve.mutate()
              }}
            >
              {t('approve')}
            </Button>
            <Button variant="secondary" blockedReason={can.reason} onClick={() => setDismissing(true)}>
              {t('dismiss')}
            </Button>
          </div>
          <ConfirmDialog
            open={dismissing}
            onOpenChange={setDismissing}
            title={t('dismissTitle', { email: request.email })}
            confirm={t('dismissConfirm')}
            busy={dismiss.isPending}
            error={dismiss.error}
            onConfirm={() => dismiss.mutate()}
          >
            <p>{t('dismissBody')}</p>
          </ConfirmDialog>
        </>
      )}
    </article>
  )
}

export default function AccessRequestsPage() {
  const t = useMessages(messages)
  const location = useLocation()
  const navigate = useNavigate()
  const state = useMemo(() => parseAccessRequests(location.search), [location.search])
  const go = (next: State) => navigate({ search: accessRequestsSearch(next) })
  const [notice, setNotice] = useState<Notice | null>(null)
  const apiQuery = { limit: 25, status: state.status, ...(state.cursor ? { cursor: state.cursor } : {}) }
  const query = useQuery({
    queryKey: ['access-requests', apiQuery],
    queryFn: () => unwrap(api.GET('/v1/access-requests', { params: { query: apiQuery } })),
    placeholderData: keepPreviousData,
  })
  const list = query.data?.data ?? []
  return (
    <Page title={t('title')} wide>
      <div className="tabs" role="group" aria-label={t('view')}>
        {VIEWS.map((status) => (
          <Button
            key={status}
            variant="secondary"
            aria-pressed={state.status === status}
            onClick={() => {
              setNotice(null)
              go({ status, cursor: null, back: [] })
            }}
          >
            {t(status)}
          </Button>
        ))}
      </div>
      {notice && <Alert tone="success">{notice}</Alert>}
      {query.isPending && <Loading />}
      {query.isError && <ErrorState error={query.error} onRetry={() => query.refetch()} />}
      {query.data && list.length === 0 && <Empty>{state.status === 'pending' ? t('none') : t('noneDecided')}</Empty>}
      {list.map((request) => (
        <RequestCard key={request.id} request={request} onDone={setNotice} />
      ))}
      {query.data && (state.cursor || query.data.next_cursor) && (
        <Pager state={state} next={query.data.next_cursor} label={t('pageOf', { n: state.back.length + 1 })} go={go} />
      )}
    </Page>
  )
}
