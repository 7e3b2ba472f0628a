import { describe, expect, it } from 'vitest'
import { formatDate } from '../lib/dates'
import { formatDay } from './fastDates'

describe('formatDay', () => {
  it('says what formatDate says, for calendar dates and instants', () => {
    for (const locale of ['en-US', 'fr-CA', 'fr-FR']) {
      for (const value of ['2026-01-01', '2026-12-31', '2026-11-21T13:00:00Z']) {
        expect(formatDay(value, locale)).toBe(formatDate(value, locale))
      }
    }
  })
})
