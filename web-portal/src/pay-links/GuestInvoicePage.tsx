// Guest checkout from a per-invoice pay link (`/pay/{slug}/invoice/{token}`), no account needed: the invoice,
// a card or bank account (one-off, quoted with its fee), a review, a confirm that pays once, the confirmation,
// then an offer to ask for portal access. `?embed=1` (the Pay button's overlay) gets a compact page.
import { useQuery } from '@tanstack/react-query'
import { useEffect, useState, type FormEvent } from 'react'
import { Link, useParams, useSearchParams } from 'react-router'
import { api, unwrap } from '../api/client'
import { asProblem } from '../api/problem'
import type { components } from '../api/schema'
import { useI18n, useMessages } from '../i18n/i18n'
import { LinesTable } from '../invoices/LinesTable'
import { formatDate } from '../lib/dates'
import { formatMoney } from '../lib/money'
import { isBankKind, payableKinds, type MethodKind } from '../payment-methods/entry'
import { NewMethodForm } from '../payment-methods/NewMethodForm'
import { useProblemText } from '../payment-methods/problems'
import { amountInputText, checkAmount } from '../pay/allocate'
import { ConfirmButton, useAttemptKey } from '../pay/ConfirmButton'
import { DeclineAlert } from '../pay/DeclineAlert'
import { FeeSummary } from '../pay/FeeSummary'
import { messages as payMessages } from '../pay/messages'
import { useReviewHistory } from '../pay/reviewHistory'
import { InvoiceOutcomes, PaymentFacts, StatusLine } from '../pay/PaymentFacts'
import { useBranding } from '../shell/PartnerLayout'
import { usePortalPath } from '../shell/paths'
import { Alert, Button, ErrorState, Loading, Money, Page, TextField } from '../ui/ui'
import { EnrolOffer } from './EnrolOffer'
import { messages } from './messages'
import './guest.css'

type PayLink = components['schemas']['PayLinkView']
type GuestQuote = components['schemas']['GuestQuote']
type GuestPayment = components['schemas']['GuestPayment']
type Branding = components['schemas']['Branding']

/** While an embedded page is shown, the outer header and footer step aside (see guest.css). */
function useEmbedMode(embed: boolean) {
  useEffect(() => {
    if (!embed) return
    document.documentElement.dataset.embed = '1'
    return () => {
      delete document.documentElement.dataset.embed
    }
  }, [embed])
}

/** In the Pay button's overlay the page talks to it: Escape asks it to close, and a payment is announced. */
function tellPayButton(message: { type: 'remit:close' } | { type: 'remit:paid'; invoice: string; transaction_id: string; status: string }) {
  // The embedding site is the partner's, whatever its origin; nothing secret is said.
  if (window.parent !== window) window.parent.postMessage(message, '*')
}

function useEscapeClosesOverlay(embed: boolean) {
  useEffect(() => {
    if (!embed) return
    const onKey = (e: KeyboardEvent) => {
      // A dialog of our own that handled Escape stops it first.
      if (e.key === 'Escape' && !e.defaultPrevented) tellPayButton({ type: 'remit:close' })
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [embed])
}

export function GuestInvoicePage() {
  const t = useMessages(messages)
  const { token = '' } = useParams()
  const [params] = useSearchParams()
  const embed = params.get('embed') === '1'
  useEmbedMode(embed)
  useEscapeClosesOverlay(embed)
  const { locale } = useI18n()
  const link = useQuery({
    queryKey: ['pay-link', token, locale],
    queryFn: () => unwrap(api.GET('/portal/v1/pay-links/{token}', { params: { path: { token }, query: { language: locale } } })),
    retry: false,
  })
  if (link.isPending) return <Loading />
  if (link.isError) {
    if (asProblem(link.error).status === 404) return <LinkUnavailable />
    return (
      <Page title={t('unavailableTitle')}>
        <ErrorState error={link.error} onRetry={() => link.refetch()} />
      </Page>
    )
  }
  return <GuestFlow link={link.data} token={token} embed={embed} />
}

function SupportContact({ partner }: { partner: Pick<Branding, 'name' | 'support_email' | 'support_phone' | 'support_url'> }) {
  const t = useMessages(messages)
  if (!partner.support_email && !partner.support_phone && !partner.support_url) return null
  return (
    <p className="support-contact">
      {t('contact', { partner: partner.name })}{' '}
      {partner.support_email && <a href={`mailto:${partner.support_email}`}>{partner.support_email}</a>}
      {partner.support_email && partner.support_phone && ' · '}
      {partner.support_phone && <a href={`tel:${partner.support_phone.replace(/[^\d+]/g, '')}`}>{partner.support_phone}</a>}
      {(partner.support_email || partner.support_phone) && partner.support_url && ' · '}
      {partner.support_url && (
        <a href={partner.support_url} rel="noopener noreferrer" target="_blank">
          {partner.support_url.replace(/^https?:\/\//, '')}
        </a>
      )}
    </p>
  )
}

function LinkUnavailable() {
  const t = useMessages(messages)
  const branding = useBranding()
  return (
    <Page title={t('unavailableTitle')}>
      <div className="card">
        <p>{t('unavailableBody', { partner: branding.name })}</p>
        <SupportContact partner={branding} />
      </div>
    </Page>
  )
}

type Step = 'pay' | 'review' | 'done'

function GuestFlow({ link, token, embed }: { link: PayLink; token: string; embed: boolean }) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const to = usePortalPath()
  const partner = link.partner
  const problemText = useProblemText(messages, { partner: partner.name })
  const [step, setStep] = useState<Step>('pay')
  // Back keeps the card or account just entered (its quote's method_ref): offered again, not asked for twice.
  const history = useReviewHistory(step === 'review', () => setStep('pay'))
  const [quote, setQuote] = useState<GuestQuote | null>(null)
  const [payment, setPayment] = useState<GuestPayment | null>(null)
  const [decline, setDecline] = useState<unknown>(null)
  const [error, setError] = useState<unknown>(null)
  const [amountText, setAmountText] = useState(() => amountInputText(link.amount_due, link.currency, intlLocale))
  const [amountTouched, setAmountTouched] = useState(false)
  const [email, setEmail] = useState('')
  const attempt = useAttemptKey()
  const kinds = payableKinds(partner.enabled_methods, link.currency)
  const partial = partner.partial_payments
  const amount = partial ? checkAmount(amountText, link.amount_due, link.currency, intlLocale) : { amount: link.amount_due, error: null }
  const emailError = email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? t('error.email') : null
  const [requoting, setRequoting] = useState(false)
  const [paidWith, setPaidWith] = useState('')
  const bankAccepted = kinds.some(isBankKind)
  const methodText = (q: GuestQuote) =>
    isBankKind(q.method as MethodKind) ? t('bankLabel', { last4: q.last4 }) : t('cardLabel', { brand: brandName(q.brand), last4: q.last4 })
  // On the review screen the amount can still change: the same card is quoted again, never asked for twice.
  const amountChanged = partial && quote !== null && amount.amount !== null && amount.amount !== quote.subtotal
  const amountField = (
    <TextField
      label={t('amountLabel')}
      hint={t('amountHint', { due: formatMoney(link.amount_due, link.currency, intlLocale) })}
      inputMode="decimal"
      autoComplete="off"
      value={amountText}
      onChange={(e) => setAmountText(e.target.value)}
      onBlur={() => setAmountTouched(true)}
      error={
        amountTouched && amount.error
          ? amount.error === 'tooMuch'
            ? t('error.amount.tooMuch', { due: formatMoney(link.amount_due, link.currency, intlLocale) })
            : t(`error.amount.${amount.error}`)
          : null
      }
      className="lump-field"
    />
  )

  const continueWithQuoted = async () => {
    if (!quote || amount.amount === null) return setAmountTouched(true)
    setError(null)
    setRequoting(true)
    try {
      const body = { method_ref: quote.method_ref, amount: amount.amount, accept_mandate: false, mandate_language: 'en' as const }
      setQuote(await unwrap(api.POST('/portal/v1/pay-links/{token}/quote', { params: { path: { token } }, body })))
      setStep('review')
      history.enter()
    } catch (failure) {
      setError(failure)
    } finally {
      setRequoting(false)
    }
  }

  const requote = async () => {
    if (!quote || amount.amount === null) return setAmountTouched(true)
    setError(null)
    setRequoting(true)
    try {
      const body = { method_ref: quote.method_ref, amount: amount.amount, accept_mandate: false, mandate_language: 'en' as const }
      setQuote(await unwrap(api.POST('/portal/v1/pay-links/{token}/quote', { params: { path: { token } }, body })))
    } catch (failure) {
      setError(failure)
    } finally {
      setRequoting(false)
    }
  }


  const titles: Record<Step, string> = {
    pay: link.amount_due > 0 && !link.requires_sign_in ? t('payTitle', { number: link.number }) : t('title', { number: link.number }),
    review: t('reviewTitle'),
    done: payment?.status === 'pending' ? t('donePendingTitle') : t('doneTitle'),
  }

  const pay = async () => {
    if (!quote || emailError) return
    setError(null)
    const body = { method_ref: quote.method_ref, amount: quote.subtotal, ...(email ? { receipt_email: email } : {}) }
    try {
      const made = await unwrap(
        api.POST('/portal/v1/pay-links/{token}/payments', {
          params: { path: { token }, header: { 'Idempotency-Key': attempt.keyFor(JSON.stringify(body)) } },
          body,
        }),
      )
      attempt.reset()
      setPaidWith(methodText(quote))
      setPayment(made)
      setStep('done')
      history.done()
      if (embed) tellPayButton({ type: 'remit:paid', invoice: link.number, transaction_id: made.transaction_id, status: made.status })
    } catch (failure) {
      if (asProblem(failure).status !== 402) {
        setError(failure)
        return
      }
      attempt.reset()
      setDecline(failure)
      setQuote(null) // the card given for it is spent: a new one is entered
      setStep('pay')
    }
  }

  const body = (() => {
    if (step === 'done' && payment) {
      return (
        <>
          <GuestConfirmation link={link} token={token} payment={payment} methodLabel={paidWith} />
          {embed && <p className="muted">{t('embedClose')}</p>}
          <EnrolOffer token={token} partnerName={partner.name} customerName={link.customer_name} email={payment.receipt_email ?? email} />
        </>
      )
    }
    if (step === 'review' && quote) {
      const bank = isBankKind(quote.method as MethodKind)
      return (
        <div className="card stack">
          <InvoiceHeading link={link} />
          <dl className="review-facts">
            <div>
              <dt>{t('payingWith')}</dt>
              <dd>{methodText(quote)}</dd>
            </div>
          </dl>
          {partial && (
            <div className="requote">
              {amountField}
              <Button variant="secondary" onClick={requote} disabled={requoting || !amountChanged}>
                {t('updateTotal')}
              </Button>
            </div>
          )}
          <FeeSummary
            currency={quote.currency}
            subtotal={quote.subtotal}
            fee={quote.fee}
            basis={quote.fee_basis}
            kind={quote.method as MethodKind}
            bankAccepted={bankAccepted}
          />
          <TextField
            label={t('receiptEmail')}
            hint={t('receiptHint')}
            type="email"
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={emailError}
          />
          {bank && (
            <p className="mandate-reminder">
              {t('mandateReminder', { partner: partner.name, amount: formatMoney(quote.total, quote.currency, intlLocale) })}
            </p>
          )}
          {error != null && <Alert tone="error">{problemText(error)}</Alert>}
          <div className="row">
            <ConfirmButton className="confirm-pay" onConfirm={pay} disabled={Boolean(emailError) || amountChanged || requoting}>
              {t('confirm', { amount: formatMoney(quote.total, quote.currency, intlLocale) })}
            </ConfirmButton>
            <Button
              variant="secondary"
              onClick={history.back}
            >
              {t('back')}
            </Button>
          </div>
        </div>
      )
    }
    return (
      <>
        {decline != null && (
          <DeclineAlert heading={t('declinedHeading')} reason={problemText(decline)} next={t('declinedNext')} />
        )}
        <InvoiceCard link={link} />
        {link.requires_sign_in ? (
          <div className="card">
            <p>{t('signInRequired', { partner: partner.name })}</p>
            <Link className="btn btn-primary" to={`${to('sign-in')}?next=${encodeURIComponent(`${to('pay')}?invoices=${link.invoice_id}`)}`}>
              {t('signIn')}
            </Link>
          </div>
        ) : link.amount_due === 0 ? (
          <Alert tone="info">{link.amount_pending > 0 ? t('nothingDuePending') : t('nothingDue')}</Alert>
        ) : kinds.length === 0 ? (
          <Alert tone="warning">{t('noMethods', { partner: partner.name })}</Alert>
        ) : (
          <section className="card" aria-labelledby="guest-method">
            <h2 id="guest-method">{t('methodHeading')}</h2>
            {partial && amountField}
            {quote ? (
              <div className="stack kept-method">
                <dl className="review-facts">
                  <div>
                    <dt>{t('payingWith')}</dt>
                    <dd>{methodText(quote)}</dd>
                  </div>
                </dl>
                {error != null && <Alert tone="error">{problemText(error)}</Alert>}
                <div className="row">
                  <Button onClick={() => void continueWithQuoted()} busy={requoting}>
                    {t('continue')}
                  </Button>
                  <Button variant="secondary" onClick={() => setQuote(null)} disabled={requoting}>
                    {t('useAnother')}
                  </Button>
                </div>
              </div>
            ) : (
              <NewMethodForm
                kinds={kinds}
                initialKind={null}
                mandates={link.mandates}
                saveOption="never"
                submitLabel={() => t('continue')}
                onSubmit={async ({ method, acceptMandate, mandateLanguage }) => {
                  if (amount.amount === null) {
                    setAmountTouched(true)
                    return
                  }
                  const answer = await unwrap(
                    api.POST('/portal/v1/pay-links/{token}/quote', {
                      params: { path: { token } },
                      body: { token: method.token, amount: amount.amount, accept_mandate: acceptMandate, mandate_language: mandateLanguage },
                    }),
                  )
                  setDecline(null)
                  setError(null)
                  setQuote(answer)
                  setStep('review')
                  history.enter()
                }}
              />
            )}
          </section>
        )}
      </>
    )
  })()

  return (
    <div className={`guest${embed ? ' guest-embed' : ''}`}>
      <Page title={titles[step]}>
        {body}
        {embed && <SupportContact partner={partner} />}
      </Page>
    </div>
  )
}

function brandName(brand: string | null): string {
  const names: Record<string, string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover' }
  return brand ? (names[brand] ?? brand) : ''
}

function InvoiceHeading({ link }: { link: PayLink }) {
  const t = useMessages(messages)
  return <p className="muted">{t('from', { partner: link.partner.name, customer: link.customer_name })}</p>
}

function InvoiceCard({ link }: { link: PayLink }) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  return (
    <section className="card invoice-card" aria-labelledby="guest-invoice">
      <h2 id="guest-invoice">{t('title', { number: link.number })}</h2>
      <InvoiceHeading link={link} />
      <dl className="facts">
        <div>
          <dt>{t('issued')}</dt>
          <dd>{formatDate(link.issue_date, intlLocale)}</dd>
        </div>
        <div>
          <dt>{t('due')}</dt>
          <dd>{formatDate(link.due_date, intlLocale)}</dd>
        </div>
      </dl>
      <LinesTable lines={link.lines} currency={link.currency} />
      <dl className="facts totals">
        <div>
          <dt>{t('total')}</dt>
          <dd>
            <Money amount={link.total} currency={link.currency} />
          </dd>
        </div>
        {link.amount_paid > 0 && (
          <div>
            <dt>{t('paid')}</dt>
            <dd>
              <Money amount={link.amount_paid} currency={link.currency} />
            </dd>
          </div>
        )}
        {link.amount_pending > 0 && (
          <div>
            <dt>{t('pending')}</dt>
            <dd>
              <Money amount={link.amount_pending} currency={link.currency} />
            </dd>
          </div>
        )}
        <div className="fee-total">
          <dt>{t('amountDue')}</dt>
          <dd>
            <Money amount={link.amount_due} currency={link.currency} />
          </dd>
        </div>
      </dl>
    </section>
  )
}

function GuestConfirmation({ link, token, payment, methodLabel }: { link: PayLink; token: string; payment: GuestPayment; methodLabel: string }) {
  const t = useMessages(messages)
  const tp = useMessages(payMessages)
  const { locale } = useI18n()
  const problemText = useProblemText(messages, { partner: link.partner.name })
  const p = payment
  const pending = p.status === 'pending'
  const [copyTo, setCopyTo] = useState('')
  const [copyError, setCopyError] = useState<string | null>(null)
  const [copied, setCopied] = useState<{ email: string; already: boolean } | null>(null)
  const [sending, setSending] = useState(false)
  const base = `/portal/v1/pay-links/${encodeURIComponent(token)}`
  const language = `language=${encodeURIComponent(locale)}`

  const sendCopy = async (e: FormEvent) => {
    e.preventDefault()
    setCopied(null)
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(copyTo)) return setCopyError(t('error.email'))
    setCopyError(null)
    setSending(true)
    try {
      const answer = await unwrap(
        api.POST('/portal/v1/pay-links/{token}/payments/{payment_id}/receipt-email', {
          params: { path: { token, payment_id: p.id } },
          body: { email: copyTo },
        }),
      )
      setCopied({ email: answer.email, already: answer.already_sent })
      setCopyTo('')
    } catch (failure) {
      setCopyError(problemText(failure))
    } finally {
      setSending(false)
    }
  }

  return (
    <div className="card stack confirmation">
      <StatusLine status={p.status} />
      {pending ? (
        <Alert tone="info">
          <strong>{tp('status.pending')}.</strong> {t('pendingWhat')} {p.receipt_email && t('pendingReceipt', { email: p.receipt_email })}
        </Alert>
      ) : (
        <Alert tone="success">
          {t('thanks')}{' '}
          {p.receipt_to === 'payer' && p.receipt_email
            ? t('receiptSent', { email: p.receipt_email })
            : p.receipt_to === 'customer'
              ? t('receiptSentCustomer', { partner: link.partner.name, customer: link.customer_name })
              : t('receiptNone')}
        </Alert>
      )}
      <InvoiceOutcomes outcomes={p.invoices} currency={p.currency} pending={pending} />
      <PaymentFacts payment={p} subtotal={p.amount - p.fee} methodLabel={methodLabel} />
      <section className="stack" aria-labelledby="guest-documents">
        <h2 id="guest-documents">{t('documentsHeading')}</h2>
        <div className="row">
          <a className="btn btn-secondary" href={`${base}/payments/${encodeURIComponent(p.id)}/receipt?${language}`} download>
            {t('downloadReceipt')}
          </a>
          <a className="btn btn-secondary" href={`${base}/pdf?${language}`} download>
            {t('downloadInvoice')}
          </a>
        </div>
        <form className="receipt-copy" onSubmit={sendCopy} noValidate>
          <TextField
            label={t('copyLabel')}
            type="email"
            autoComplete="email"
            value={copyTo}
            onChange={(e) => {
              setCopyTo(e.target.value)
              setCopyError(null)
            }}
            error={copyError}
          />
          <Button type="submit" variant="secondary" busy={sending}>
            {t('copySend')}
          </Button>
        </form>
        {copied && (
          <p role="status" className="copy-sent">
            {copied.already ? t('copyAlready', { email: copied.email }) : t('copySent', { email: copied.email })}
          </p>
        )}
      </section>
    </div>
  )
}
