// A new draft invoice: a customer (searched), a currency, optional dates and memo, and line items with a live
// integer total (lines.ts). Saved as a draft (POST /v1/invoices with draft=true); finalized from its detail page.
import { valibotResolver } from '@hookform/resolvers/valibot'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Controller, useFieldArray, useForm, useWatch } from 'react-hook-form'
import { Link, useNavigate } from 'react-router'
import * as v from 'valibot'
import { formatMoney } from '@shared/money'
import { api, idempotencyKey, unwrap } from '../api/client'
import { CustomerPicker } from '../customers/CustomerPicker'
import { useI18n, useMessages } from '../i18n/i18n'
import { useCan } from '../lib/useCan'
import { Button, Page, ProblemAlert, TextField } from '../ui/ui'
import { BLANK_LINE, draftTotal, lineValue, type LineDraft } from './lines'
import { messages } from './messages'

const CURRENCY = /^[A-Za-z]{3}$/

export default function NewInvoicePage() {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const can = useCan('invoices')
  const navigate = useNavigate()
  const client = useQueryClient()
  const schema = v.pipe(
    v.object({
      customerId: v.pipe(v.string(), v.minLength(1, t('chooseCustomer'))),
      currency: v.pipe(v.string(), v.trim(), v.regex(CURRENCY, t('currencyInvalid'))),
      issueDate: v.string(),
      dueDate: v.string(),
      memo: v.pipe(v.string(), v.maxLength(5000)),
      lines: v.pipe(
        v.array(v.object({ description: v.pipe(v.string(), v.maxLength(500)), quantity: v.string(), unitPrice: v.string() })),
        v.minLength(1),
      ),
    }),
    v.forward(
      v.check((values) => values.lines.every((line) => lineValue(line, values.currency.trim() || 'USD', intlLocale) !== null), t('lineInvalid')),
      ['lines'],
    ),
  )
  type Values = v.InferOutput<typeof schema>
  const form = useForm<Values>({
    resolver: valibotResolver(schema),
    defaultValues: { customerId: '', currency: 'USD', issueDate: '', dueDate: '', memo: '', lines: [{ ...BLANK_LINE }] },
  })
  const lines = useFieldArray({ control: form.control, name: 'lines' })
  const watched = useWatch({ control: form.control, name: 'lines' }) as LineDraft[]
  const currency = (useWatch({ control: form.control, name: 'currency' }) ?? '').trim().toUpperCase()
  const validCurrency = CURRENCY.test(currency) ? currency : 'USD'
  const live = draftTotal(watched ?? [], validCurrency, intlLocale)
  const create = useMutation({
    mutationFn: (values: Values) =>
      unwrap(
        api.POST('/v1/invoices', {
          params: { header: { 'Idempotency-Key': idempotencyKey() } },
          body: {
            customer_id: values.customerId,
            currency: values.currency.toUpperCase(),
            draft: true,
            metadata: {},
            lines: values.lines.map((line) => lineValue(line, values.currency, intlLocale)!),
            ...(values.issueDate ? { issue_date: values.issueDate } : {}),
            ...(values.dueDate ? { due_date: values.dueDate } : {}),
            ...(values.memo.trim() ? { memo: values.memo.trim() } : {}),
          },
        }),
      ),
    onSuccess: async (invoice) => {
      await client.invalidateQueries({ queryKey: ['invoices'] })
      navigate(`/dashboard/invoices/${encodeURIComponent(invoice.id)}`)
    },
  })
  const errors = form.formState.errors
  return (
    <Page title={t('newTitle')}>
      <p>
        <Link to="/dashboard/invoices">← {t('backToList')}</Link>
      </p>
      <ProblemAlert error={create.error} />
      <form noValidate onSubmit={form.handleSubmit((values) => create.mutate(values))}>
        <fieldset disabled={!can.allowed} className="plain">
          <div className="card">
            <Controller
              control={form.control}
              name="customerId"
              render={({ field }) => (
                <CustomerPicker label={t('customer')} emptyLabel={t('chooseCustomer')} value={field.value} onChange={(id) => field.onChange(id)} error={errors.customerId?.message} />
              )}
            />
            <div className="row">
              <TextField label={t('currency')} maxLength={3} className="narrow" error={errors.currency?.message} {...form.register('currency')} />
              <TextField label={t('issueDate')} type="date" {...form.register('issueDate')} />
              <TextField label={t('dueDate')} type="date" hint={t('dueDateHint')} {...form.register('dueDate')} />
            </div>
            <TextField label={t('memo')} maxLength={5000} {...form.register('memo')} />
          </div>
          <section className="card" aria-labelledby="lines">
            <h2 id="lines">{t('lines')}</h2>
            {lines.fields.map((field, index) => (
              <fieldset key={field.id} className="line-row plain" aria-label={t('lineN', { n: index + 1 })}>
                <TextField label={t('description')} maxLength={500} {...form.register(`lines.${index}.description`)} />
                <TextField label={t('quantity')} inputMode="numeric" className="narrow" {...form.register(`lines.${index}.quantity`)} />
                <TextField label={t('unitPrice')} inputMode="decimal" {...form.register(`lines.${index}.unitPrice`)} />
                {lines.fields.length > 1 && (
                  <Button variant="secondary" onClick={() => lines.remove(index)}>
                    {t('removeLine', { n: index + 1 })}
                  </Button>
                )}
              </fieldset>
            ))}
            {errors.lines?.root?.message || errors.lines?.message ? (
              <p className="field-error" role="alert">
                {errors.lines?.root?.message ?? errors.lines?.message}
              </p>
            ) : null}
            <div className="actions">
              <Button variant="secondary" onClick={() => lines.append({ ...BLANK_LINE })} disabled={lines.fields.length >= 100}>
                {t('addLine')}
              </Button>
            </div>
            <p className="total-line" aria-live="polite" data-testid="live-total">
              {t('liveTotal')}: {live.total === null ? t('totalTooLarge') : formatMoney(live.total, validCurrency, intlLocale)}
              {live.incomplete > 0 && live.total !== null && <span className="hint"> · {t('incomplete', { n: live.incomplete })}</span>}
            </p>
          </section>
        </fieldset>
        <Button type="submit" busy={create.isPending} blockedReason={can.reason}>
          {t('createDraft')}
        </Button>
      </form>
    </Page>
  )
}
