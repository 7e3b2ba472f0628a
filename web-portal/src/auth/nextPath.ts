// Where to go after signing in: `?next=` is honoured only for a page of this same portal, never another site.

/** Pages a person is sent away from once signed in; coming back to them would loop. */
const AUTH_PAGES = ['sign-in', 'forgot-password', 'reset-password', 'activate', 'impersonate', 'request-access', 'awaiting-approval']

/**
 * The path `next` names when it is a page of this portal (`/pay/{slug}/…`), resolved (no `..` tricks), else
 * null. Absolute URLs, protocol-relative `//host`, backslashes and control characters are refused.
 */
export function safeNext(next: string | null | undefined, slug: string): string | null {
  if (!next || next.length > 2000) return null
  // eslint-disable-next-line no-control-regex
  if (!next.startsWith('/') || next.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(next)) return null
  let url: URL
  try {
    url = new URL(next, 'https://portal.invalid')
  } catch {
    return null
  }
  if (url.origin !== 'https://portal.invalid') return null
  const prefix = `/pay/${encodeURIComponent(slug)}/`
  if (!url.pathname.startsWith(prefix)) return null
  const page = url.pathname.slice(prefix.length).split('/')[0]
  if (!page || AUTH_PAGES.includes(page)) return null
  return url.pathname + url.search + url.hash
}

/** `next` from the current address, for passing on to the next sign-in step. */
export function nextParam(search: string): string | null {
  return new URLSearchParams(search).get('next')
}

/** `?next=…` to add to a sign-in step's address, or '' when there is none. */
export function withNext(next: string | null): string {
  return next ? `?next=${encodeURIComponent(next)}` : ''
}
