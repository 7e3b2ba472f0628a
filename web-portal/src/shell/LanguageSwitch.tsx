import { useId } from 'react'
import { common } from '../i18n/common'
import { LOCALES, LOCALE_NAMES, type Locale, useI18n, useMessages } from '../i18n/i18n'
import { useRememberedLanguage } from '../i18n/remember'

/** The language menu; a signed-in person's pick is remembered on their account (i18n/remember.ts). */
export function LanguageSwitch() {
  const { locale } = useI18n()
  const setLocale = useRememberedLanguage()
  const t = useMessages(common)
  const id = useId()
  return (
    <div className="language-switch">
      <label htmlFor={id} className="visually-hidden">
        {t('language')}
      </label>
      <select id={id} value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
    </div>
  )
}
