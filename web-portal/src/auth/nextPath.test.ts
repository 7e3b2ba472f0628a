import { describe, expect, it } from 'vitest'
import { nextParam, safeNext, withNext } from './nextPath'

describe('safeNext', () => {
  it('keeps pages of the same portal, with their query and fragment', () => {
    expect(safeNext('/pay/acme/invoices', 'acme')).toBe('/pay/acme/invoices')
    expect(safeNext('/pay/acme/invoices/inv_1?x=1#top', 'acme')).toBe('/pay/acme/invoices/inv_1?x=1#top')
    expect(safeNext('/pay/acme/pay?invoices=a,b', 'acme')).toBe('/pay/acme/pay?invoices=a,b')
  })

  it('refuses other sites, however they are spelled', () => {
    for (const next of [
      'https://evil.example/pay/acme/invoices',
      '//evil.example/pay/acme/invoices',
      '/\\evil.example/pay/acme/invoices',
      '\\\\evil.example',
      'javascript:alert(1)',
      ' /pay/acme/invoices',
      '/pay/acme/invoices\n//evil.example',
      '/pay/acme/\t/invoices',
      'pay/acme/invoices',
    ]) {
      expect(safeNext(next, 'acme'), next).toBeNull()
    }
  })

  it('refuses other portals and paths outside the portal, including by dot segments', () => {
    expect(safeNext('/pay/other/invoices', 'acme')).toBeNull()
    expect(safeNext('/pay/acme-evil/invoices', 'acme')).toBeNull()
    expect(safeNext('/pay/acme/../other/invoices', 'acme')).toBeNull()
    expect(safeNext('/pay/acme/%2e%2e/other/invoices', 'acme')).toBeNull()
    expect(safeNext('/v1/customers', 'acme')).toBeNull()
    expect(safeNext('/pay/acme', 'acme')).toBeNull()
    expect(safeNext('/pay/acme/', 'acme')).toBeNull()
  })

  it('does not send a signed-in person back to a sign-in page', () => {
    expect(safeNext('/pay/acme/sign-in', 'acme')).toBeNull()
    expect(safeNext('/pay/acme/sign-in/mfa', 'acme')).toBeNull()
    expect(safeNext('/pay/acme/reset-password', 'acme')).toBeNull()
  })

  it('treats nothing as nothing', () => {
    expect(safeNext(null, 'acme')).toBeNull()
    expect(safeNext(undefined, 'acme')).toBeNull()
    expect(safeNext('', 'acme')).toBeNull()
    expect(safeNext(`/pay/acme/${'a'.repeat(3000)}`, 'acme')).toBeNull()
  })
})

describe('next in the address', () => {
  it('reads and writes ?next=', () => {
    expect(nextParam('?next=%2Fpay%2Facme%2Fpayments')).toBe('/pay/acme/payments')
    expect(nextParam('')).toBeNull()
    expect(withNext('/pay/acme/payments?x=1')).toBe('?next=%2Fpay%2Facme%2Fpayments%3Fx%3D1')
    expect(withNext(null)).toBe('')
  })
})
