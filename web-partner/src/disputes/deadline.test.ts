import { describe, expect, it } from 'vitest'
import { deadline } from './deadline'

describe('dispute evidence deadline', () => {
  const now = new Date('2026-12-01T12:00:00Z')
  it('counts whole days and hours left', () => {
    expect(deadline('2026-12-04T15:30:00Z', now)).toEqual({ kind: 'left', days: 3, hours: 3 })
    expect(deadline('2026-12-01T12:59:00Z', now)).toEqual({ kind: 'left', days: 0, hours: 0 })
  })
  it('says when it has passed or is unknown', () => {
    expect(deadline('2026-12-01T12:00:00Z', now)).toEqual({ kind: 'past' })
    expect(deadline(null, now)).toEqual({ kind: 'none' })
    expect(deadline('soon', now)).toEqual({ kind: 'none' })
  })
})
