// Shared by the portal (web-portal) and the dashboard (web-partner): which sentence a person reads for a failure.
// Each app has its own wording (its `problem.<code>` messages); the rules for choosing one are the same.
import { asProblem } from './problem'

/** Looks a message up in the app's own table: undefined when it has no such key. */
export type Say = (key: string, vars?: Record<string, string | number>) => string | undefined

/**
 * A sentence for a person from any failure: the app's own wording for the problem's code (a card's decline code
 * first), then one for its HTTP status (`problem.http_<status>`), then the API's `detail` (English, written for
 * people) for a 4xx, then a generic sentence. `{wait}` in a message is filled from Retry-After.
 */
export function problemMessage(error: unknown, say: Say): string {
  const problem = asProblem(error)
  const wait = problem.retryAfter
    ? problem.retryAfter >= 90
      ? say('minutes', { n: Math.ceil(problem.retryAfter / 60) })
      : say('seconds', { n: problem.retryAfter })
    : say('minutes', { n: 1 })
  const context = problem.body.context
  const permission =
    typeof context === 'object' && context !== null && 'permission' in context ? String(context.permission) : ''
  const vars = { wait: wait ?? '', permission }
  for (const code of [problem.body.decline_code, problem.code, `http_${problem.status}`]) {
    if (!code) continue
    const text = say(`problem.${code}`, vars)
    if (text !== undefined) return text
  }
  if (problem.body.detail && problem.status > 0 && problem.status < 500) return problem.body.detail
  return say(problem.status >= 500 ? 'problem.internal_error' : 'problem.unknown', vars) ?? problem.message
}
