// Shared by the portal (web-portal) and the dashboard (web-partner): English and French messages, declared beside
// each feature's code, and the language to start in. Each app wraps this in its own React provider.

export const LOCALES = ['en', 'fr'] as const
export type Locale = (typeof LOCALES)[number]
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', fr: 'Français' }

export type Vars = Record<string, string | number>
type Message = string | ((vars: Vars) => string)
export type Messages<K extends string> = { en: Record<K, Message>; fr: Record<K, Message> }

/** Declare a feature's messages; French must have every English key (checked by the compiler). */
export function defineMessages<K extends string>(m: { en: Record<K, Message>; fr: Record<NoInfer<K>, Message> }): Messages<K> {
  return m
}

/** A language remembered in `storageKey`, else the browser's first English or French, else English. */
export function detectLocale(storageKey: string, languages: readonly string[] = navigator.languages ?? [navigator.language]): Locale {
  try {
    const saved = localStorage.getItem(storageKey)
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

/** The BCP 47 tag for Intl formatting in this language: the browser's own tag for it when it has one. */
export function intlTag(locale: Locale): string {
  const match = (navigator.languages ?? []).find((tag) => tag.toLowerCase().startsWith(locale))
  return match ?? (locale === 'fr' ? 'fr-CA' : 'en-US')
}

export function translate<K extends string>(messages: Messages<K>, locale: Locale, key: K, vars: Vars = {}): string {
  const message = messages[locale][key] ?? messages.en[key]
  if (typeof message === 'function') return message(vars)
  return message.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole))
}
