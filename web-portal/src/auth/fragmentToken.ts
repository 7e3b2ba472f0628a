// Emailed links carry their single-use token in the address's fragment (`/pay/{slug}/reset-password#token=…`),
// which browsers never send to a server. The page reads it once and removes it from the address bar, so it is
// not left in the history, a bookmark or a screenshot.

/** The `token` in a fragment such as `#token=abc` (other parameters may sit beside it), or null. */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''))
  const token = params.get('token')?.trim()
  return token && token.length >= 10 && token.length <= 200 ? token : null
}

/** Replace the current history entry with the same address minus its fragment. */
export function stripFragment(win: Pick<Window, 'location' | 'history'> = window): void {
  if (!win.location.hash) return
  const { pathname, search } = win.location
  win.history.replaceState(win.history.state, '', pathname + search)
}

/** Read the token from the address bar and remove it from there. */
export function takeFragmentToken(win: Pick<Window, 'location' | 'history'> = window): string | null {
  const token = tokenFromHash(win.location.hash)
  stripFragment(win)
  return token
}
