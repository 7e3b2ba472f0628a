// Someone whose verified email no customer has: business information once, then a clear "awaiting approval" page.
import { useMutation } from '@tanstack/react-query'
import { useId, useState, type FormEvent, type ReactNode } from 'react'
import { Navigate, useNavigate } from 'react-router'
import { api, unwrap } from '../api/client'
import { asProblem } from '../api/problem'
import { type Me, useMe, useRefreshSession } from '../api/queries/me'
import { useI18n, useMessages } from '../i18n/i18n'
import { formatDate } from '../lib/dates'
import { useBranding } from '../shell/PartnerLayout'
import { usePortalPath } from '../shell/paths'
import { Alert, Button, ErrorState, Loading, Page, TextField } from '../ui/ui'
import { messages } from './messages'
import { useProblemWith } from './problems'
import { useSignOut } from './session'

/** Only a verified email with no access belongs on these pages; everyone else goes where they belong. */
function NoAccessGate({ want, children }: { want: 'request' | 'awaiting'; children: (me: Me) => ReactNode }) {
  const me = useMe()
  const to = usePortalPath()
  if (me.isPending) return <Loading />
  if (me.isError) return <ErrorState error={me.error} onRetry={() => me.refetch()} />
  if (!me.data) return <Navigate replace to={to('sign-in')} />
  if (me.data.state === 'mfa_pending') return <Navigate replace to={to('sign-in/mfa')} />
  if (me.data.state === 'active') return <Navigate replace to={to('invoices')} />
  if (want === 'request' && me.data.access_request) return <Navigate replace to={to('awaiting-approval')} />
  if (want === 'awaiting' && !me.data.access_request) return <Navigate replace to={to('request-access')} />
  return <>{children(me.data)}</>
}

export function RequestAccessPage() {
  return <NoAccessGate want="request">{(me) => <RequestAccessForm email={me.email} />}</NoAccessGate>
}

export function AwaitingApprovalPage() {
  return <NoAccessGate want="awaiting">{(me) => <Awaiting me={me} />}</NoAccessGate>
}

type Info = { company_name: string; contact_name: string; phone: string; address: string }
type Field = keyof Info

function TextArea({ label, error, value, onChange, ...rest }: { label: string; error?: string | null; value: string; onChange: (v: string) => void; name: string; autoComplete?: string }) {
  const id = useId()
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={3}
        maxLength={500}
        required
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        {...rest}
      />
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  )
}

function RequestAccessForm({ email }: { email: string }) {
  const t = useMessages(messages)
  const branding = useBranding()
  const problem = useProblemWith(messages)
  const refresh = useRefreshSession()
  const navigate = useNavigate()
  const to = usePortalPath()
  const signOut = useSignOut()
  const [info, setInfo] = useState<Info>({ company_name: '', contact_name: '', phone: '', address: '' })
  const [checked, setChecked] = useState(false)
  const send = useMutation({
    mutationFn: (body: Info) => unwrap(api.POST('/portal/v1/access-requests', { body })),
    onSuccess: async () => {
      await refresh()
      navigate(to('awaiting-approval'), { replace: true })
    },
  })

  const localError = (field: Field): string | null => {
    if (!checked) return null
    const value = info[field].trim()
    if (!value) return t('required')
    if ((field === 'phone' || field === 'address') && value.length < 3) return t('tooShort')
    return null
  }
  const apiError = send.error ? asProblem(send.error) : null
  const fieldError = (field: Field) => localError(field) ?? apiError?.fieldError(field) ?? null
  const set = (field: Field) => (value: string) => setInfo({ ...info, [field]: value })
  const submit = (e: FormEvent) => {
    e.preventDefault()
    setChecked(true)
    const fields: Field[] = ['company_name', 'contact_name', 'phone', 'address']
    const bad = fields.find((f) => !info[f].trim() || ((f === 'phone' || f === 'address') && info[f].trim().length < 3))
    if (bad) {
      document.querySelector<HTMLElement>(`[name="${bad}"]`)?.focus()
      return
    }
    send.mutate({
      company_name: info.company_name.trim(),
      contact_name: info.contact_name.trim(),
      phone: info.phone.trim(),
      address: info.address.trim(),
    })
  }

  return (
    <Page title={t('requestTitle', { partner: branding.name })} documentTitle={t('requestDocTitle')}>
      <form className="card auth-card" onSubmit={submit} noValidate>
        <p>{t('requestIntro', { email, partner: branding.name })}</p>
        <TextField
          label={t('companyName')}
          name="company_name"
          autoComplete="organization"
          required
          maxLength={200}
          value={info.company_name}
          onChange={(e) => set('company_name')(e.target.value)}
          error={fieldError('company_name')}
        />
        <TextField
          label={t('contactName')}
          name="contact_name"
          autoComplete="name"
          required
          maxLength={200}
          value={info.contact_name}
          onChange={(e) => set('contact_name')(e.target.value)}
          error={fieldError('contact_name')}
        />
        <TextField
          label={t('phone')}
          name="phone"
          type="tel"
          autoComplete="tel"
          required
          maxLength={200}
          value={info.phone}
          onChange={(e) => set('phone')(e.target.value)}
          error={fieldError('phone')}
        />
        <TextArea
          label={t('address')}
          name="address"
          autoComplete="street-address"
          value={info.address}
          onChange={set('address')}
          error={fieldError('address')}
        />
        {apiError && apiError.code !== 'validation_error' && <Alert tone="error">{problem(apiError)}</Alert>}
        <Button type="submit" className="btn-block" busy={send.isPending}>
          {t('sendRequest')}
        </Button>
        <div className="auth-links">
          <button type="button" className="btn btn-link" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
            {t('notYou', { email })}
          </button>
        </div>
      </form>
    </Page>
  )
}

function Awaiting({ me }: { me: Me }) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const branding = useBranding()
  const signOut = useSignOut()
  const request = me.access_request!
  const partner = branding.name
  const contact = branding.support_email || branding.support_phone || branding.support_url

  const title =
    request.status === 'dismissed' ? t('dismissedTitle') : request.status === 'approved' ? t('approvedTitle') : t('awaitingTitle')
  return (
    <Page title={title}>
      <div className="card auth-card stack">
        {request.status === 'pending' && (
          <>
            <p>{t('awaitingIntro', { name: request.contact_name, company: request.company_name, partner })}</p>
            <p className="muted">{t('requestedOn', { date: formatDate(request.created_at, intlLocale, 'long') })}</p>
            <section aria-labelledby="next-heading">
              <h2 id="next-heading">{t('whatNext')}</h2>
              <ol className="steps">
                <li>{t('nextReview', { partner })}</li>
                <li>{t('nextEmail', { email: me.email })}</li>
                <li>{t('nextNothing')}</li>
              </ol>
            </section>
            <section aria-labelledby="who-heading">
              <h2 id="who-heading">{t('whoApproves')}</h2>
              <p>{t('whoApprovesBody', { partner })}</p>
            </section>
          </>
        )}
        {request.status === 'approved' && <p>{t('approvedBody', { email: me.email })}</p>}
        {request.status === 'dismissed' && <p>{t('dismissedBody', { partner, email: me.email })}</p>}
        <section aria-labelledby="questions-heading">
          <h2 id="questions-heading">{t('questions')}</h2>
          {contact ? (
            <p>
              {t('contactSupport', { partner })}{' '}
              {branding.support_email && <a href={`mailto:${branding.support_email}`}>{branding.support_email}</a>}
              {branding.support_email && branding.support_phone && ' · '}
              {branding.support_phone && <a href={`tel:${branding.support_phone.replace(/[^\d+]/g, '')}`}>{branding.support_phone}</a>}
              {!branding.support_email && !branding.support_phone && branding.support_url && (
                <a href={branding.support_url} rel="noopener noreferrer" target="_blank">
                  {branding.support_url.replace(/^https?:\/\//, '')}
                </a>
              )}
            </p>
          ) : (
            <p>{t('noSupport')}</p>
          )}
        </section>
        <div className="row">
          <Button variant="secondary" onClick={() => signOut.mutate()} busy={signOut.isPending}>
            {t('signOut')}
          </Button>
        </div>
      </div>
    </Page>
  )
}
