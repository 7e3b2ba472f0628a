import { describe, expect, it, vi } from 'vitest'
import { stripFragment, takeFragmentToken, tokenFromHash } from './fragmentToken'

function fakeWindow(href: string) {
  const url = new URL(href)
  const location = { pathname: url.pathname, search: url.search, hash: url.hash }
  const history = {
    state: { idx: 3 },
    replaceState: vi.fn((_state: unknown, _title: string, to: string) => {
      const next = new URL(to, url)
      location.pathname = next.pathname
      location.search = next.search
      location.hash = next.hash
    }),
  }
  return { location, history } as unknown as Window & { history: { replaceState: ReturnType<typeof vi.fn> } }
}

const TOKEN = 'AbC-123_xyzAbC-123_xyzAbC-123_xyz0123456789a'

describe('tokenFromHash', () => {
  it('reads the token, with or without the #, beside other parameters', () => {
    expect(tokenFromHash(`#token=${TOKEN}`)).toBe(TOKEN)
    expect(tokenFromHash(`token=${TOKEN}`)).toBe(TOKEN)
    expect(tokenFromHash(`#lang=fr&token=${TOKEN}`)).toBe(TOKEN)
  })

  it('is null when there is none, or it cannot be one', () => {
    expect(tokenFromHash('')).toBeNull()
    expect(tokenFromHash('#')).toBeNull()
    expect(tokenFromHash('#token=')).toBeNull()
    expect(tokenFromHash('#token=short')).toBeNull()
    expect(tokenFromHash(`#token=${'a'.repeat(201)}`)).toBeNull()
    expect(tokenFromHash(`#other=${TOKEN}`)).toBeNull()
  })
})

describe('takeFragmentToken', () => {
  it('returns the token and removes the fragment from the address, keeping path, query and history state', () => {
    const win = fakeWindow(`https://portal.example/pay/acme/reset-password?lang=fr#token=${TOKEN}`)
    expect(takeFragmentToken(win)).toBe(TOKEN)
    expect(win.history.replaceState).toHaveBeenCalledWith({ idx: 3 }, '', '/pay/acme/reset-password?lang=fr')
    expect(win.location.hash).toBe('')
    // Read once: a second look finds nothing.
    expect(takeFragmentToken(win)).toBeNull()
  })

  it('leaves an address without a fragment alone', () => {
    const win = fakeWindow('https://portal.example/pay/acme/activate')
    expect(takeFragmentToken(win)).toBeNull()
    expect(win.history.replaceState).not.toHaveBeenCalled()
  })

  it('removes a fragment without a token too', () => {
    const win = fakeWindow('https://portal.example/pay/acme/activate#nothing')
    stripFragment(win)
    expect(win.history.replaceState).toHaveBeenCalledWith({ idx: 3 }, '', '/pay/acme/activate')
  })

  it('works on the real window', () => {
    window.history.replaceState(null, '', `/pay/acme/sign-in/link#token=${TOKEN}`)
    expect(takeFragmentToken()).toBe(TOKEN)
    expect(window.location.pathname).toBe('/pay/acme/sign-in/link')
    expect(window.location.hash).toBe('')
  })
})
