import { useId } from 'react'
import { common } from '../i18n/common'
import { LOCALES, LOCALE_NAMES, type Locale, useI18n, useMessages } from '../i18n/i18n'

export function LanguageSwitch() {
  const { locale, setLocale } = useI18n()
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
