// English and French. The browser's language decides at first, the language menu after that.
// Each feature keeps its own messages next to its code: `const t = useMessages(messages)`.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'

export const LOCALES = ['en', 'fr'] as const
export type Locale = (typeof LOCALES)[number]
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', fr: 'Français' }

type Vars = Record<string, string | number>
type Message = string | ((vars: Vars) => string)
export type Messages<K extends string> = { en: Record<K, Message>; fr: Record<K, Message> }

/** Declare a feature's messages; French must have every English key (checked by the compiler). */
export function defineMessages<K extends string>(m: { en: Record<K, Message>; fr: Record<NoInfer<K>, Message> }): Messages<K> {
  return m
}

const STORAGE_KEY = 'remit.locale'

export function detectLocale(languages: readonly string[] = navigator.languages ?? [navigator.language]): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY)
    if (saved === 'en' || saved === 'fr') return saved
  } catch {
    // storage may be blocked (private mode, third-party frame): the browser language still applies
  }
  for (const tag of languages) {
    const base = tag.toLowerCase().split('-')[0]
    if (base === 'fr' || base === 'en') return base
  }
  return 'en'
}

interface I18n {
  locale: Locale
  /** The BCP 47 tag for Intl formatting: the browser's region when it speaks this language. */
  intlLocale: string
  setLocale: (locale: Locale) => void
}

const I18nContext = createContext<I18n | null>(null)

/** The BCP 47 tag for Intl formatting in this language: the browser's own tag for it when it has one. */
export function intlTag(locale: Locale): string {
  const match = (navigator.languages ?? []).find((tag) => tag.toLowerCase().startsWith(locale))
  return match ?? (locale === 'fr' ? 'fr-CA' : 'en-US')
}

export function I18nProvider({ children, initial }: { children: ReactNode; initial?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(() => initial ?? detectLocale())
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

export function translate<K extends string>(messages: Messages<K>, locale: Locale, key: K, vars: Vars = {}): string {
  const message = messages[locale][key] ?? messages.en[key]
  if (typeof message === 'function') return message(vars)
  return message.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole))
}

export function useMessages<K extends string>(messages: Messages<K>): Translate<K> {
  const { locale } = useI18n()
  return useCallback((key: K, vars?: Vars) => translate(messages, locale, key, vars), [messages, locale])
}
