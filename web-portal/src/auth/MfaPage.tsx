// The second step of signing in when two-step sign-in is on: an authenticator code, or a recovery code.
import { useMutation } from '@tanstack/react-query'
import { useEffect, useRef, useState, type FormEvent } from 'react'
import { Navigate, useLocation } from 'react-router'
import { api, unwrap } from '../api/client'
import { asProblem } from '../api/problem'
import { useMe } from '../api/queries/me'
import { useMessages } from '../i18n/i18n'
import { useBranding } from '../shell/PartnerLayout'
import { usePortalPath, useSlug } from '../shell/paths'
import { Alert, Button, ErrorState, Loading, Page, TextField } from '../ui/ui'
import { CodeBoxes, type CodeBoxesHandle } from './CodeBoxes'
import { messages } from './messages'
import { nextParam, safeNext, withNext } from './nextPath'
import { useProblemWith } from './problems'
import { useAfterSignIn, useSignOut } from './session'

/** The waiting session is gone (too many wrong codes, or it timed out): only starting again helps. */
const ENDED = new Set(['session_expired', 'not_signed_in', 'mfa_not_pending'])

export function MfaPage() {
  const me = useMe()
  const to = usePortalPath()
  const slug = useSlug()
  const location = useLocation()
  const next = safeNext(nextParam(location.search), slug)
  if (me.isPending) return <Loading />
  if (me.isError) return <ErrorState error={me.error} onRetry={() => me.refetch()} />
  if (!me.data) return <Navigate replace to={to('sign-in') + withNext(next)} />
  if (me.data.state === 'active') return <Navigate replace to={next ?? to('invoices')} />
  if (me.data.state === 'no_access') return <Navigate replace to={to(me.data.access_request ? 'awaiting-approval' : 'request-access')} />
  return <MfaForm />
}

function MfaForm() {
  const t = useMessages(messages)
  const branding = useBranding()
  const problem = useProblemWith(messages)
  const afterSignIn = useAfterSignIn()
  const signOut = useSignOut()
  const boxes = useRef<CodeBoxesHandle>(null)
  const [recovery, setRecovery] = useState(false)
  const [recoveryCode, setRecoveryCode] = useState('')
  const verify = useMutation({
    mutationFn: (code: string) => unwrap(api.POST('/portal/v1/sign-in/mfa', { body: { code, recovery } })),
    onSuccess: afterSignIn,
    onError: () => boxes.current?.clear(),
  })

  useEffect(() => {
    if (recovery) return
    const timer = setTimeout(() => boxes.current?.focus(), 0)
    return () => clearTimeout(timer)
  }, [recovery])

  const ended = verify.error ? ENDED.has(asProblem(verify.error).code) : false
  const switchTo = (useRecovery: boolean) => {
    verify.reset()
    setRecovery(useRecovery)
  }
  const submitRecovery = (e: FormEvent) => {
    e.preventDefault()
    if (recoveryCode.trim()) verify.mutate(recoveryCode.trim())
  }

  return (
    <Page title={t('mfaTitle')}>
      <div className="card auth-card">
        {ended ? (
          <>
            <Alert tone="error">{t('mfaEnded')}</Alert>
            <Button onClick={() => signOut.mutate()} busy={signOut.isPending}>
              {t('startAgain')}
            </Button>
          </>
        ) : recovery ? (
          <form onSubmit={submitRecovery} noValidate>
            <TextField
              label={t('recoveryCode')}
              hint={t('recoveryHint')}
              name="recovery-code"
              autoComplete="off"
              spellCheck={false}
              autoCapitalize="none"
              value={recoveryCode}
              onChange={(e) => setRecoveryCode(e.target.value)}
              error={verify.error ? problem(verify.error) : null}
            />
            <Button type="submit" className="btn-block" busy={verify.isPending} disabled={!recoveryCode.trim()}>
              {t('verify')}
            </Button>
          </form>
        ) : (
          <>
            <p>{t('mfaIntro', { partner: branding.name })}</p>
            <form onSubmit={(e) => e.preventDefault()}>
              <CodeBoxes
                ref={boxes}
                label={t('mfaCodeLabel')}
                onComplete={(code) => verify.mutate(code)}
                busy={verify.isPending}
                error={verify.error ? problem(verify.error) : null}
              />
            </form>
            {verify.isPending && <Loading label={t('checking')} />}
          </>
        )}
        {!ended && (
          <div className="auth-links">
            <button type="button" className="btn btn-link" onClick={() => switchTo(!recovery)}>
              {recovery ? t('useAuthenticator') : t('useRecovery')}
            </button>
            <button type="button" className="btn btn-link" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
              {t('startAgain')}
            </button>
          </div>
        )}
      </div>
    </Page>
  )
}
