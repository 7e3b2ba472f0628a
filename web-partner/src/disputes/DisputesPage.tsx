// Disputes: those needing a response (or all), each with its evidence deadline counting down and, while it needs a
// response, a form to send the evidence (POST /v1/disputes/{id}/evidence).
import { valibotResolver } from '@hookform/resolvers/valibot'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useId, useMemo, useState } from 'react'
import { useForm } from 'react-hook-form'
import { Link, useLocation, useNavigate } from 'react-router'
import * as v from 'valibot'
import { formatDateTime } from '@shared/dates'
import { formatMoney } from '@shared/money'
import { api, unwrap, type Schemas } from '../api/client'
import { useI18n, useMessages } from '../i18n/i18n'
import { Pager } from '../lib/Pager'
import { parsePage, setPage, type Paged } from '../lib/paging'
import { useCan } from '../lib/useCan'
import { Alert, Button, Empty, ErrorState, Loading, Page, ProblemAlert } from '../ui/ui'
import { deadline, NEEDS_RESPONSE } from './deadline'
import { messages } from './messages'

type Dispute = Schemas['DisputeOut']
interface State extends Paged {
  view: 'open' | 'all'
}

function parse(search: string): State {
  const params = new URLSearchParams(search)
  return { view: params.get('view') === 'all' ? 'all' : 'open', ...parsePage(params) }
}

function toSearch(state: State): string {
  const params = new URLSearchParams()
  if (state.view === 'all') params.set('view', 'all')
  setPage(params, state)
  const text = params.toString()
  return text ? `?${text}` : ''
}

/** Now, once a minute: the countdowns move while the page is open. */
function useNow(): Date {
  const [now, setNow] = useState(() => new Date())
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 60_000)
    return () => clearInterval(timer)
  }, [])
  return now
}

function Evidence({ dispute, onSent }: { dispute: Dispute; onSent: () => void }) {
  const t = useMessages(messages)
  const can = useCan('disputes')
  const client = useQueryClient()
  const id = useId()
  const schema = v.object({ text: v.pipe(v.string(), v.trim(), v.minLength(1, t('required')), v.maxLength(20_000)) })
  const form = useForm({ resolver: valibotResolver(schema), defaultValues: { text: '' } })
  const send = useMutation({
    mutationFn: (text: string) =>
      unwrap(api.POST('/v1/disputes/{dispute_id}/evidence', { params: { path: { dispute_id: dispute.id } }, body: { text } })),
    onSuccess: async () => {
      onSent() // said above the list: the dispute leaves the "needing a response" view
      await client.invalidateQueries({ queryKey: ['disputes'] })
    },
  })
  const error = form.formState.errors.text?.message
  return (
    <form noValidate onSubmit={form.handleSubmit(({ text }) => send.mutate(text))}>
      <ProblemAlert error={send.error} />
      <div className={`field${error ? ' field-invalid' : ''}`}>
        <label htmlFor={id}>{t('evidence')}</label>
        <p className="hint" id={`${id}-hint`}>
          {t('evidenceHint')}
        </p>
        <textarea
          id={id}
          rows={4}
          disabled={!can.allowed}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
          {...form.register('text')}
        />
        {error && (
          <p className="field-error" id={`${id}-error`}>
            {error}
          </p>
        )}
      </div>
      <Button type="submit" busy={send.isPending} blockedReason={can.reason}>
        {t('submit')}
      </Button>
    </form>
  )
}

function DisputeCard({ dispute, now, onSent }: { dispute: Dispute; now: Date; onSent: () => void }) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const left = deadline(dispute.evidence_due_by, now)
  const headingId = `dispute-${dispute.id}`
  return (
    <article className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {t('dispute', { amount: formatMoney(dispute.amount, dispute.currency, intlLocale) })}{' '}
        <span className={`chip${NEEDS_RESPONSE.has(dispute.status) ? ' chip-warning' : ''}`}>{t(`status.${dispute.status}`)}</span>
      </h2>
      <dl className="facts">
        <dt>{t('payment')}</dt>
        <dd>
          <Link to={`/dashboard/payments/${encodeURIComponent(dispute.payment_id)}`}>{dispute.payment_id}</Link>
        </dd>
        <dt>{t('reason')}</dt>
        <dd>{dispute.reason}</dd>
        <dt>{t('opened')}</dt>
        <dd>{formatDateTime(dispute.created_at, intlLocale)}</dd>
        {dispute.evidence_due_by && (
          <>
            <dt>{t('deadline')}</dt>
            <dd>
              {formatDateTime(dispute.evidence_due_by, intlLocale)}
              {NEEDS_RESPONSE.has(dispute.status) && (
                <>
                  {' · '}
                  <strong>{left.kind === 'left' ? t('left', { days: left.days, hours: left.hours }) : left.kind === 'past' ? t('past') : ''}</strong>
                </>
              )}
            </dd>
          </>
        )}
      </dl>
      {dispute.evidence_submitted_at && <p>{t('submittedAt', { date: formatDateTime(dispute.evidence_submitted_at, intlLocale) })}</p>}
      {NEEDS_RESPONSE.has(dispute.status) && !dispute.evidence_submitted_at && <Evidence dispute={dispute} onSent={onSent} />}
    </article>
  )
}

export default function DisputesPage() {
  const t = useMessages(messages)
  const location = useLocation()
  const navigate = useNavigate()
  const now = useNow()
  const state = useMemo(() => parse(location.search), [location.search])
  const go = (next: State) => navigate({ search: toSearch(next) })
  const apiQuery = { limit: 25, ...(state.cursor ? { cursor: state.cursor } : {}), ...(state.view === 'open' ? { status: 'needs_response' as const } : {}) }
  const query = useQuery({
    queryKey: ['disputes', apiQuery],
    queryFn: () => unwrap(api.GET('/v1/disputes', { params: { query: apiQuery } })),
    placeholderData: keepPreviousData,
  })
  const list = query.data?.data ?? []
  const [sent, setSent] = useState(false)
  return (
    <Page title={t('title')} wide>
      <div className="tabs" role="group" aria-label={t('view')}>
        {(['open', 'all'] as const).map((view) => (
          <Button key={view} variant="secondary" aria-pressed={state.view === view} onClick={() => {
              setSent(false)
              go({ view, cursor: null, back: [] })
            }}>
            {t(view)}
          </Button>
        ))}
      </div>
      {sent && <Alert tone="success">{t('sent')}</Alert>}
      {query.isPending && <Loading />}
      {query.isError && <ErrorState error={query.error} onRetry={() => query.refetch()} />}
      {query.data && list.length === 0 && <Empty>{state.view === 'open' ? t('none') : t('noneAll')}</Empty>}
      {list.map((dispute) => (
        <DisputeCard key={dispute.id} dispute={dispute} now={now} onSent={() => setSent(true)} />
      ))}
      {query.data && (state.cursor || query.data.next_cursor) && (
        <Pager state={state} next={query.data.next_cursor} label={t('pageOf', { n: state.back.length + 1 })} go={go} />
      )}
    </Page>
  )
}
