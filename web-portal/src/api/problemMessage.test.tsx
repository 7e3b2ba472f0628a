import { renderHook } from '@testing-library/react'
import type { ReactNode } from 'react'
import { describe, expect, it } from 'vitest'
import { I18nProvider, type Locale } from '../i18n/i18n'
import { Problem } from './problem'
import { useProblemMessage } from './problemMessage'

function messageFor(error: unknown, locale: Locale = 'en'): string {
  const wrapper = ({ children }: { children: ReactNode }) => <I18nProvider initial={locale}>{children}</I18nProvider>
  const { result } = renderHook(() => useProblemMessage(), { wrapper })
  return result.current(error)
}

describe('useProblemMessage', () => {
  it('explains a declined card by its decline code, in the person’s language', () => {
    const declined = new Problem(402, { code: 'card_declined', decline_code: 'insufficient_funds', detail: 'x' })
    expect(messageFor(declined)).toMatch(/insufficient funds/)
    expect(messageFor(declined, 'fr')).toMatch(/Fonds insuffisants/)
  })
  it('says how long to wait when rate limited', () => {
    const headers = new Headers({ 'Retry-After': '120' })
    const limited = new Problem(429, { code: 'too_many_attempts' }, new Response(null, { status: 429, headers }))
    expect(messageFor(limited)).toBe('Too many attempts. Please wait 2 minutes and try again.')
  })
  it('uses the API’s own sentence for a problem we have no wording for', () => {
    expect(messageFor(new Problem(409, { code: 'invoice_void', detail: 'This invoice was voided.' }))).toBe('This invoice was voided.')
  })
  it('never shows a server error’s internals', () => {
    expect(messageFor(new Problem(500, { code: 'boom', detail: 'Traceback …' }))).toMatch(/on our side/)
    expect(messageFor(new Error('socket'))).toMatch(/Something went wrong/)
    expect(messageFor(Problem.offline(), 'fr')).toMatch(/Impossible de joindre/)
  })
})
