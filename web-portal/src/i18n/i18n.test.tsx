import { afterEach, describe, expect, it } from 'vitest'
import { common } from './common'
import { defineMessages, detectLocale, translate } from './i18n'

afterEach(() => localStorage.clear())

describe('detectLocale', () => {
  it('follows the browser language, French or English, region ignored', () => {
    expect(detectLocale(['fr-CA', 'en-US'])).toBe('fr')
    expect(detectLocale(['en-GB'])).toBe('en')
    expect(detectLocale(['de-DE', 'fr-FR'])).toBe('fr')
  })
  it('falls back to English for languages we do not have', () => {
    expect(detectLocale(['de-DE', 'es'])).toBe('en')
    expect(detectLocale([])).toBe('en')
  })
  it('prefers the language the person chose before', () => {
    localStorage.setItem('remit.locale', 'fr')
    expect(detectLocale(['en-US'])).toBe('fr')
  })
})

describe('translate', () => {
  const messages = defineMessages({
    en: { hello: 'Hello {name}', count: (v) => (v.n === 1 ? 'one invoice' : `${v.n} invoices`) },
    fr: { hello: 'Bonjour {name}', count: (v) => (v.n === 1 ? 'une facture' : `${v.n} factures`) },
  })
  it('interpolates and picks plural forms per language', () => {
    expect(translate(messages, 'fr', 'hello', { name: 'Ana' })).toBe('Bonjour Ana')
    expect(translate(messages, 'en', 'count', { n: 1 })).toBe('one invoice')
    expect(translate(messages, 'fr', 'count', { n: 3 })).toBe('3 factures')
  })
  it('leaves an unknown placeholder visible rather than inventing a value', () => {
    expect(translate(messages, 'en', 'hello')).toBe('Hello {name}')
  })
  it('has every shared message in French, and not just copied from English', () => {
    const en = Object.keys(common.en)
    expect(Object.keys(common.fr).sort()).toEqual([...en].sort())
    const same = en.filter((k) => typeof common.en[k as keyof typeof common.en] === 'string' && common.en[k as keyof typeof common.en] === common.fr[k as keyof typeof common.fr])
    expect(same.filter((k) => !['navNotifications'].includes(k))).toEqual([])
  })
})
