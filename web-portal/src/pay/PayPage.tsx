// Paying: the invoices chosen on the invoice list (`?invoices=a,b`) with editable partial amounts, or one amount
// spread oldest due first (`?mode=amount`); when (now, or a later date); how (a saved method or a new one); the
// fee and total, updated live; then a review and a confirm that pays once.
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useMemo, useRef, useState } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router'
import { api, unwrap } from '../api/client'
import { asProblem } from '../api/problem'
import { useMe, usePermissions } from '../api/queries/me'
import type { components } from '../api/schema'
import { useI18n, useMessages } from '../i18n/i18n'
import { formatDate, todayIso } from '../lib/dates'
import { formatMoney, sumMinor } from '../lib/money'
import { isBankKind, payableKinds, type MethodKind } from '../payment-methods/entry'
import type { NewMethodFormHandle } from '../payment-methods/NewMethodForm'
import { useProblemText } from '../payment-methods/problems'
import { type SavedMethod, methodsKey, useSavedMethods } from '../payment-methods/queries'
import { useBranding } from '../shell/PartnerLayout'
import { inWindow, scheduleWindow } from './scheduleWindow'
import { usePortalPath } from '../shell/paths'
import { Alert, Button, Empty, ErrorState, Loading, Page, TextField } from '../ui/ui'
import { AllocationPreview } from './AllocationPreview'
import { type AmountError, allocateOldestFirst, amountInputText, checkAmount } from './allocate'
import { AmountEditor } from './AmountEditor'
import { ConfirmButton, useAttemptKey } from './ConfirmButton'
import { DeclineAlert } from './DeclineAlert'
import { FeeSummary } from './FeeSummary'
import { MethodPicker, NEW, distinctMethods } from './MethodPicker'
import { messages } from './messages'
import { type Quote, type QuoteBody, useQuote } from './quote'
import { useReviewHistory } from './reviewHistory'
import './pay.css'

type Invoice = components['schemas']['PortalInvoice']
type Scheduled = components['schemas']['PortalScheduled']
type What = Pick<QuoteBody, 'allocations' | 'amount' | 'invoice_ids' | 'currency'>

const MAX_INVOICES = 100

export function parseInvoiceIds(raw: string | null): string[] {
  if (!raw) return []
  const ids = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => /^[A-Za-z0-9_-]{1,64}$/.test(s))
  return [...new Set(ids)].slice(0, MAX_INVOICES)
}

export function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

function useSelectedInvoices(ids: string[], enabled: boolean) {
  return useQueries({
    queries: ids.map((id) => ({
      queryKey: ['invoice', id],
      queryFn: () => unwrap(api.GET('/portal/v1/invoices/{invoice_id}', { params: { path: { invoice_id: id } } })),
      enabled,
    })),
  })
}

function useOpenInvoices(enabled: boolean) {
  return useQuery({
    queryKey: ['invoices', 'open', 'pay'],
    queryFn: () => unwrap(api.GET('/portal/v1/invoices', { params: { query: { status: 'open', sort: 'due_date', limit: MAX_INVOICES } } })),
    enabled,
  })
}

export function PayPage() {
  const t = useMessages(messages)
  const to = usePortalPath()
  const [params] = useSearchParams()
  const amountMode = params.get('mode') === 'amount'
  const ids = useMemo(() => parseInvoiceIds(params.get('invoices')), [params])
  const selected = useSelectedInvoices(amountMode ? [] : ids, !amountMode)
  const open = useOpenInvoices(amountMode)
  const title = amountMode ? t('titleAmount') : t('title')

  if (!amountMode && ids.length === 0) {
    return (
      <Page title={title}>
        <Empty>
          <p>{t('noneSelected')}</p>
          <Link to={to('invoices')}>{t('chooseInvoices')}</Link>
        </Empty>
      </Page>
    )
  }
  if (amountMode ? open.isPending : selected.some((q) => q.isPending)) {
    return (
      <Page title={title}>
        <Loading />
      </Page>
    )
  }
  const failed = amountMode ? open.error : selected.find((q) => q.isError)?.error
  if (failed) {
    return (
      <Page title={title}>
        <ErrorState
          error={failed}
          onRetry={() => (amountMode ? open.refetch() : selected.forEach((q) => q.isError && q.refetch()))}
        />
      </Page>
    )
  }
  const invoices = amountMode ? (open.data?.data ?? []) : selected.flatMap((q) => (q.data ? [q.data] : []))
  return <PayFlow key={amountMode ? 'amount' : ids.join(',')} amountMode={amountMode} invoices={invoices} />
}

type Step = 'edit' | 'review' | 'scheduled'

function PayFlow({ amountMode, invoices: loaded }: { amountMode: boolean; invoices: Invoice[] }) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const branding = useBranding()
  const to = usePortalPath()
  const navigate = useNavigate()
  const client = useQueryClient()
  const { data: me } = useMe()
  const { can, readOnly } = usePermissions()
  const problemText = useProblemText(messages, { partner: branding.name })
  const canPay = can('pay')
  const canSave = can('manage_methods')
  const locked = readOnly || !canPay
  // The partner's read-only view, and people without `pay`, see the page as it would be with every control off.
  const invoices = locked ? loaded.map((i) => ({ ...i, pay_allowed: i.amount_due > 0 })) : loaded

  const payable = invoices.filter((i) => i.pay_allowed)
  const currencies = [...new Set(payable.map((i) => i.currency))]
  const [lumpCurrency, setLumpCurrency] = useState(currencies[0] ?? 'USD')
  const currency = amountMode ? lumpCurrency : (currencies[0] ?? invoices[0]?.currency ?? 'USD')
  const mixed = !amountMode && currencies.length > 1

  // what is paid
  const [texts, setTexts] = useState<Record<string, string>>(() =>
    Object.fromEntries(invoices.map((i) => [i.id, amountInputText(i.amount_due, i.currency, intlLocale)])),
  )
  const [touched, setTouched] = useState<Set<string>>(new Set())
  const [showAll, setShowAll] = useState(false)
  const [lumpText, setLumpText] = useState('')
  const partial = branding.partial_payments

  const checks = useMemo(
    () =>
      Object.fromEntries(
        payable.map((i) => [i.id, partial ? checkAmount(texts[i.id] ?? '', i.amount_due, i.currency, intlLocale) : { amount: i.amount_due, error: null }]),
      ),
    [payable, partial, texts, intlLocale],
  )
  const lumpInvoices = payable.filter((i) => i.currency === currency)
  const owedInAll = sumMinor(lumpInvoices.map((i) => i.amount_due))
  const lump = checkAmount(lumpText, owedInAll, currency, intlLocale)
  const estimate = amountMode && lump.amount !== null
    ? allocateOldestFirst(lump.amount, lumpInvoices.map((i) => ({ invoiceId: i.id, dueDate: i.due_date, amountDue: i.amount_due })))
    : null

  const what: What | null = amountMode
    ? lump.amount !== null && lumpInvoices.length > 0
      ? { amount: lump.amount, invoice_ids: lumpInvoices.map((i) => i.id), currency }
      : null
    : !mixed && payable.length > 0 && payable.every((i) => checks[i.id]?.amount != null)
      ? { allocations: payable.map((i) => ({ invoice_id: i.id, amount: checks[i.id]!.amount! })) }
      : null
  const subtotal = what ? (what.amount ?? sumMinor((what.allocations ?? []).map((a) => a.amount))) : null

  // when
  const [when, setWhen] = useState<'now' | 'later'>('now')
  const [date, setDate] = useState('')
  const paidInvoices = amountMode ? lumpInvoices.filter((i) => estimate?.some((a) => a.invoiceId === i.id)) : payable
  const earliestDue = paidInvoices.map((i) => i.due_date).sort()[0] ?? null
  const allowedDays = scheduleWindow(earliestDue, todayIso(), branding.overdue_schedule_days)
  const canSchedule = allowedDays.open
  const minDate = allowedDays.open ? allowedDays.min : addDays(todayIso(), 1)
  const maxDate = allowedDays.open ? allowedDays.max : minDate
  const dateError = when !== 'later' ? null : !date ? 'required' : !inWindow(allowedDays, date) ? 'range' : null

  // how
  const kinds = payableKinds(branding.enabled_methods, currency)
  const saved = useSavedMethods()
  const [added, setAdded] = useState<SavedMethod | null>(null)
  const [selected, setSelected] = useState<string | null>(null)
  const usableSaved = distinctMethods((saved.data?.data ?? []).filter((m) => kinds.includes(m.type as MethodKind)))
  const newMethodForm = useRef<NewMethodFormHandle>(null)
  const [newKind, setNewKind] = useState<MethodKind | null>(null)
  const [adding, setAdding] = useState(false)
  useEffect(() => {
    if (selected !== null || !saved.data) return
    const choice = usableSaved.find((m) => m.is_default) ?? usableSaved[0]
    setSelected(choice ? choice.id : NEW)
  }, [saved.data, selected, usableSaved])
  const method = [added, ...usableSaved].find((m) => m && m.id === selected) ?? null
  const methodNeedsSaving = when === 'later' && method !== null && !method.saved

  // the fee, live
  const quoteBody: QuoteBody | null = what && method && !locked ? { ...what, payment_method_id: method.id } : null
  const live = useQuote(quoteBody)
  const quote: Quote | undefined = live.quote

  // steps
  const [step, setStep] = useState<Step>('edit')
  const history = useReviewHistory(step === 'review', () => setStep('edit'))
  const [decline, setDecline] = useState<unknown>(null)
  const [attemptError, setAttemptError] = useState<unknown>(null)
  const [reviewRefused, setReviewRefused] = useState(false)
  const [receiptEmail, setReceiptEmail] = useState(me?.email ?? '')
  const [scheduled, setScheduled] = useState<Scheduled | null>(null)
  const attempt = useAttemptKey()


  const errors: Record<string, AmountError | null | undefined> = Object.fromEntries(
    payable.map((i) => [i.id, showAll || touched.has(i.id) ? (checks[i.id]?.error ?? null) : null]),
  )
  const ready = what !== null && method !== null && quote !== undefined && dateError === null && !methodNeedsSaving && !locked

  const [reviewed, setReviewed] = useState<Quote | null>(null)
  const [wantReview, setWantReview] = useState(false)
  const almostReady = what !== null && method !== null && dateError === null && !methodNeedsSaving && !locked
  const openReview = (answer: Quote) => {
    setReviewRefused(false)
    setAttemptError(null)
    setReviewed(answer)
    setStep('review')
    history.enter()
  }
  const review = async () => {
    setShowAll(true)
    if (selected === NEW && !locked) {
      // One button: the new card or account is checked and tokenized on the way to the review.
      if (what === null || dateError !== null) return setReviewRefused(true)
      setAdding(true)
      const added = await newMethodForm.current?.submit()
      setAdding(false)
      if (added) setWantReview(true)
      else setReviewRefused(true)
      return
    }
    if (ready && quote) return openReview(quote)
    if (almostReady && live.updating && !live.error) return setWantReview(true) // the total is on its way
    setReviewRefused(true)
  }
  useEffect(() => {
    if (!wantReview) return
    if (ready && quote) {
      setWantReview(false)
      openReview(quote)
    } else if (live.error || !almostReady) {
      setWantReview(false)
      setReviewRefused(true)
    }
  })

  const emailError = receiptEmail && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(receiptEmail) ? t('error.email') : null

  const payNow = async () => {
    if (!what || !method || emailError) return
    setAttemptError(null)
    const body = {
      ...what,
      payment_method_id: method.id,
      receipt_email: receiptEmail || null,
      save_method: false,
      accept_mandate: false, // the method was attached (and any authorization accepted) before the quote
      mandate_language: 'en' as const,
    }
    const key = attempt.keyFor(JSON.stringify(body))
    try {
      const payment = await unwrap(api.POST('/portal/v1/payments', { body, params: { header: { 'Idempotency-Key': key } } }))
      attempt.reset()
      navigate(to(`pay/done/${encodeURIComponent(payment.id)}`), { replace: true })
      // Invoices, history and methods changed; quotes are for what was just paid.
      client.removeQueries({ queryKey: ['payment-quote'] })
      void client.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'me' && q.queryKey[0] !== 'partner' })
    } catch (error) {
      if (asProblem(error).status !== 402) {
        setAttemptError(error) // the same attempt may be retried: the key stays
        return
      }
      // Declined: a final answer. Nothing was charged; a new attempt (new key) with another method.
      attempt.reset()
      setDecline(error)
      setShowAll(false)
      setReviewRefused(false)
      if (!method.saved) {
        setAdded(null) // a card given for this payment only is forgotten after its attempt
        setSelected(NEW)
      }
      client.removeQueries({ queryKey: ['payment-quote'] })
      void client.invalidateQueries({ queryKey: methodsKey })
      setStep('edit')
    }
  }

  const scheduleIt = async () => {
    if (!what || !method) return
    setAttemptError(null)
    try {
      const made = await unwrap(
        api.POST('/portal/v1/scheduled-payments', { body: { ...what, payment_method_id: method.id, scheduled_for: date } }),
      )
      await client.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'me' && q.queryKey[0] !== 'partner' })
      setScheduled(made)
      setStep('scheduled')
    } catch (error) {
      setAttemptError(error)
    }
  }

  const title = step === 'scheduled' ? t('scheduledTitle') : step === 'review' ? (when === 'later' ? t('reviewScheduleTitle') : t('reviewTitle')) : amountMode ? t('titleAmount') : t('title')

  if (step === 'scheduled' && scheduled) {
    return (
      <Page title={title}>
        <div className="card stack">
          <Alert tone="success">
            {t('scheduledBody', {
              amount: formatMoney(scheduled.amount, scheduled.currency, intlLocale),
              method: scheduled.method_label,
              date: formatDate(scheduled.scheduled_for, intlLocale, 'long'),
            })}
          </Alert>
          <div className="row">
            <Link className="btn btn-primary" to={to('scheduled')}>
              {t('viewScheduled')}
            </Link>
            <Link className="btn btn-secondary" to={to('invoices')}>
              {t('backToInvoices')}
            </Link>
          </div>
        </div>
      </Page>
    )
  }

  if (step === 'review' && reviewed && method) {
    const quote = reviewed
    const total = quote.total
    return (
      <Page title={title}>
        <div className="pay-review card stack">
          <section aria-labelledby="review-what">
            <h2 id="review-what">{t('whatHeading')}</h2>
            <table className="table responsive">
              <thead>
                <tr>
                  <th scope="col">{t('colInvoice')}</th>
                  <th scope="col" className="num">
                    {t('colPay')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {quote.allocations.map((a) => (
                  <tr key={a.invoice_id}>
                    <th scope="row" data-label={t('colInvoice')}>
                      {a.invoice_number}
                    </th>
                    <td data-label={t('colPay')} className="num">
                      {formatMoney(a.amount, quote.currency, intlLocale)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <dl className="review-facts">
            <div>
              <dt>{t('payingWith')}</dt>
              <dd>{quote.method_label}</dd>
            </div>
            {when === 'later' && (
              <div>
                <dt>{t('payDate')}</dt>
                <dd>{formatDate(date, intlLocale, 'long')}</dd>
              </div>
            )}
          </dl>
          <FeeSummary
            currency={quote.currency}
            subtotal={quote.subtotal}
            fee={quote.fee}
            basis={quote.fee_basis}
            kind={quote.method as MethodKind}
            bankAccepted={kinds.some(isBankKind)}
            scheduled={when === 'later'}
          />
          {when === 'now' && (
            <TextField
              label={t('receiptEmail')}
              type="email"
              autoComplete="email"
              value={receiptEmail}
              onChange={(e) => setReceiptEmail(e.target.value)}
              error={emailError}
            />
          )}
          {isBankKind(method.type as MethodKind) && (
            <p className="mandate-reminder">
              {t('mandateReminder', { partner: branding.name, amount: formatMoney(total, quote.currency, intlLocale) })}
            </p>
          )}
          {attemptError != null && <Alert tone="error">{problemText(attemptError)}</Alert>}
          <div className="row">
            <ConfirmButton className="confirm-pay" onConfirm={when === 'later' ? scheduleIt : payNow} disabled={Boolean(emailError)}>
              {when === 'later'
                ? t('confirmSchedule', { amount: formatMoney(quote.subtotal, quote.currency, intlLocale) })
                : t('confirm', { amount: formatMoney(total, quote.currency, intlLocale) })}
            </ConfirmButton>
            <Button variant="secondary" onClick={history.back}>
              {t('back')}
            </Button>
          </div>
        </div>
      </Page>
    )
  }

  const nothing = amountMode ? lumpInvoices.length === 0 : payable.length === 0
  return (
    <Page title={title}>
      {readOnly ? <Alert tone="info">{t('readOnly')}</Alert> : !canPay && <Alert tone="info">{t('noPermission')}</Alert>}
      {decline != null && (
        <DeclineAlert heading={t('declinedHeading')} reason={problemText(decline)} next={t('declinedNext')} />
      )}
      <div className="pay-layout">
        <div className="pay-main">
          <section className="card" aria-labelledby="pay-what">
            <h2 id="pay-what">{t('whatHeading')}</h2>
            {nothing ? (
              <Empty>
                <p>{amountMode ? t('nothingOpen') : t('nothingPayable')}</p>
                <Link to={to('invoices')}>{t('backToInvoices')}</Link>
              </Empty>
            ) : mixed ? (
              <Alert tone="warning">{t('mixedCurrencies')}</Alert>
            ) : amountMode ? (
              <div className="lump">
                {currencies.length > 1 && (
                  <div className="field">
                    <label htmlFor="lump-currency">{t('currencyLabel')}</label>
                    <select id="lump-currency" value={lumpCurrency} onChange={(e) => setLumpCurrency(e.target.value)} disabled={locked}>
                      {currencies.map((c) => (
                        <option key={c}>{c}</option>
                      ))}
                    </select>
                  </div>
                )}
                <TextField
                  label={t('lumpLabel')}
                  hint={t('lumpHint', { total: formatMoney(owedInAll, currency, intlLocale) })}
                  inputMode="decimal"
                  autoComplete="off"
                  value={lumpText}
                  onChange={(e) => setLumpText(e.target.value)}
                  onBlur={() => setTouched((s) => new Set(s).add('lump'))}
                  error={
                    (showAll || touched.has('lump')) && lump.error
                      ? lump.error === 'tooMuch'
                        ? t('error.lump.tooMuch', { due: formatMoney(owedInAll, currency, intlLocale) })
                        : t(`error.amount.${lump.error}`)
                      : null
                  }
                  disabled={locked}
                  className="lump-field"
                />
                <AllocationPreview
                  invoices={lumpInvoices}
                  currency={currency}
                  applied={quote ? quote.allocations.map((a) => ({ invoiceId: a.invoice_id, amount: a.amount })) : estimate}
                  estimated={!quote}
                />
              </div>
            ) : (
              <AmountEditor
                invoices={invoices}
                partial={partial}
                texts={texts}
                errors={errors}
                onChange={(id, text) => setTexts((all) => ({ ...all, [id]: text }))}
                onBlur={(id) => setTouched((s) => new Set(s).add(id))}
                disabled={locked}
              />
            )}
          </section>

          {!nothing && !mixed && (
            <>
              <section className="card" aria-labelledby="pay-when">
                <h2 id="pay-when">{t('whenLegend')}</h2>
                <fieldset className="when-choice">
                  <legend className="visually-hidden">{t('whenLegend')}</legend>
                  <div className="choice">
                    <input type="radio" id="when-now" name="when" checked={when === 'now'} onChange={() => setWhen('now')} disabled={locked} />
                    <label htmlFor="when-now">{t('payNow')}</label>
                  </div>
                  <div className="choice">
                    <input type="radio" id="when-later" name="when" checked={when === 'later'} onChange={() => setWhen('later')} disabled={locked} />
                    <label htmlFor="when-later">{t('payLater')}</label>
                  </div>
                </fieldset>
                {when === 'later' &&
                  (!canSchedule ? (
                    <Alert tone="warning">
                      {allowedDays.why === 'overdueNotAllowed' ? t('scheduleOverdueRefused', { partner: branding.name }) : t('scheduleUnavailable')}
                    </Alert>
                  ) : (
                    <TextField
                      label={t('scheduleDate')}
                      hint={t(allowedDays.open && allowedDays.why === 'overdue' ? 'scheduleHintOverdue' : 'scheduleHint', {
                        min: formatDate(minDate, intlLocale),
                        max: formatDate(maxDate, intlLocale),
                        partner: branding.name,
                      })}
                      type="date"
                      min={minDate}
                      max={maxDate}
                      value={date}
                      onChange={(e) => setDate(e.target.value)}
                      error={
                        showAll && dateError
                          ? dateError === 'required'
                            ? t('error.date.required')
                            : t('error.date.range', { min: formatDate(minDate, intlLocale), max: formatDate(maxDate, intlLocale) })
                          : null
                      }
                      disabled={locked}
                    />
                  ))}
                {when === 'later' && !canSave && <p className="hint">{t('scheduleNoPermission')}</p>}
              </section>

              <section className="card" aria-labelledby="pay-how">
                <h2 id="pay-how">{t('methodHeading')}</h2>
                {kinds.length === 0 ? (
                  <Alert tone="warning">{t('noMethods', { partner: branding.name })}</Alert>
                ) : (
                  <MethodPicker
                    kinds={kinds}
                    saved={saved.data?.data}
                    savedError={saved.error}
                    onRetry={() => saved.refetch()}
                    added={added}
                    selected={selected}
                    onSelect={(id) => {
                      setSelected(id)
                      setDecline(null)
                    }}
                    onAdded={(m) => {
                      setAdded(m)
                      setSelected(m.id)
                      setDecline(null)
                    }}
                    saveOption={canSave ? (when === 'later' ? 'always' : 'optional') : 'unavailable'}
                    disabled={locked}
                    formRef={newMethodForm}
                    onEnter={() => void review()}
                    initialKind={null}
                    onKindChange={setNewKind}
                  />
                )}
                {methodNeedsSaving && <Alert tone="warning">{t('scheduleNeedsSaved')}</Alert>}
                {showAll && selected === null && <p className="field-error">{t('chooseMethod')}</p>}
              </section>
            </>
          )}
        </div>

        {!nothing && !mixed && (
          <aside className="pay-summary card" aria-labelledby="pay-summary-heading">
            <h2 id="pay-summary-heading" className="visually-hidden">
              {t('total')}
            </h2>
            <FeeSummary
              currency={currency}
              subtotal={subtotal}
              fee={quote ? quote.fee : method && what ? (live.last?.fee ?? null) : null}
              basis={quote ? quote.fee_basis : method && what ? (live.last?.fee_basis ?? null) : null}
              kind={selected === NEW ? newKind : ((method?.type as MethodKind | undefined) ?? null)}
              bankAccepted={kinds.some(isBankKind)}
              updating={live.updating && quoteBody !== null}
              scheduled={when === 'later'}
            />
            {live.error != null && <Alert tone="error">{problemText(live.error)}</Alert>}
            {reviewRefused && !ready && <p className="field-error" role="alert">{t('fixAbove')}</p>}
            <Button className="btn-block" onClick={() => void review()} disabled={locked} busy={wantReview || adding}>
              {t('review')}
            </Button>
          </aside>
        )}
      </div>
    </Page>
  )
}
