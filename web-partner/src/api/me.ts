// Who is signed in: GET /v1/me, the person, their teams (memberships) with their role in each, the current
// partner and the CSRF token. `null` when nobody is (401); a session half-way through signing in (MFA step) is
// `{ pending: 'mfa_required' }` because /v1/me refuses it.
import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query'
import { useCallback } from 'react'
import { Problem } from '@shared/problem'
import { api, setCsrfToken, unwrap, type Schemas, type SignedIn } from './client'

export type Me = Schemas['PartnerUserOut']
export type Membership = Schemas['MembershipOut']
export type Session = { kind: 'none' } | { kind: 'mfa_required' } | { kind: 'signed_in'; me: Me }

export const meKey = ['me'] as const

export async function fetchSession(): Promise<Session> {
  try {
    const me = await unwrap(api.GET('/v1/me'))
    setCsrfToken(me.csrf_token)
    return { kind: 'signed_in', me }
  } catch (error) {
    if (error instanceof Problem && error.status === 401) {
      // Half-way through signing in, the session's CSRF token (from the sign-in answer) is still needed for the
      // MFA step; with no session at all there is nothing to protect.
      if (error.code === 'mfa_required') return { kind: 'mfa_required' }
      setCsrfToken(null)
      return { kind: 'none' }
    }
    throw error
  }
}

export const sessionQuery = queryOptions({ queryKey: meKey, queryFn: fetchSession, staleTime: 30_000 })

export function useSession() {
  return useQuery(sessionQuery)
}

/** The signed-in person (only inside RequireSession, where the session is known to be signed in). */
export function useMe(): Me {
  const { data } = useSession()
  if (data?.kind !== 'signed_in') throw new Error('useMe outside a signed-in page')
  return data.me
}

/** After any answer that opens or renews a session: keep its CSRF token and read /v1/me again (everything else
 * belongs to the previous session or partner, so it is dropped). */
export function useSessionChanged(): (answer?: Pick<SignedIn, 'csrf_token'> | null) => Promise<Session> {
  const client = useQueryClient()
  return useCallback(
    async (answer) => {
      if (answer) setCsrfToken(answer.csrf_token)
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== meKey[0] })
      return client.fetchQuery({ ...sessionQuery, staleTime: 0 })
    },
    [client],
  )
}
