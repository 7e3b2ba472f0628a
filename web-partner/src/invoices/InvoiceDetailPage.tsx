// One invoice: its figures as the API derives them (paid, pending, due, written off), its lines, its timeline from
// the ledger, and what the role may do in its state: finalize a draft, void, write off (possibly held for an
// approval: said so), record a check or other offline payment, and issue, copy or revoke a pay link.
import { valibotResolver } from '@hookform/resolvers/valibot'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { useForm } from 'react-hook-form'
import { Link, useParams } from 'react-router'
import * as v from 'valibot'
import { formatDate, formatDateTime } from '@shared/dates'
import { formatMoney, parseAmount } from '@shared/money'
import { api, idempotencyKey, unwrap, type Schemas } from '../api/client'
import { useI18n, useMessages } from '../i18n/i18n'
import { useCan } from '../lib/useCan'
import { ConfirmDialog } from '../ui/ConfirmDialog'
import { Alert, Button, CopyButton, ErrorState, Loading, Money, Page, ProblemAlert, SelectField, TextField } from '../ui/ui'
import { messages } from './messages'
import { statusTone } from './status'
import { timeline } from './timeline'

type Invoice = Schemas['InvoiceOut']
/** What the last change did, said at the top of the page: the form that made it may leave once the invoice is paid. */
type Notice = { tone: 'success' | 'info'; text: string }
type Notify = (notice: Notice) => void
const OFFLINE_METHODS = ['check', 'cash', 'bank_transfer', 'other'] as const

function useRefresh(invoiceId: string) {
  const client = useQueryClient()
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: ['invoice', invoiceId] }),
      client.invalidateQueries({ queryKey: ['invoice-ledger', invoiceId] }),
      client.invalidateQueries({ queryKey: ['invoices'] }),
    ])
}

function Timeline({ invoice }: { invoice: Invoice }) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const query = useQuery({
    queryKey: ['invoice-ledger', invoice.id],
    queryFn: () => unwrap(api.GET('/v1/ledger/entries', { params: { query: { invoice_id: invoice.id, limit: 100 } } })),
  })
  return (
    <section className="card" aria-labelledby="timeline">
      <h2 id="timeline">{t('timeline')}</h2>
      {query.isPending && <Loading />}
      {query.isError && <ErrorState error={query.error} onRetry={() => query.refetch()} />}
      {query.data && query.data.data.length === 0 && <p>{t('noTimeline')}</p>}
      {query.data && query.data.data.length > 0 && (
        <ol className="timeline">
          {timeline(query.data.data, invoice.id).map((event) => (
            <li key={event.id} data-kind={event.kind}>
              <time dateTime={event.at}>{formatDateTime(event.at, intlLocale)}</time>
              <strong>{t(`event.${event.kind}`)}</strong>
              <Money amount={event.amount} currency={event.currency || invoice.currency} />
              {event.paymentId && <Link to={`/dashboard/payments/${encodeURIComponent(event.paymentId)}`}>{t('viewPayment', { id: event.paymentId })}</Link>}
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}

/** The customer's name, linked (their id until it loads, or if it cannot). */
function CustomerName({ id }: { id: string }) {
  const query = useQuery({
    queryKey: ['customer', id],
    queryFn: () => unwrap(api.GET('/v1/customers/{customer_id}', { params: { path: { customer_id: id } } })),
  })
  return <Link to={`/dashboard/customers/${encodeURIComponent(id)}`}>{query.data?.name ?? id}</Link>
}

function RecordPayment({ invoice, notify }: { invoice: Invoice; notify: Notify }) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const can = useCan('payments')
  const refresh = useRefresh(invoice.id)
  const due = formatMoney(invoice.amount_due, invoice.currency, intlLocale)
  const schema = v.object({
    method: v.picklist(OFFLINE_METHODS),
    amount: v.pipe(
      v.string(),
      v.check((s) => (parseAmount(s, invoice.currency, intlLocale) ?? 0) > 0, t('amountInvalid', { currency: invoice.currency })),
      v.check((s) => (parseAmount(s, invoice.currency, intlLocale) ?? 0) <= invoice.amount_due, t('amountTooHigh', { due })),
    ),
    reference: v.pipe(v.string(), v.maxLength(200)),
    receivedOn: v.string(),
  })
  type Values = v.InferOutput<typeof schema>
  const form = useForm<Values>({ resolver: valibotResolver(schema), defaultValues: { method: 'check', amount: '', reference: '', receivedOn: '' } })
  const record = useMutation({
    mutationFn: (values: Values) =>
      unwrap(
        api.POST('/v1/payments', {
          params: { header: { 'Idempotency-Key': idempotencyKey() } },
          body: {
            customer_id: invoice.customer_id,
            method: values.method,
            allocations: [{ invoice_id: invoice.id, amount: parseAmount(values.amount, invoice.currency, intlLocale)! }],
            ...(values.reference.trim() ? { reference: values.reference.trim() } : {}),
            ...(values.receivedOn ? { received_on: values.receivedOn } : {}),
          },
        }),
      ),
    onSuccess: async (payment) => {
      notify({ tone: 'success', text: t('recorded', { amount: formatMoney(payment.amount, payment.currency, intlLocale) }) })
      form.reset()
      await refresh()
    },
  })
  const errors = form.formState.errors
  return (
    <section className="card" aria-labelledby="record">
      <h2 id="record">{t('recordPayment')}</h2>
      <ProblemAlert error={record.error} />
      <form noValidate onSubmit={form.handleSubmit((values) => record.mutate(values))}>
        <fieldset disabled={!can.allowed} className="plain">
          <div className="row">
            <SelectField label={t('method')} {...form.register('method')}>
              {OFFLINE_METHODS.map((m) => (
                <option key={m} value={m}>
                  {t(`method.${m}`)}
                </option>
              ))}
            </SelectField>
            <TextField label={t('paymentAmount')} inputMode="decimal" hint={t('paymentAmountHint', { due })} error={errors.amount?.message} {...form.register('amount')} />
            <TextField label={t('reference')} maxLength={200} {...form.register('reference')} />
            <TextField label={t('receivedOn')} type="date" {...form.register('receivedOn')} />
          </div>
        </fieldset>
        <Button type="submit" busy={record.isPending} blockedReason={can.reason}>
          {t('record')}
        </Button>
      </form>
    </section>
  )
}

function PayLink({ invoice }: { invoice: Invoice }) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const can = useCan('invoices')
  const [revoked, setRevoked] = useState(false)
  const issue = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/v1/invoices/{invoice_id}/pay-link', { params: { path: { invoice_id: invoice.id }, header: { 'Idempotency-Key': idempotencyKey() } } })),
    onSuccess: () => setRevoked(false),
  })
  const revoke = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/v1/invoices/{invoice_id}/pay-link/revoke', { params: { path: { invoice_id: invoice.id }, header: { 'Idempotency-Key': idempotencyKey() } } })),
    onSuccess: () => {
      issue.reset()
      setRevoked(true)
    },
  })
  const link = issue.data
  return (
    <section className="card" aria-labelledby="pay-link">
      <h2 id="pay-link">{t('payLink')}</h2>
      <p>{t('payLinkIntro')}</p>
      <ProblemAlert error={issue.error ?? revoke.error} />
      {revoked && <Alert tone="success">{t('linkRevoked')}</Alert>}
      {link && (
        <>
          <p>
            <code className="secret">{link.url}</code>
          </p>
          <p className="hint">{t('linkExpires', { date: formatDateTime(link.expires_at, intlLocale) })}</p>
        </>
      )}
      <div className="actions">
        {link ? <CopyButton text={link.url} label={t('copyLink')} /> : (
          <Button busy={issue.isPending} blockedReason={can.reason} onClick={() => issue.mutate()}>
            {t('issueLink')}
          </Button>
        )}
        <Button variant="secondary" busy={revoke.isPending} blockedReason={can.reason} onClick={() => revoke.mutate()}>
          {t('revokeLink')}
        </Button>
      </div>
    </section>
  )
}

function WriteOff({ invoice, notify }: { invoice: Invoice; notify: Notify }) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const can = useCan('write_offs')
  const refresh = useRefresh(invoice.id)
  const due = formatMoney(invoice.amount_due, invoice.currency, intlLocale)
  const [open, setOpen] = useState(false)
  const schema = v.object({
    amount: v.pipe(
      v.string(),
      v.check((s) => !s.trim() || (parseAmount(s, invoice.currency, intlLocale) ?? 0) > 0, t('amountInvalid', { currency: invoice.currency })),
      v.check((s) => !s.trim() || (parseAmount(s, invoice.currency, intlLocale) ?? 0) <= invoice.amount_due, t('amountTooHigh', { due })),
    ),
    reason: v.pipe(v.string(), v.trim(), v.minLength(1, t('required')), v.maxLength(500)),
  })
  type Values = v.InferOutput<typeof schema>
  const form = useForm<Values>({ resolver: valibotResolver(schema), defaultValues: { amount: '', reason: '' } })
  const writeOff = useMutation({
    mutationFn: async (values: Values) => {
      const amount = values.amount.trim() ? parseAmount(values.amount, invoice.currency, intlLocale) : null
      const answer = await api.POST('/v1/invoices/{invoice_id}/write-off', {
        params: { path: { invoice_id: invoice.id }, header: { 'Idempotency-Key': idempotencyKey() } },
        body: { reason: values.reason, ...(amount ? { amount } : {}) },
      })
      await unwrap(Promise.resolve(answer))
      return answer.response.status === 202 ? ('held' as const) : ('done' as const)
    },
    onSuccess: async (result) => {
      setOpen(false)
      notify(result === 'held' ? { tone: 'info', text: t('heldForApproval') } : { tone: 'success', text: t('writtenOff') })
      form.reset()
      await refresh()
    },
  })
  const errors = form.formState.errors
  return (
    <section className="card" aria-labelledby="write-off">
      <h2 id="write-off">{t('writeOff')}</h2>
      <form noValidate onSubmit={form.handleSubmit(() => setOpen(true))}>
        <fieldset disabled={!can.allowed} className="plain">
          <div className="row">
            <TextField label={t('writeOffAmount')} inputMode="decimal" hint={t('writeOffAmountHint', { due })} error={errors.amount?.message} {...form.register('amount')} />
            <TextField label={t('writeOffReason')} hint={t('writeOffReasonHint')} maxLength={500} error={errors.reason?.message} {...form.register('reason')} />
          </div>
        </fieldset>
        <Button type="submit" variant="danger" blockedReason={can.reason}>
          {t('writeOff')}…
        </Button>
      </form>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title={t('writeOffTitle', { number: invoice.number })}
        confirm={t('writeOffConfirm')}
        busy={writeOff.isPending}
        error={writeOff.error}
        onConfirm={() => writeOff.mutate(form.getValues())}
      >
        <p>{t('writeOffBody')}</p>
      </ConfirmDialog>
    </section>
  )
}

function Actions({ invoice }: { invoice: Invoice }) {
  const t = useMessages(messages)
  const can = useCan('invoices')
  const refresh = useRefresh(invoice.id)
  const [voidOpen, setVoidOpen] = useState(false)
  const [message, setMessage] = useState<string | null>(null)
  const params = () => ({ path: { invoice_id: invoice.id }, header: { 'Idempotency-Key': idempotencyKey() } })
  const finalize = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/invoices/{invoice_id}/finalize', { params: params() })),
    onSuccess: async () => {
      setMessage(t('finalized'))
      await refresh()
    },
  })
  const voiding = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/invoices/{invoice_id}/void', { params: params() })),
    onSuccess: async () => {
      setVoidOpen(false)
      setMessage(t('voided'))
      await refresh()
    },
  })
  const open = invoice.status === 'open' || invoice.status === 'partially_paid'
  const canVoid = invoice.status === 'draft' || (open && invoice.amount_paid === 0 && invoice.amount_pending === 0)
  if (invoice.status !== 'draft' && !canVoid) return message ? <Alert tone="success">{message}</Alert> : null
  return (
    <section className="card" aria-labelledby="actions">
      <h2 id="actions">{t('actions')}</h2>
      {message && <Alert tone="success">{message}</Alert>}
      <ProblemAlert error={finalize.error} />
      <div className="actions">
        {invoice.status === 'draft' && (
          <Button busy={finalize.isPending} blockedReason={can.reason} onClick={() => finalize.mutate()}>
            {t('finalize')}
          </Button>
        )}
        {canVoid && (
          <Button variant="danger" blockedReason={can.reason} onClick={() => setVoidOpen(true)}>
            {t('void')}
          </Button>
        )}
      </div>
      <ConfirmDialog
        open={voidOpen}
        onOpenChange={setVoidOpen}
        title={t('voidTitle', { number: invoice.number })}
        confirm={t('voidConfirm')}
        busy={voiding.isPending}
        error={voiding.error}
        onConfirm={() => voiding.mutate()}
      >
        <p>{t('voidBody')}</p>
      </ConfirmDialog>
    </section>
  )
}

export default function InvoiceDetailPage() {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const { invoiceId = '' } = useParams()
  const [notice, setNotice] = useState<Notice | null>(null)
  useEffect(() => setNotice(null), [invoiceId])
  const query = useQuery({
    queryKey: ['invoice', invoiceId],
    queryFn: () => unwrap(api.GET('/v1/invoices/{invoice_id}', { params: { path: { invoice_id: invoiceId } } })),
  })
  const back = (
    <p>
      <Link to="/dashboard/invoices">← {t('backToList')}</Link>
    </p>
  )
  if (query.isPending) return <Loading />
  if (query.isError)
    return (
      <Page title={t('title')}>
        {back}
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      </Page>
    )
  const inv = query.data
  const payable = (inv.status === 'open' || inv.status === 'partially_paid') && inv.amount_due > 0
  return (
    <Page title={t('detailTitle', { number: inv.number })}>
      {back}
      {notice && <Alert tone={notice.tone}>{notice.text}</Alert>}
      <section className="card" aria-labelledby="figures">
        <h2 id="figures">{t('figures')}</h2>
        <dl className="facts">
          <dt>{t('status')}</dt>
          <dd>
            <span className={`chip${statusTone(inv.status)}`}>{t(`status.${inv.status}`)}</span>
            {inv.overdue && <> <span className="chip chip-warning">{t('overdueChip')}</span></>}
          </dd>
          <dt>{t('customer')}</dt>
          <dd>
            <CustomerName id={inv.customer_id} />
          </dd>
          <dt>{t('issued')}</dt>
          <dd>{formatDate(inv.issue_date, intlLocale)}</dd>
          <dt>{t('due')}</dt>
          <dd>{formatDate(inv.due_date, intlLocale)}</dd>
          <dt>{t('total')}</dt>
          <dd data-testid="invoice-total"><Money amount={inv.total} currency={inv.currency} /></dd>
          <dt>{t('amountPaid')}</dt>
          <dd data-testid="invoice-paid"><Money amount={inv.amount_paid} currency={inv.currency} /></dd>
          <dt>{t('amountPending')}</dt>
          <dd><Money amount={inv.amount_pending} currency={inv.currency} /></dd>
          <dt>{t('amountWrittenOff')}</dt>
          <dd><Money amount={inv.amount_written_off} currency={inv.currency} /></dd>
          <dt>{t('amountDue')}</dt>
          <dd data-testid="invoice-due"><Money amount={inv.amount_due} currency={inv.currency} /></dd>
          {inv.memo && (
            <>
              <dt>{t('memo')}</dt>
              <dd>{inv.memo}</dd>
            </>
          )}
        </dl>
      </section>
      <Actions invoice={inv} />
      <section className="card" aria-labelledby="lines">
        <h2 id="lines">{t('lines')}</h2>
        <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="lines">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">{t('description')}</th>
                <th scope="col" className="num">{t('quantity')}</th>
                <th scope="col" className="num">{t('unitPrice')}</th>
                <th scope="col" className="num">{t('amount')}</th>
              </tr>
            </thead>
            <tbody>
              {inv.lines.map((line, i) => (
                <tr key={i}>
                  <td>{line.description}</td>
                  <td className="num">{line.quantity}</td>
                  <td className="num"><Money amount={line.unit_amount} currency={inv.currency} /></td>
                  <td className="num"><Money amount={line.amount} currency={inv.currency} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <Timeline invoice={inv} />
      {payable && (
        <>
          <RecordPayment invoice={inv} notify={setNotice} />
          <PayLink invoice={inv} />
          <WriteOff invoice={inv} notify={setNotice} />
        </>
      )}
    </Page>
  )
}
