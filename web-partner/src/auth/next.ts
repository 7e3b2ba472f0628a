// Where to go after signing in: the page asked for (`?next=/dashboard/customers?q=x`), only ever inside the
// dashboard, else Home.
export const HOME = '/dashboard'

export function safeNext(next: string | null | undefined): string {
  if (!next || !/^\/dashboard(?:[/?#]|$)/.test(next)) return HOME
  if (/^\/dashboard\/(sign-in|sign-up|forgot-password|reset-password|accept-invitation)/.test(next)) return HOME
  return next
}

export function signInPath(current: string): string {
  return current === HOME || current === `${HOME}/` ? `${HOME}/sign-in` : `${HOME}/sign-in?next=${encodeURIComponent(current)}`
}
