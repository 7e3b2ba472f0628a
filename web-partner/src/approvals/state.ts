// The approvals inbox's view and page in the address (`?view=decided&page=…`; pending is the default), and whose
// request an approval is.
import type { Schemas } from '../api/client'
import { parsePage, setPage, type Paged } from '../lib/paging'

export type View = 'pending' | 'decided'

export interface ApprovalsState extends Paged {
  view: View
  /** An approval to point out (the one a refund or write-off just asked for). */
  show: string
}

const ID = /^[A-Za-z0-9_-]{1,64}$/

export function parseApprovals(search: string): ApprovalsState {
  const params = new URLSearchParams(search)
  const show = params.get('show') ?? ''
  return { view: params.get('view') === 'decided' ? 'decided' : 'pending', show: ID.test(show) ? show : '', ...parsePage(params) }
}

export function approvalsSearch(state: ApprovalsState): string {
  const params = new URLSearchParams()
  if (state.view === 'decided') params.set('view', 'decided')
  if (state.show) params.set('show', state.show)
  setPage(params, state)
  const text = params.toString()
  return text ? `?${text}` : ''
}

/** GET /v1/approvals: pending ones by the API's filter; decided ones are every other status (filtered per page). */
export function approvalsQuery(state: ApprovalsState, limit = 25) {
  return { limit, ...(state.cursor ? { cursor: state.cursor } : {}), ...(state.view === 'pending' ? { status: 'pending' as const } : {}) }
}

export function shown(state: ApprovalsState, approvals: readonly Schemas['ApprovalOut'][]): Schemas['ApprovalOut'][] {
  return approvals.filter((a) => (state.view === 'pending' ? a.status === 'pending' : a.status !== 'pending'))
}

/** Whether the signed-in person asked for it (the API refuses them with 403 `self_approval`). */
export function isOwnRequest(approval: Pick<Schemas['ApprovalOut'], 'requested_by'>, userId: string): boolean {
  return approval.requested_by === `user:${userId}`
}
