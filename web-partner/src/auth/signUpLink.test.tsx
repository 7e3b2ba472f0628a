// The sign-in page links to sign-up only when the server takes sign-ups (GET /v1/auth/config).
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen } from '@testing-library/react'
import { MemoryRouter } from 'react-router'
import { describe, expect, it } from 'vitest'
import { I18nProvider } from '../i18n/i18n'
import { roleAllows } from '../lib/roles'
import SignInPage from './SignInPage'

function renderWith(signUpOpen: boolean) {
  const client = new QueryClient()
  client.setQueryData(['auth-config'], { object: 'auth_config', sign_up_open: signUpOpen })
  return render(
    <I18nProvider initial="en">
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={['/dashboard/sign-in']}>
          <SignInPage />
        </MemoryRouter>
      </QueryClientProvider>
    </I18nProvider>,
  )
}

describe('sign-up link', () => {
  it('is shown when sign-up is open', () => {
    renderWith(true)
    expect(screen.getByRole('link', { name: 'New to Remit? Open an account' })).toBeTruthy()
  })
  it('is absent when it is closed', () => {
    renderWith(false)
    expect(screen.queryByRole('link', { name: 'New to Remit? Open an account' })).toBeNull()
    expect(screen.getByRole('link', { name: /forgot/i })).toBeTruthy()
  })
})

describe('what the new screens gate', () => {
  it('gives members invoices and payments but not refunds, write-offs, approvals or access requests', () => {
    for (const p of ['invoices', 'payments'] as const) expect(roleAllows('member', p)).toBe(true)
    for (const p of ['refunds', 'write_offs', 'approvals', 'access_requests', 'disputes'] as const) expect(roleAllows('member', p)).toBe(false)
    for (const p of ['refunds', 'write_offs', 'approvals', 'access_requests', 'disputes'] as const) expect(roleAllows('sub_admin', p)).toBe(true)
    for (const p of ['invoices', 'payments', 'refunds', 'approvals'] as const) expect(roleAllows('read_only', p)).toBe(false)
  })
})
