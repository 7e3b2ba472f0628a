import { useCallback } from 'react'
import { useNavigate, useSearchParams } from 'react-router'
import type { SignedIn } from '../api/client'
import { useSessionChanged } from '../api/me'
import { safeNext } from './next'

/** After an answer that opened a session: the MFA step, the required MFA set-up, or the page asked for. */
export function useAfterSignIn(): (answer: SignedIn) => Promise<void> {
  const changed = useSessionChanged()
  const navigate = useNavigate()
  const [params] = useSearchParams()
  return useCallback(
    async (answer: SignedIn) => {
      await changed(answer)
      const next = params.get('next')
      const keep = next ? `?next=${encodeURIComponent(next)}` : ''
      if (answer.state === 'mfa_required') navigate(`/dashboard/sign-in/mfa${keep}`, { replace: true })
      else if (answer.state === 'mfa_enrolment_required') navigate(`/dashboard/set-up-mfa${keep}`, { replace: true })
      else navigate(safeNext(next), { replace: true })
    },
    [changed, navigate, params],
  )
}
