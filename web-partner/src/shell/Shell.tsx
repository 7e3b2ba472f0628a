// The signed-in frame: who is signed in and in which team (with a switcher for people on several teams), the
// language, signing out, and the navigation. RequireSession sends everyone else to the right sign-in step.
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router'
import { api, setCsrfToken, unwrap } from '../api/client'
import { useMe, useSession, useSessionChanged } from '../api/me'
import { signInPath } from '../auth/next'
import { common } from '../i18n/common'
import { useMessages } from '../i18n/i18n'
import { Button, ErrorState, Loading, ProblemAlert } from '../ui/ui'
import { LanguageSwitch } from './LanguageSwitch'

export function RequireSession() {
  const session = useSession()
  const location = useLocation()
  if (session.isPending) return <Loading />
  if (session.isError) return <ErrorState error={session.error} onRetry={() => session.refetch()} />
  const here = location.pathname + location.search
  if (session.data.kind === 'none') return <Navigate replace to={signInPath(here)} />
  const next = `?next=${encodeURIComponent(here)}`
  if (session.data.kind === 'mfa_required') return <Navigate replace to={`/dashboard/sign-in/mfa${next}`} />
  if (session.data.me.session_state === 'mfa_enrolment_required') return <Navigate replace to={`/dashboard/set-up-mfa${next}`} />
  return <Outlet />
}

function PartnerSwitcher() {
  const t = useMessages(common)
  const me = useMe()
  const changed = useSessionChanged()
  const navigate = useNavigate()
  const id = useId()
  const [choice, setChoice] = useState(me.current_partner_id ?? '')
  const switching = useMutation({
    mutationFn: (partner_id: string) => unwrap(api.POST('/v1/me/partner', { body: { partner_id } })),
    onSuccess: async (answer) => {
      await changed(answer)
      navigate(answer.state === 'mfa_enrolment_required' ? '/dashboard/set-up-mfa' : '/dashboard')
    },
  })
  if (me.memberships.length < 2) return null
  return (
    <form
      className="switcher"
      onSubmit={(e) => {
        e.preventDefault()
        if (choice && choice !== me.current_partner_id) switching.mutate(choice)
      }}
    >
      <label htmlFor={id}>{t('switchPartner')}</label>{' '}
      <select id={id} value={choice} onChange={(e) => setChoice(e.target.value)}>
        {me.memberships.map((m) => (
          <option key={m.partner_id} value={m.partner_id}>
            {m.partner_name}
          </option>
        ))}
      </select>{' '}
      <Button type="submit" variant="secondary" busy={switching.isPending} disabled={choice === me.current_partner_id}>
        {t('switchTo')}
      </Button>
      <ProblemAlert error={switching.error} />
    </form>
  )
}

function SignOut() {
  const t = useMessages(common)
  const client = useQueryClient()
  const navigate = useNavigate()
  const signOut = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/auth/sign-out')),
    onSettled: () => {
      setCsrfToken(null)
      client.clear()
      client.setQueryData(['me'], { kind: 'none' })
      navigate('/dashboard/sign-in', { replace: true })
    },
  })
  return (
    <Button variant="secondary" busy={signOut.isPending} onClick={() => signOut.mutate()}>
      {t('signOut')}
    </Button>
  )
}

export function Shell() {
  const t = useMessages(common)
  const me = useMe()
  const current = me.memberships.find((m) => m.partner_id === me.current_partner_id)
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="topbar">
        <NavLink to="/dashboard" className="brand" end>
          {current?.partner_name ?? t('appName')}
        </NavLink>
        <div className="topbar-tools">
          <span className="who" data-testid="who-am-i">
            {t('signedInAs', { who: me.name ? `${me.name} (${me.email})` : me.email })}
            {me.role && <> · {t('yourRole', { role: t(`role.${me.role}`) })}</>}
          </span>
          <PartnerSwitcher />
          <LanguageSwitch />
          <SignOut />
        </div>
      </header>
      <nav className="sidenav" aria-label={t('mainNav')}>
        <ul>
          <li>
            <NavLink to="/dashboard" end>
              {t('navHome')}
            </NavLink>
          </li>
          <li>
            <NavLink to="/dashboard/customers">{t('navCustomers')}</NavLink>
          </li>
          <li>
            <NavLink to="/dashboard/invoices">{t('navInvoices')}</NavLink>
          </li>
          <li>
            <NavLink to="/dashboard/payments">{t('navPayments')}</NavLink>
          </li>
          <li>
            <NavLink to="/dashboard/disputes">{t('navDisputes')}</NavLink>
          </li>
          <li>
            <NavLink to="/dashboard/approvals">{t('navApprovals')}</NavLink>
          </li>
          <li>
            <NavLink to="/dashboard/access-requests">{t('navAccessRequests')}</NavLink>
          </li>
        </ul>
        <p className="nav-group" aria-hidden="true">
          {t('navSettings')}
        </p>
        <ul aria-label={t('navSettings')}>
          <li>
            <NavLink to="/dashboard/settings/team">{t('navTeam')}</NavLink>
          </li>
          <li>
            <NavLink to="/dashboard/settings/api-keys">{t('navApiKeys')}</NavLink>
          </li>
          <li>
            <NavLink to="/dashboard/settings/security">{t('navSecurity')}</NavLink>
          </li>
        </ul>
      </nav>
      <main id="main" className="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  )
}

/** The frame of the sign-in pages: the product's name, the language, one column. */
export function BareLayout() {
  const t = useMessages(common)
  return (
    <div className="bare">
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="bare-header">
        <span className="brand">{t('appName')}</span>
        <LanguageSwitch />
      </header>
      <main id="main" className="bare-main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  )
}
