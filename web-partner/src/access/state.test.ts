import { describe, expect, it } from 'vitest'
import { accessRequestsSearch, parseAccessRequests } from './state'

describe('access requests state ↔ URL', () => {
  it('defaults to the pending ones', () => {
    expect(parseAccessRequests('')).toEqual({ status: 'pending', cursor: null, back: [] })
    expect(accessRequestsSearch(parseAccessRequests(''))).toBe('')
    expect(parseAccessRequests('?status=everything').status).toBe('pending')
  })
  it('round-trips a decided view with its page', () => {
    const state = { status: 'dismissed' as const, cursor: 'c3', back: ['-', 'c2'] }
    expect(parseAccessRequests(accessRequestsSearch(state))).toEqual(state)
  })
})
