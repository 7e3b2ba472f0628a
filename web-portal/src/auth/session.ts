// What every sign-in step does with the API's answer: remember the CSRF token, refresh the session, and go to
// the next step (`mfa_required`, `no_access`) or to the page the person wanted.
import { useMutation } from '@tanstack/react-query'
import { useCallback } from 'react'
import { useLocation, useNavigate } from 'react-router'
import { api, setCsrfToken, unwrap } from '../api/client'
import { useRefreshSession } from '../api/queries/me'
import type { components } from '../api/schema'
import { usePortalPath, useSlug } from '../shell/paths'
import { nextParam, safeNext, withNext } from './nextPath'

export type SignInAnswer = components['schemas']['SignInOut']

export function useAfterSignIn(): (answer: SignInAnswer) => Promise<void> {
  const refresh = useRefreshSession()
  const navigate = useNavigate()
  const to = usePortalPath()
  const slug = useSlug()
  const location = useLocation()
  return useCallback(
    async (answer: SignInAnswer) => {
      setCsrfToken(answer.csrf_token)
      if (answer.partner_slug !== slug) {
        // A link's token chose another partner than this page's address: carry on under that partner's own
        // billing link (and branding), with a fresh page so nothing of this partner's stays in memory.
        window.location.replace(`/pay/${encodeURIComponent(answer.partner_slug)}/invoices`)
        return
      }
      await refresh()
      const next = safeNext(nextParam(location.search), slug)
      if (answer.status === 'mfa_required') navigate(to('sign-in/mfa') + withNext(next), { replace: true })
      else if (answer.status === 'no_access') navigate(to(answer.access_request ? 'awaiting-approval' : 'request-access'), { replace: true })
      else navigate(next ?? to('invoices'), { replace: true })
    },
    [refresh, navigate, to, slug, location.search],
  )
}

/** Sign out (also a waiting or no-access session) and go back to the sign-in page. */
export function useSignOut() {
  const refresh = useRefreshSession()
  const navigate = useNavigate()
  const to = usePortalPath()
  return useMutation({
    mutationFn: () => unwrap(api.POST('/portal/v1/sign-out')),
    onSettled: async () => {
      await refresh()
      navigate(to('sign-in'), { replace: true })
    },
  })
}

const started = new Map<string, Promise<unknown>>()

/** Runs `call` once per key for the page's lifetime: a single-use link must not be posted twice (a re-render,
 * React's development double effects, or a second tab of the same component). */
export function once<T>(key: string, call: () => Promise<T>): Promise<T> {
  let running = started.get(key) as Promise<T> | undefined
  if (!running) {
    running = call()
    started.set(key, running)
  }
  return running
}
