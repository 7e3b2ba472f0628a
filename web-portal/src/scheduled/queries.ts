// Scheduled payments (cursor pages) and cancelling one.
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import type { components } from '../api/schema'
import type { ChipTone } from '../ui/ui'

export type Scheduled = components['schemas']['PortalScheduled']
export type ScheduledStatus = components['schemas']['ScheduledStatus']

export const SCHEDULED_CHIPS: Record<ScheduledStatus, { key: `status_${ScheduledStatus}`; tone: ChipTone }> = {
  scheduled: { key: 'status_scheduled', tone: 'info' },
  processing: { key: 'status_processing', tone: 'info' },
  executed: { key: 'status_executed', tone: 'success' },
  failed: { key: 'status_failed', tone: 'danger' },
  canceled: { key: 'status_canceled', tone: 'neutral' },
}

export function useScheduled() {
  return useInfiniteQuery({
    queryKey: ['scheduled-payments'],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/portal/v1/scheduled-payments', {
          params: { query: { limit: 20, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? null,
  })
}

export function useCancelScheduled() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(
        api.POST('/portal/v1/scheduled-payments/{scheduled_payment_id}/cancel', {
          params: { path: { scheduled_payment_id: id } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['scheduled-payments'] }),
  })
}
