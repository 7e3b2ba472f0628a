import { describe, expect, it } from 'vitest'
import { takeFragmentToken, tokenFromHash } from './fragmentToken'
import { HOME, safeNext, signInPath } from './next'

describe('emailed links', () => {
  it('reads the token from the fragment and removes it from the address bar', () => {
    const replaced: string[] = []
    const win = {
      location: { hash: '#token=abcdefghijkl', pathname: '/dashboard/reset-password', search: '' },
      history: { state: null, replaceState: (_s: unknown, _t: string, url: string) => replaced.push(url) },
    } as unknown as Window
    expect(takeFragmentToken(win)).toBe('abcdefghijkl')
    expect(replaced).toEqual(['/dashboard/reset-password'])
  })
  it('refuses what cannot be a token', () => {
    expect(tokenFromHash('')).toBeNull()
    expect(tokenFromHash('#token=short')).toBeNull()
    expect(tokenFromHash(`#token=${'x'.repeat(201)}`)).toBeNull()
  })
})

describe('where to go after signing in', () => {
  it('goes back to a dashboard page, never elsewhere', () => {
    expect(safeNext('/dashboard/customers?tag=vip')).toBe('/dashboard/customers?tag=vip')
    expect(safeNext('https://evil.example/dashboard')).toBe(HOME)
    expect(safeNext('//evil.example/dashboard')).toBe(HOME)
    expect(safeNext('/pay/acme')).toBe(HOME)
    expect(safeNext('/dashboard/sign-in/mfa')).toBe(HOME)
    expect(safeNext('/dashboard-assets/x.js')).toBe(HOME)
    expect(safeNext(null)).toBe(HOME)
  })
  it('keeps the page asked for in the sign-in address', () => {
    expect(signInPath('/dashboard')).toBe('/dashboard/sign-in')
    expect(signInPath('/dashboard/customers?tag=vip')).toBe('/dashboard/sign-in?next=%2Fdashboard%2Fcustomers%3Ftag%3Dvip')
  })
})
