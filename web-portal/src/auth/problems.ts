// Friendly sentences for the sign-in and account problem codes (in both languages), falling back to the shared
// table (`useProblemMessage`) for everything else.
import { useCallback } from 'react'
import { asProblem } from '../api/problem'
import { useProblemMessage } from '../api/problemMessage'
import { common } from '../i18n/common'
import { type Messages, useMessages } from '../i18n/i18n'

/** How long to wait, in words ("2 minutes", "45 secondes"), from a number of seconds. */
export function useWaitWords(): (seconds: number | null) => string {
  const t = useMessages(common)
  return useCallback(
    (seconds) =>
      !seconds ? t('minutes', { n: 1 }) : seconds >= 90 ? t('minutes', { n: Math.ceil(seconds / 60) }) : t('seconds', { n: seconds }),
    [t],
  )
}

/** `(error) => sentence`, where `messages` may carry `problem.<code>` keys of its own. */
export function useProblemWith<K extends string>(messages: Messages<K>): (error: unknown) => string {
  const t = useMessages(messages)
  const fallback = useProblemMessage()
  const wait = useWaitWords()
  return useCallback(
    (error: unknown) => {
      const problem = asProblem(error)
      const key = `problem.${problem.code}`
      if (key in messages.en) return t(key as K, { wait: wait(problem.retryAfter) })
      return fallback(error)
    },
    [messages, t, fallback, wait],
  )
}
