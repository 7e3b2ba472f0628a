// Pages an emailed or partner-made link opens: the token (in the fragment) is posted once, then the person
// carries on signed in. `sign-in/link`: an access request's approval; `impersonate`: the partner's read-only view.
import { useEffect, useRef, useState } from 'react'
import { Link } from 'react-router'
import { api, unwrap } from '../api/client'
import { useMessages } from '../i18n/i18n'
import { usePortalPath } from '../shell/paths'
import { Loading, Page } from '../ui/ui'
import { takeFragmentToken } from './fragmentToken'
import { messages } from './messages'
import { useProblemWith } from './problems'
import { once, useAfterSignIn, type SignInAnswer } from './session'

type Kind = 'link' | 'impersonation'

function post(kind: Kind, token: string): Promise<SignInAnswer> {
  return once(`${kind}:${token}`, () =>
    unwrap(
      kind === 'link'
        ? api.POST('/portal/v1/sign-in/link', { body: { token } })
        : api.POST('/portal/v1/sign-in/impersonation', { body: { token } }),
    ),
  )
}

function LinkSignIn({ kind }: { kind: Kind }) {
  const t = useMessages(messages)
  const problem = useProblemWith(messages)
  const to = usePortalPath()
  const afterSignIn = useAfterSignIn()
  const [token] = useState(() => takeFragmentToken())
  const [error, setError] = useState<unknown>(null)
  // Not a query: the answer is used once, and a retry could never succeed with a spent link.
  const go = useRef(afterSignIn)
  go.current = afterSignIn
  useEffect(() => {
    if (!token) return
    let live = true
    post(kind, token).then(
      (answer) => {
        if (live) void go.current(answer)
      },
      (e: unknown) => {
        if (live) setError(e)
      },
    )
    return () => {
      live = false
    }
  }, [kind, token])

  const failed = !token || error !== null
  if (failed) {
    return (
      <Page title={kind === 'link' ? t('linkFailedTitle') : t('impersonateFailedTitle')}>
        <div className="card auth-card">
          <p>{!token ? t('linkMissing') : kind === 'link' ? problem(error) : t('impersonateFailed')}</p>
          {kind === 'link' && (
            <div className="auth-links">
              <Link to={to('sign-in')}>{t('signInWithCode')}</Link>
            </div>
          )}
        </div>
      </Page>
    )
  }
  return (
    <Page title={kind === 'link' ? t('linkTitle') : t('impersonateTitle')}>
      <Loading label={kind === 'link' ? t('linkWorking') : t('impersonateWorking')} />
    </Page>
  )
}

export function LinkSignInPage() {
  return <LinkSignIn kind="link" />
}

export function ImpersonatePage() {
  return <LinkSignIn kind="impersonation" />
}
