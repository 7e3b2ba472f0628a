import { useCallback } from 'react'
import { common } from '../i18n/common'
import { useMessages } from '../i18n/i18n'
import { asProblem } from './problem'

/**
 * A sentence for a person from any failure. Known codes (and decline codes) get our own wording in their
 * language; otherwise the API's `detail` (English, written for people) is better than nothing.
 */
export function useProblemMessage(): (error: unknown) => string {
  const t = useMessages(common)
  return useCallback(
    (error: unknown) => {
      const problem = asProblem(error)
      const wait = problem.retryAfter
        ? problem.retryAfter >= 90
          ? t('minutes', { n: Math.ceil(problem.retryAfter / 60) })
          : t('seconds', { n: problem.retryAfter })
        : t('minutes', { n: 1 })
      for (const code of [problem.body.decline_code, problem.code]) {
        const key = `problem.${code}`
        if (code && key in common.en) return t(key as keyof typeof common.en, { wait })
      }
      if (problem.status === 402) return t('problem.card_declined')
      if (problem.body.detail && problem.status > 0 && problem.status < 500) return problem.body.detail
      return t(problem.status >= 500 ? 'problem.internal_error' : 'problem.unknown')
    },
    [t],
  )
}
