// Controls a role may not use are disabled, with the reason beside them and read with them.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Me } from '../api/me'
import { I18nProvider, type Locale } from '../i18n/i18n'
import type { Permission } from '../lib/roles'
import { useCan } from '../lib/useCan'
import { Button } from './ui'

function me(role: Me['role']): Me {
  return {
    object: 'partner_user',
    id: 'pu_1',
    email: 'dana@northwind.example',
    name: 'Dana',
    mfa_enabled: false,
    session_state: 'active',
    memberships: [],
    current_partner_id: 'ptn_1',
    role,
    csrf_token: 'csrf',
  }
}

function Gated({ permission }: { permission: Permission }) {
  const { reason } = useCan(permission)
  return <Button blockedReason={reason}>Invite</Button>
}

function renderAs(role: Me['role'], permission: Permission, locale: Locale = 'en') {
  const client = new QueryClient()
  client.setQueryData(['me'], { kind: 'signed_in', me: me(role) })
  return render(
    <I18nProvider initial={locale}>
      <QueryClientProvider client={client}>
        <Gated permission={permission} />
      </QueryClientProvider>
    </I18nProvider>,
  )
}

describe('role-aware controls', () => {
  it('disables a control the role may not use and says why', () => {
    renderAs('read_only', 'team')
    const button = screen.getByRole('button', { name: 'Invite' })
    expect(button).toHaveProperty('disabled', true)
    expect(button.getAttribute('aria-describedby')).toBeTruthy()
    const reason = document.getElementById(button.getAttribute('aria-describedby')!)
    expect(reason?.textContent).toBe('Your role (Read-only) cannot do this. Ask an admin of this team.')
  })
  it('says it in French', () => {
    renderAs('member', 'team', 'fr')
    expect(screen.getByText('Votre rôle (Membre) ne permet pas de faire ceci. Demandez à un administrateur de l’équipe.')).toBeTruthy()
  })
  it('leaves it on for a role that may use it', () => {
    renderAs('admin', 'team')
    const button = screen.getByRole('button', { name: 'Invite' })
    expect(button).toHaveProperty('disabled', false)
    expect(button.getAttribute('aria-describedby')).toBeNull()
  })
})
