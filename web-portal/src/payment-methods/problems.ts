// Problem sentences for paying and payment methods: this feature's own codes first (e.g. a closed bank account,
// which the shared table would call a declined card), then the shared table (`useProblemMessage`).
import { useCallback } from 'react'
import { asProblem } from '../api/problem'
import { useProblemMessage } from '../api/problemMessage'
import { type Messages, useMessages } from '../i18n/i18n'

export function useProblemText<K extends string>(
  messages: Messages<K>,
  vars?: Record<string, string | number>,
): (error: unknown) => string {
  const t = useMessages(messages)
  const fallback = useProblemMessage()
  return useCallback(
    (error: unknown) => {
      const problem = asProblem(error)
      for (const code of [problem.body.decline_code, problem.code]) {
        const key = `problem.${code}`
        if (code && key in messages.en) return t(key as K, vars)
      }
      return fallback(error)
    },
    // vars by value: callers pass a fresh object each render
    [messages, t, fallback, JSON.stringify(vars ?? {})],
  )
}
