// English and French (the tables' core is shared with the portal: web-shared/src/i18n.ts). The browser's language
// decides at first, the language menu after that; the choice is remembered in this browser.
// Each feature keeps its own messages next to its code: `const t = useMessages(messages)`.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import { type Locale, type Messages, type Vars, detectLocale, intlTag, translate } from '@shared/i18n'

export { LOCALES, LOCALE_NAMES, defineMessages, translate } from '@shared/i18n'
export type { Locale, Messages } from '@shared/i18n'

export const STORAGE_KEY = 'remit.dashboard.locale'

interface I18n {
  locale: Locale
  intlLocale: string
  setLocale: (locale: Locale) => void
}

const I18nContext = createContext<I18n | null>(null)

export function I18nProvider({ children, initial }: { children: ReactNode; initial?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(() => initial ?? detectLocale(STORAGE_KEY))
  useEffect(() => {
    document.documentElement.lang = locale
  }, [locale])
  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next)
    try {
      localStorage.setItem(STORAGE_KEY, next)
    } catch {
      // not remembered; the choice still holds for this page
    }
  }, [])
  const value = useMemo(() => ({ locale, intlLocale: intlTag(locale), setLocale }), [locale, setLocale])
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>
}

export function useI18n(): I18n {
  const value = useContext(I18nContext)
  if (!value) throw new Error('useI18n outside I18nProvider')
  return value
}

export type Translate<K extends string> = (key: K, vars?: Vars) => string

export function useMessages<K extends string>(messages: Messages<K>): Translate<K> {
  const { locale } = useI18n()
  return useCallback((key: K, vars?: Vars) => translate(messages, locale, key, vars), [messages, locale])
}
