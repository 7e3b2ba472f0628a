// The access requests queue's view and page in the address (`?status=approved&page=…`; pending is the default).
import type { Schemas } from '../api/client'
import { parsePage, setPage, type Paged } from '../lib/paging'

export type Status = Schemas['AccessRequestStatus']
export const VIEWS: readonly Status[] = ['pending', 'approved', 'dismissed']
export interface State extends Paged {
  status: Status
}

export function parseAccessRequests(search: string): State {
  const params = new URLSearchParams(search)
  const status = params.get('status') as Status | null
  return { status: status && VIEWS.includes(status) ? status : 'pending', ...parsePage(params) }
}

export function accessRequestsSearch(state: State): string {
  const params = new URLSearchParams()
  if (state.status !== 'pending') params.set('status', state.status)
  setPage(params, state)
  const text = params.toString()
  return text ? `?${text}` : ''
}

