// The formatting and problem rules shared with the portal (web-shared/src), as the dashboard uses them.
import { describe, expect, it } from 'vitest'
import { formatDate } from '@shared/dates'
import { formatMoney, toDecimalString } from '@shared/money'
import { Problem } from '@shared/problem'
import { problemMessage } from '@shared/problemMessage'
import { common } from '../i18n/common'
import { translate } from '../i18n/i18n'

const norm = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ')

describe('money', () => {
  it('formats minor units in the currency and the language', () => {
    expect(formatMoney(123456, 'USD', 'en-US')).toBe('$1,234.56')
    expect(norm(formatMoney(123456, 'CAD', 'fr-CA'))).toBe('1 234,56 $')
    expect(formatMoney(500, 'JPY', 'en-US')).toBe('¥500')
    expect(toDecimalString(-5, 'USD')).toBe('-0.05')
  })
})

describe('dates', () => {
  it('shows a calendar date as it is, in any time zone', () => {
    expect(formatDate('2026-12-01', 'en-US')).toBe('Dec 1, 2026')
    expect(formatDate('2026-12-01', 'fr-CA', 'long')).toBe('1 décembre 2026')
  })
})

describe('problem messages', () => {
  const say = (locale: 'en' | 'fr') => (key: string, vars?: Record<string, string | number>) =>
    key in common.en ? translate(common, locale, key as keyof typeof common.en, vars) : undefined

  it('names the permission a role lacks', () => {
    const refused = new Problem(403, { code: 'forbidden_for_role', detail: 'x', context: { permission: 'team' } })
    expect(problemMessage(refused, say('en'))).toBe(
      'Your role does not allow this (it needs the “team” permission). Ask an admin of this team.',
    )
    expect(problemMessage(refused, say('fr'))).toContain('« team »')
  })
  it('says how long to wait from Retry-After', () => {
    const limited = new Problem(429, { code: 'rate_limited' }, new Response(null, { headers: { 'Retry-After': '120' } }))
    expect(problemMessage(limited, say('en'))).toBe('Too many requests. Please wait 2 minutes and try again.')
  })
  it('falls back to the API’s detail, then to a generic sentence', () => {
    expect(problemMessage(new Problem(409, { code: 'something_new', detail: 'Explained.' }), say('en'))).toBe('Explained.')
    expect(problemMessage(new Problem(500, { code: 'boom', detail: 'trace' }), say('fr'))).toBe(
      'Une erreur s’est produite de notre côté ; rien n’a été modifié. Veuillez réessayer.',
    )
    expect(problemMessage(Problem.offline(), say('en'))).toContain('could not reach the server')
  })
})
