// The approvals inbox: requests held by an approval rule (refunds above a threshold, write-offs, payout account
// changes), pending or decided. Approving runs the request; rejecting needs a reason. The requester cannot decide
// their own (disabled with the reason), nor can a role without the `approvals` permission.
import { valibotResolver } from '@hookform/resolvers/valibot'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useMemo, useState } from 'react'
import { useForm } from 'react-hook-form'
import { Link, useLocation, useNavigate } from 'react-router'
import * as v from 'valibot'
import { formatDateTime } from '@shared/dates'
import { api, unwrap, type Schemas } from '../api/client'
import { useMe } from '../api/me'
import { useI18n, useMessages } from '../i18n/i18n'
import { Pager } from '../lib/Pager'
import { useCan } from '../lib/useCan'
import { ConfirmDialog } from '../ui/ConfirmDialog'
import { Alert, Button, Empty, ErrorState, Loading, Money, Page, ProblemAlert, TextField } from '../ui/ui'
import { messages } from './messages'
import { approvalsQuery, approvalsSearch, isOwnRequest, parseApprovals, shown, type ApprovalsState } from './state'

type Approval = Schemas['ApprovalOut']
/** What the last decision did, said above the list (the decided request leaves the pending view). */
type Notice = { tone: 'success' | 'warning'; text: string }

function subjectLink(approval: Approval): string | null {
  if (!approval.subject_id) return null
  if (approval.action === 'refund') return `/dashboard/payments/${encodeURIComponent(approval.subject_id)}`
  if (approval.action === 'write_off') return `/dashboard/invoices/${encodeURIComponent(approval.subject_id)}`
  return null
}

function ApprovalCard({ approval, highlighted, onDecided }: { approval: Approval; highlighted: boolean; onDecided: (notice: Notice) => void }) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const me = useMe()
  const can = useCan('approvals')
  const client = useQueryClient()
  const [rejecting, setRejecting] = useState(false)
  const own = isOwnRequest(approval, me.id)
  const blocked = can.reason ?? (own ? t('ownRequest') : null)
  const refresh = () => client.invalidateQueries({ queryKey: ['approvals'] })
  const approve = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/approvals/{approval_id}/approve', { params: { path: { approval_id: approval.id } } })),
    onSuccess: async (answer) => {
      onDecided(
        answer.status === 'failed'
          ? { tone: 'warning', text: t('failedRun', { detail: answer.failure?.detail ?? '' }) }
          : { tone: 'success', text: t('approved') },
      )
      await refresh()
    },
  })
  const schema = v.object({ reason: v.pipe(v.string(), v.trim(), v.minLength(1, t('required')), v.maxLength(500)) })
  const form = useForm({ resolver: valibotResolver(schema), defaultValues: { reason: '' } })
  const reject = useMutation({
    mutationFn: (reason: string) =>
      unwrap(api.POST('/v1/approvals/{approval_id}/reject', { params: { path: { approval_id: approval.id } }, body: { reason } })),
    onSuccess: async () => {
      setRejecting(false)
      onDecided({ tone: 'success', text: t('rejected') })
      await refresh()
    },
  })
  const decided = approve.data ?? reject.data
  const link = subjectLink(approval)
  const headingId = `approval-${approval.id}`
  return (
    <article className={`card${highlighted ? ' card-highlight' : ''}`} aria-labelledby={headingId}>
      <h2 id={headingId}>
        {t(`action.${approval.action}`)}
        {approval.amount !== null && approval.currency && (
          <>
            {' '}
            <Money amount={approval.amount} currency={approval.currency} />
          </>
        )}{' '}
        <span className="chip">{t(`status.${approval.status}`)}</span>
      </h2>
      {highlighted && <p className="hint">{t('highlighted')}</p>}
      <p>
        {own
          ? t('requestedByYou', { date: formatDateTime(approval.created_at, intlLocale) })
          : t('requestedBy', { who: approval.requested_by, date: formatDateTime(approval.created_at, intlLocale) })}
        {approval.status === 'pending' && <> · {t('expires', { date: formatDateTime(approval.expires_at, intlLocale) })}</>}
        {approval.decided_at && <> · {t('decidedOn', { date: formatDateTime(approval.decided_at, intlLocale) })}</>}
      </p>
      {link && (
        <p>
          {t('subject')}: <Link to={link}>{approval.subject_id}</Link>
        </p>
      )}
      {approval.reason && <p>{t('reason', { reason: approval.reason })}</p>}
      {approval.failure && <Alert tone="warning">{t('failedRun', { detail: approval.failure.detail })}</Alert>}
      <ProblemAlert error={approve.error} />
      {approval.status === 'pending' && !decided && (
        <div className="actions">
          <Button busy={approve.isPending} blockedReason={blocked} onClick={() => approve.mutate()}>
            {t('approve')}
          </Button>
          <Button variant="secondary" blockedReason={blocked} onClick={() => setRejecting(true)}>
            {t('reject')}
          </Button>
        </div>
      )}
      <ConfirmDialog
        open={rejecting}
        onOpenChange={setRejecting}
        title={t('rejectTitle')}
        confirm={t('rejectConfirm')}
        busy={reject.isPending}
        error={reject.error}
        onConfirm={() => void form.handleSubmit(({ reason }) => reject.mutate(reason))()}
      >
        <TextField label={t('rejectReason')} maxLength={500} error={form.formState.errors.reason?.message} {...form.register('reason')} />
      </ConfirmDialog>
    </article>
  )
}

export default function ApprovalsPage() {
  const t = useMessages(messages)
  const location = useLocation()
  const navigate = useNavigate()
  const state = useMemo(() => parseApprovals(location.search), [location.search])
  const go = (next: ApprovalsState) => navigate({ search: approvalsSearch(next) })
  const query = useQuery({
    queryKey: ['approvals', approvalsQuery(state)],
    queryFn: () => unwrap(api.GET('/v1/approvals', { params: { query: approvalsQuery(state) } })),
    placeholderData: keepPreviousData,
  })
  const list = query.data ? shown(state, query.data.data) : []
  const [notice, setNotice] = useState<Notice | null>(null)
  return (
    <Page title={t('title')} wide>
      <div className="tabs" role="group" aria-label={t('view')}>
        {(['pending', 'decided'] as const).map((view) => (
          <Button key={view} variant="secondary" aria-pressed={state.view === view} onClick={() => {
              setNotice(null)
              go({ view, show: '', cursor: null, back: [] })
            }}>
            {t(view)}
          </Button>
        ))}
      </div>
      {notice && <Alert tone={notice.tone}>{notice.text}</Alert>}
      {query.isPending && <Loading />}
      {query.isError && <ErrorState error={query.error} onRetry={() => query.refetch()} />}
      {query.data && list.length === 0 && <Empty>{state.view === 'pending' ? t('none') : t('noneDecided')}</Empty>}
      {list.map((approval) => (
        <ApprovalCard key={approval.id} approval={approval} highlighted={approval.id === state.show} onDecided={setNotice} />
      ))}
      {query.data && (state.cursor || query.data.next_cursor) && (
        <Pager state={state} next={query.data.next_cursor} label={t('pageOf', { n: state.back.length + 1 })} go={go} />
      )}
    </Page>
  )
}
