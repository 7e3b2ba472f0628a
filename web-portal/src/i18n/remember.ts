// The language a signed-in person chose is remembered on their portal user (PATCH /portal/v1/me), so it follows
// them to other browsers and decides the language of their emails. Once per page load and person:
// - a language picked before signing in (on the sign-in page) is saved;
// - else a stored language wins over the browser's (and over this browser's last choice);
// - else (first sign-in) the language detected from the browser is saved.
// A pick in the language menu while signed in is saved at once. The partner's read-only view saves nothing.
import { useQueryClient } from '@tanstack/react-query'
import { useCallback, useEffect } from 'react'
import { api } from '../api/client'
import { type Me, meKey, useMe } from '../api/queries/me'
import { type Locale, useI18n } from './i18n'

let settledFor: string | null = null // the person whose language this page load has settled
let pickedSignedOut: Locale | null = null // a pick made before anyone signed in

/** For tests: forget what this page load settled. */
export function resetRememberedLanguage(): void {
  settledFor = null
  pickedSignedOut = null
}

function canSave(me: Me | null | undefined): me is Me {
  return Boolean(me && me.state === 'active' && !me.impersonated)
}

async function save(language: Locale): Promise<Me | null> {
  try {
    const { data, response } = await api.PATCH('/portal/v1/me', { body: { language } })
    return response.ok && data ? data : null
  } catch {
    return null // offline: the choice holds in this browser and is saved at the next pick
  }
}

/** Keeps the portal's language and the signed-in person's stored one together; returns what the menu calls. */
export function useRememberedLanguage(): (next: Locale) => void {
  const { locale, setLocale } = useI18n()
  const { data: me } = useMe()
  const client = useQueryClient()

  const store = useCallback(
    (language: Locale) =>
      void save(language).then((updated) => {
        if (updated) client.setQueryData(meKey, updated)
      }),
    [client],
  )

  useEffect(() => {
    if (!canSave(me) || settledFor === me.email) return
    settledFor = me.email
    const picked = pickedSignedOut
    pickedSignedOut = null
    if (picked) {
      if (picked !== me.language) store(picked)
    } else if (me.language) {
      if (me.language !== locale) setLocale(me.language)
    } else {
      store(locale)
    }
  }, [me, locale, setLocale, store])

  return useCallback(
    (next: Locale) => {
      setLocale(next)
      if (!canSave(me)) {
        if (!me) pickedSignedOut = next
        return
      }
      settledFor = me.email
      if (me.language !== next) store(next)
    },
    [me, setLocale, store],
  )
}
