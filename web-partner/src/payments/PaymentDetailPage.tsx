// One payment: its facts, fee and allocations, its refunds, and a full or partial refund (confirmed first). A 202
// means the refund is held for an approval: said so, with a link to the approval.
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
import { Alert, Button, ErrorState, Loading, Money, Page, TextField } from '../ui/ui'
import { messages } from './messages'
import { refundable } from './refunds'

type Payment = Schemas['PaymentOut']
type Outcome = { kind: 'refunded'; amount: number } | { kind: 'held'; approval: Schemas['ApprovalOut'] }

function RefundForm({ payment, left, onOutcome }: { payment: Payment; left: number; onOutcome: (outcome: Outcome) => void }) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const can = useCan('refunds')
  const client = useQueryClient()
  const [open, setOpen] = useState(false)
  const max = formatMoney(left, payment.currency, intlLocale)
  const amountOf = (text: string) => (text.trim() ? parseAmount(text, payment.currency, intlLocale) : left)
  const schema = v.object({
    amount: v.pipe(
      v.string(),
      v.check((s) => {
        const n = amountOf(s)
        return n !== null && n > 0 && n <= left
      }, t('amountInvalid', { currency: payment.currency, max })),
    ),
    reason: v.pipe(v.string(), v.maxLength(500)),
  })
  type Values = v.InferOutput<typeof schema>
  const form = useForm<Values>({ resolver: valibotResolver(schema), defaultValues: { amount: '', reason: '' } })
  const refund = useMutation({
    mutationFn: async (values: Values): Promise<Outcome> => {
      const amount = amountOf(values.amount)!
      const call = api.POST('/v1/payments/{payment_id}/refunds', {
        params: { path: { payment_id: payment.id }, header: { 'Idempotency-Key': idempotencyKey() } },
        body: { amount, ...(values.reason.trim() ? { reason: values.reason.trim() } : {}) },
      })
      const answer = await call
      const data = await unwrap(Promise.resolve(answer))
      return answer.response.status === 202 ? { kind: 'held', approval: data as Schemas['ApprovalOut'] } : { kind: 'refunded', amount }
    },
    onSuccess: async (result) => {
      setOpen(false)
      onOutcome(result) // said at the top: a full refund leaves nothing to refund, and this form goes
      form.reset()
      await Promise.all([
        client.invalidateQueries({ queryKey: ['payment', payment.id] }),
        client.invalidateQueries({ queryKey: ['payment-refunds', payment.id] }),
        client.invalidateQueries({ queryKey: ['approvals'] }),
      ])
    },
  })
  const errors = form.formState.errors
  const amountText = form.watch('amount')
  const chosen = amountOf(amountText)
  return (
    <section className="card" aria-labelledby="refund">
      <h2 id="refund">{t('refund')}</h2>
      <form noValidate onSubmit={form.handleSubmit(() => setOpen(true))}>
        <fieldset disabled={!can.allowed} className="plain">
          <div className="row">
            <TextField label={t('refundAmount')} inputMode="decimal" hint={t('refundAmountHint', { amount: max })} error={errors.amount?.message} {...form.register('amount')} />
            <TextField label={t('refundReason')} maxLength={500} {...form.register('reason')} />
          </div>
        </fieldset>
        <Button type="submit" variant="danger" blockedReason={can.reason}>
          {t('refund')}…
        </Button>
      </form>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title={t('refundTitle', { amount: formatMoney(chosen && chosen > 0 ? chosen : left, payment.currency, intlLocale) })}
        confirm={t('refundConfirm')}
        busy={refund.isPending}
        error={refund.error}
        onConfirm={() => refund.mutate(form.getValues())}
      >
        <p>{t('refundBody')}</p>
      </ConfirmDialog>
    </section>
  )
}

export default function PaymentDetailPage() {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const { paymentId = '' } = useParams()
  const [outcome, setOutcome] = useState<Outcome | null>(null)
  useEffect(() => setOutcome(null), [paymentId])
  const query = useQuery({
    queryKey: ['payment', paymentId],
    queryFn: () => unwrap(api.GET('/v1/payments/{payment_id}', { params: { path: { payment_id: paymentId } } })),
  })
  const refunds = useQuery({
    queryKey: ['payment-refunds', paymentId],
    queryFn: () => unwrap(api.GET('/v1/payments/{payment_id}/refunds', { params: { path: { payment_id: paymentId } } })),
  })
  const back = (
    <p>
      <Link to="/dashboard/payments">← {t('backToList')}</Link>
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
  const p = query.data
  const refundList = refunds.data?.data ?? []
  const left = refunds.data ? refundable(p, refundList) : 0
  return (
    <Page title={t('detailTitle', { id: p.transaction_id })}>
      {back}
      {outcome?.kind === 'refunded' && <Alert tone="success">{t('refunded', { amount: formatMoney(outcome.amount, p.currency, intlLocale) })}</Alert>}
      {outcome?.kind === 'held' && (
        <Alert tone="info">
          {t('held')} <Link to={`/dashboard/approvals?show=${encodeURIComponent(outcome.approval.id)}`}>{t('seeApproval')}</Link>
        </Alert>
      )}
      <section className="card" aria-labelledby="facts">
        <h2 id="facts">{t('facts')}</h2>
        <dl className="facts">
          <dt>{t('status')}</dt>
          <dd data-testid="payment-status">{t(`status.${p.status}`)}</dd>
          <dt>{t('amount')}</dt>
          <dd><Money amount={p.amount} currency={p.currency} /></dd>
          <dt>{t('fee')}</dt>
          <dd><Money amount={p.fee} currency={p.currency} /></dd>
          <dt>{t('method')}</dt>
          <dd>{t(`method.${p.method}`)}</dd>
          <dt>{t('customer')}</dt>
          <dd><Link to={`/dashboard/customers/${encodeURIComponent(p.customer_id)}`}>{p.customer_id}</Link></dd>
          <dt>{t('received')}</dt>
          <dd>{formatDate(p.received_on, intlLocale)}</dd>
          {p.settled_at && (
            <>
              <dt>{t('settledAt')}</dt>
              <dd>{formatDateTime(p.settled_at, intlLocale)}</dd>
            </>
          )}
          {p.reference && (
            <>
              <dt>{t('reference')}</dt>
              <dd>{p.reference}</dd>
            </>
          )}
          {p.failure_message && (
            <>
              <dt>{t('failure')}</dt>
              <dd>{p.failure_message}</dd>
            </>
          )}
        </dl>
      </section>
      <section className="card" aria-labelledby="allocations">
        <h2 id="allocations">{t('allocations')}</h2>
        <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="allocations">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">{t('invoice')}</th>
                <th scope="col" className="num">{t('amount')}</th>
              </tr>
            </thead>
            <tbody>
              {p.allocations.map((a) => (
                <tr key={a.invoice_id}>
                  <td><Link to={`/dashboard/invoices/${encodeURIComponent(a.invoice_id)}`}>{a.invoice_id}</Link></td>
                  <td className="num"><Money amount={a.amount} currency={p.currency} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="card" aria-labelledby="refunds">
        <h2 id="refunds">{t('refunds')}</h2>
        {refunds.isPending && <Loading />}
        {refunds.isError && <ErrorState error={refunds.error} onRetry={() => refunds.refetch()} />}
        {refunds.data && refundList.length === 0 && <p>{t('noRefunds')}</p>}
        {refundList.length > 0 && (
          <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="refunds">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">{t('created')}</th>
                  <th scope="col">{t('status')}</th>
                  <th scope="col">{t('reason')}</th>
                  <th scope="col" className="num">{t('amount')}</th>
                </tr>
              </thead>
              <tbody>
                {refundList.map((r) => (
                  <tr key={r.id}>
                    <td>{formatDateTime(r.created_at, intlLocale)}</td>
                    <td>{t(`refund.${r.status}`)}</td>
                    <td>{r.reason ?? '—'}</td>
                    <td className="num"><Money amount={r.amount} currency={r.currency} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {refunds.data && (left > 0 ? <RefundForm payment={p} left={left} onOutcome={setOutcome} /> : <p>{t('notRefundable')}</p>)}
    </Page>
  )
}
