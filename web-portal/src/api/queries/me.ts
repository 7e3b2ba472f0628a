import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query'
import { useCallback } from 'react'
import { api, setCsrfToken } from '../client'
import { Problem, isProblemBody } from '../problem'
import type { components } from '../schema'

export type Me = components['schemas']['MeOut']
export type Permission = Me['accounts'][number]['permissions'][number]

export const meKey = ['me'] as const

/** Who is signed in, or null when nobody is (401). Remembers the CSRF token for every later change. */
export async function fetchMe(): Promise<Me | null> {
  const { data, error, response } = await api.GET('/portal/v1/me').catch(() => {
    throw Problem.offline()
  })
  if (response.status === 401) {
    setCsrfToken(null)
    return null
  }
  if (!response.ok || !data) throw isProblemBody(error) ? new Problem(response.status, error, response) : Problem.unknown(response.status)
  setCsrfToken(data.csrf_token)
  return data
}

export const meQuery = queryOptions({ queryKey: meKey, queryFn: fetchMe, staleTime: 60_000 })

export function useMe() {
  return useQuery(meQuery)
}

/** After sign-in, sign-out, MFA, step-up or an account switch: the session (and its CSRF token) changed. */
export function useRefreshSession(): () => Promise<void> {
  const client = useQueryClient()
  return useCallback(async () => {
    const me = await fetchMe()
    // Everything cached belonged to the previous session or account.
    client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'partner' && q.queryKey[0] !== 'me' })
    client.setQueryData(meKey, me)
  }, [client])
}

/** The permissions of the signed-in person on the current account. */
export function usePermissions(): { can: (permission: Permission) => boolean; readOnly: boolean } {
  const { data: me } = useMe()
  const account = me?.accounts.find((a) => a.customer_id === me.customer_id)
  const readOnly = Boolean(me?.impersonated)
  return {
    can: (permission) => !readOnly && Boolean(account?.permissions.includes(permission)),
    readOnly,
  }
}
