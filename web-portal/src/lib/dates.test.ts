import { describe, expect, it } from 'vitest'
import { formatDate, todayIso } from './dates'

describe('formatDate', () => {
  it('shows a calendar date as written, whatever the time zone', () => {
    expect(formatDate('2026-12-01', 'en-US')).toBe('Dec 1, 2026')
    expect(formatDate('2026-12-01', 'fr-FR')).toBe('1 déc. 2026')
    expect(formatDate('2026-01-01', 'en-US', 'long')).toBe('January 1, 2026')
  })
  it('gives the same answer from a kept formatter as from a new one', () => {
    const first = formatDate('2026-11-21', 'fr-CA')
    expect(formatDate('2026-11-21', 'fr-CA')).toBe(first)
    expect(first).toBe(new Intl.DateTimeFormat('fr-CA', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date('2026-11-21T00:00:00Z')))
  })
})

describe('todayIso', () => {
  it('is the local calendar date', () => {
    const now = new Date(2026, 10, 21, 23, 30)
    expect(todayIso(now)).toBe('2026-11-21')
  })
})
