import { useCallback } from 'react'
import { problemMessage } from '@shared/problemMessage'
import { common } from '../i18n/common'
import { useMessages } from '../i18n/i18n'

/**
 * A sentence for a person from any failure (rules shared with the dashboard: web-shared/src/problemMessage.ts).
 * Known codes (and decline codes) get our own wording in their language; otherwise the API's `detail`.
 */
export function useProblemMessage(): (error: unknown) => string {
  const t = useMessages(common)
  return useCallback(
    (error: unknown) =>
      problemMessage(error, (key, vars) => (key in common.en ? t(key as keyof typeof common.en, vars) : undefined)),
    [t],
  )
}
