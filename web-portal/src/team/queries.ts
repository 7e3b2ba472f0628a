// The team of the current account: list, invite, change permissions, remove.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import type { components } from '../api/schema'

export type Member = components['schemas']['Member']
export type Permission = components['schemas']['Permission']
export const PERMISSIONS: readonly Permission[] = ['view', 'pay', 'manage_methods', 'manage_team']

export const teamKey = ['team'] as const

export function useTeam() {
  return useQuery({ queryKey: teamKey, queryFn: () => unwrap(api.GET('/portal/v1/team')) })
}

export function useSetPermissions() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: ({ userId, permissions }: { userId: string; permissions: Permission[] }) =>
      unwrap(api.PATCH('/portal/v1/team/{user_id}', { params: { path: { user_id: userId } }, body: { permissions } })),
    onSuccess: () => client.invalidateQueries({ queryKey: teamKey }),
  })
}

export function useRemoveMember() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (userId: string) => unwrap(api.DELETE('/portal/v1/team/{user_id}', { params: { path: { user_id: userId } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: teamKey }),
  })
}
