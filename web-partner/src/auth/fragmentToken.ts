// Emailed links carry their single-use token in the fragment (`/dashboard/reset-password#token=…`), which browsers
// never send to a server. The page reads it once and removes it from the address bar (history, bookmarks,
// screenshots), as the portal does.

/** The `token` in a fragment such as `#token=abc`, or null. */
export function tokenFromHash(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token')?.trim()
  return token && token.length >= 10 && token.length <= 200 ? token : null
}

/** Read the token from the address bar and remove it from there. */
export function takeFragmentToken(win: Pick<Window, 'location' | 'history'> = window): string | null {
  const token = tokenFromHash(win.location.hash)
  if (win.location.hash) win.history.replaceState(win.history.state, '', win.location.pathname + win.location.search)
  return token
}
