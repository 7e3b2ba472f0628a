import { useId } from 'react'
import { common } from '../i18n/common'
import { LOCALE_NAMES, LOCALES, useI18n, useMessages, type Locale } from '../i18n/i18n'

/** English or French, remembered in this browser. */
export function LanguageSwitch() {
  const t = useMessages(common)
  const { locale, setLocale } = useI18n()
  const id = useId()
  return (
    <span className="language">
      <label htmlFor={id}>{t('language')}</label>{' '}
      <select id={id} value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
    </span>
  )
}
