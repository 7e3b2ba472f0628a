// Sign in: an email, then the 6-digit code we email (resend with a countdown), or a password instead.
import { useMutation } from '@tanstack/react-query'
import { useEffect, useRef, useState, type FormEvent } from 'react'
import { Link, Navigate, useLocation } from 'react-router'
import { api, unwrap } from '../api/client'
import { asProblem } from '../api/problem'
import { useMe } from '../api/queries/me'
import { useI18n, useMessages } from '../i18n/i18n'
import { useBranding } from '../shell/PartnerLayout'
import { usePortalPath, useSlug } from '../shell/paths'
import { Alert, Button, ErrorState, Loading, Page, TextField } from '../ui/ui'
import { CodeBoxes, type CodeBoxesHandle } from './CodeBoxes'
import { EMAIL, EmailField, EmailWithProblem } from './EmailField'
import { messages } from './messages'
import { nextParam, safeNext } from './nextPath'
import { useProblemWith } from './problems'
import { useAfterSignIn } from './session'
import { clock, useCountdown } from './useCountdown'

/** Seconds before "send a new code" opens again (the API also limits sends to 5 an hour per address). */
export const RESEND_AFTER = 30

type Step = 'email' | 'code' | 'password'

export function SignInPage() {
  const me = useMe()
  const to = usePortalPath()
  const slug = useSlug()
  const location = useLocation()
  const [step, setStep] = useState<Step>('email')
  const [email, setEmail] = useState('')
  const countdown = useCountdown()

  if (me.isPending) return <Loading />
  if (me.isError) return <ErrorState error={me.error} onRetry={() => me.refetch()} />
  if (me.data?.state === 'active') return <Navigate replace to={safeNext(nextParam(location.search), slug) ?? to('invoices')} />

  if (step === 'code')
    return <CodeStep email={email} countdown={countdown} onBack={() => setStep('email')} />
  if (step === 'password')
    return <PasswordStep email={email} setEmail={setEmail} onUseCode={() => setStep('email')} />
  return (
    <EmailStep
      email={email}
      setEmail={setEmail}
      onSent={() => {
        countdown.start(RESEND_AFTER)
        setStep('code')
      }}
      onUsePassword={() => setStep('password')}
    />
  )
}

function useSendCode(email: string) {
  const slug = useSlug()
  const { locale: language } = useI18n() // the code email is written in the language being read
  return useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/portal/v1/partners/{slug}/sign-in/code', { params: { path: { slug } }, body: { email: email.trim(), language } }),
      ),
  })
}

function EmailStep({
  email,
  setEmail,
  onSent,
  onUsePassword,
}: {
  email: string
  setEmail: (v: string) => void
  onSent: () => void
  onUsePassword: () => void
}) {
  const t = useMessages(messages)
  const branding = useBranding()
  const send = useSendCode(email)
  const [invalid, setInvalid] = useState(false)

  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (!EMAIL.test(email.trim())) return setInvalid(true)
    setInvalid(false)
    send.mutate(undefined, { onSuccess: onSent })
  }
  return (
    <Page title={t('signInTitle', { partner: branding.name })} documentTitle={t('signInDocTitle')}>
      <form className="card auth-card" onSubmit={submit} noValidate>
        <p>{t('signInIntro')}</p>
        {/* The one thing to do on this page: the cursor waits in the field. */}
        <EmailWithProblem value={email} onChange={setEmail} invalid={invalid} error={send.error} autoFocus />
        <Button type="submit" className="btn-block" busy={send.isPending}>
          {t('sendCode')}
        </Button>
        <div className="auth-links">
          <button type="button" className="btn btn-link" onClick={onUsePassword}>
            {t('usePassword')}
          </button>
        </div>
      </form>
    </Page>
  )
}

function CodeStep({
  email,
  countdown,
  onBack,
}: {
  email: string
  countdown: ReturnType<typeof useCountdown>
  onBack: () => void
}) {
  const t = useMessages(messages)
  const problem = useProblemWith(messages)
  const slug = useSlug()
  const afterSignIn = useAfterSignIn()
  const boxes = useRef<CodeBoxesHandle>(null)
  const resend = useSendCode(email)
  const [resent, setResent] = useState(false)

  const verify = useMutation({
    mutationFn: (code: string) =>
      unwrap(api.POST('/portal/v1/partners/{slug}/sign-in/verify', { params: { path: { slug } }, body: { email: email.trim(), code } })),
    onSuccess: afterSignIn,
    onError: () => boxes.current?.clear(),
  })

  useEffect(() => {
    // After the page heading has taken focus (see Page): the code goes in the first box.
    const timer = setTimeout(() => boxes.current?.focus(), 0)
    return () => clearTimeout(timer)
  }, [])

  const again = () =>
    resend.mutate(undefined, {
      onSuccess: () => {
        setResent(true)
        verify.reset()
        boxes.current?.clear()
        countdown.start(RESEND_AFTER)
      },
      onError: (error) => {
        const wait = asProblem(error).retryAfter
        if (wait) countdown.start(wait)
      },
    })

  const waiting = countdown.remaining > 0
  return (
    <Page title={t('codeTitle')}>
      <div className="card auth-card">
        <p>{resent ? t('codeSentAgain', { email: email.trim() }) : t('codeSent', { email: email.trim() })}</p>
        <form onSubmit={(e) => e.preventDefault()}>
          <CodeBoxes
            ref={boxes}
            onComplete={(code) => verify.mutate(code)}
            busy={verify.isPending}
            error={verify.error ? problem(verify.error) : null}
          />
        </form>
        {verify.isPending && <Loading label={t('checking')} />}
        {resend.error && <Alert tone="error">{problem(resend.error)}</Alert>}
        <div className="row">
          <Button variant="secondary" onClick={again} disabled={waiting} busy={resend.isPending}>
            {waiting ? t('resendIn', { time: clock(countdown.remaining) }) : t('resend')}
          </Button>
        </div>
        <p className="hint resend-hint">{t('noEmail')}</p>
        <div className="auth-links">
          <button type="button" className="btn btn-link" onClick={onBack}>
            {t('otherEmail')}
          </button>
        </div>
      </div>
    </Page>
  )
}

function PasswordStep({ email, setEmail, onUseCode }: { email: string; setEmail: (v: string) => void; onUseCode: () => void }) {
  const t = useMessages(messages)
  const problem = useProblemWith(messages)
  const slug = useSlug()
  const to = usePortalPath()
  const afterSignIn = useAfterSignIn()
  const [password, setPassword] = useState('')
  const [invalid, setInvalid] = useState<'email' | 'password' | null>(null)
  const signIn = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/portal/v1/partners/{slug}/sign-in/password', { params: { path: { slug } }, body: { email: email.trim(), password } })),
    onSuccess: afterSignIn,
  })
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (!EMAIL.test(email.trim())) return setInvalid('email')
    if (!password) return setInvalid('password')
    setInvalid(null)
    signIn.mutate()
  }
  const error = signIn.error ? asProblem(signIn.error) : null
  return (
    <Page title={t('passwordTitle')}>
      <form className="card auth-card" onSubmit={submit} noValidate>
        <EmailField value={email} onChange={setEmail} error={invalid === 'email' ? t('emailInvalid') : null} autoFocus />
        <TextField
          label={t('password')}
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={invalid === 'password' ? t('passwordRequired') : null}
        />
        {error && <Alert tone="error">{problem(error)}</Alert>}
        <Button type="submit" className="btn-block" busy={signIn.isPending}>
          {t('signIn')}
        </Button>
        <div className="auth-links">
          <Link to={to('forgot-password')} state={{ email: email.trim() }}>
            {t('forgotPassword')}
          </Link>
          <button type="button" className="btn btn-link" onClick={onUseCode}>
            {t('useCode')}
          </button>
        </div>
      </form>
    </Page>
  )
}
