import { describe, expect, it } from 'vitest'
import { approvalsQuery, approvalsSearch, isOwnRequest, parseApprovals, shown } from './state'
import type { Schemas } from '../api/client'

describe('approvals inbox state ↔ URL', () => {
  it('defaults to pending and round-trips the decided view with a page', () => {
    expect(parseApprovals('')).toEqual({ view: 'pending', show: '', cursor: null, back: [] })
    const state = { view: 'decided' as const, show: 'apr_1', cursor: 'c2', back: ['-'] }
    expect(approvalsSearch(state)).toBe('?view=decided&show=apr_1&page=c2&back=-')
    expect(parseApprovals(approvalsSearch(state))).toEqual(state)
    expect(parseApprovals('?view=bogus&show=%3Cx%3E')).toMatchObject({ view: 'pending', show: '' })
  })
  it('asks the API for pending ones only in the pending view', () => {
    expect(approvalsQuery(parseApprovals(''))).toEqual({ limit: 25, status: 'pending' })
    expect(approvalsQuery(parseApprovals('?view=decided'))).toEqual({ limit: 25 })
  })
  it('shows the decided ones apart from the pending ones', () => {
    const list = [{ status: 'pending' }, { status: 'approved' }, { status: 'rejected' }] as Schemas['ApprovalOut'][]
    expect(shown(parseApprovals('?view=decided'), list).map((a) => a.status)).toEqual(['approved', 'rejected'])
  })
  it('knows a request of the signed-in person', () => {
    expect(isOwnRequest({ requested_by: 'user:usr_1' }, 'usr_1')).toBe(true)
    expect(isOwnRequest({ requested_by: 'user:usr_2' }, 'usr_1')).toBe(false)
    expect(isOwnRequest({ requested_by: 'api_key:usr_1' }, 'usr_1')).toBe(false)
  })
})
