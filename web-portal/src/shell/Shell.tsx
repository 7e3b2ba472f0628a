// The signed-in frame: partner header, navigation, account switcher, impersonation banner, support footer.
import { useMutation } from '@tanstack/react-query'
import { useEffect, useId, useState, type ReactNode } from 'react'
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router'
import { api, unwrap } from '../api/client'
import { useMe, useRefreshSession } from '../api/queries/me'
import { common } from '../i18n/common'
import { useMessages } from '../i18n/i18n'
import { ErrorState, ProblemAlert } from '../ui/ui'
import { FirstPaint } from './FirstPaint'
import { LanguageSwitch } from './LanguageSwitch'
import { shellMessages } from './messages'
import { useBranding } from './PartnerLayout'
import { usePortalPath } from './paths'

export function PartnerMark() {
  const branding = useBranding()
  return (
    <span className="partner-mark">
      {branding.logo_url && <img src={branding.logo_url} alt="" className="partner-logo" />}
      <span className="partner-name">{branding.name}</span>
    </span>
  )
}

/** "Questions? Contact Northwind IT at billing@… · +1 …": whatever contact the partner's branding gives (the API
 * falls back to its sender address); nothing at all when it gives none. */
export function SupportFooter() {
  const branding = useBranding()
  const t = useMessages(common)
  const ts = useMessages(shellMessages)
  const email = branding.support_email?.trim() || null
  const phone = branding.support_phone?.trim() || null
  const url = branding.support_url?.trim() || null
  const contacts = [
    email && (
      <a key="email" href={`mailto:${email}`}>
        {email}
      </a>
    ),
    phone && (
      <a key="phone" href={`tel:${phone.replace(/[^\d+]/g, '')}`}>
        {phone}
      </a>
    ),
    url && (
      <a key="url" href={url} rel="noopener noreferrer" target="_blank">
        {url.replace(/^https?:\/\//, '')}
      </a>
    ),
  ].filter(Boolean)
  return (
    <footer className="site-footer">
      {branding.help_text && <p className="help-text">{branding.help_text}</p>}
      {contacts.length > 0 && (
        <p className="support-line" data-testid="support-line">
          {ts('support', { name: branding.name })}{' '}
          {contacts.map((link, i) => (
            <span key={i}>
              {i > 0 && ' · '}
              {link}
            </span>
          ))}
        </p>
      )}
      <p className="powered-by">{t('poweredBy')}</p>
    </footer>
  )
}

/** Sign-in, links and guest pages: the partner's mark above one centred card. */
export function BareLayout({ children }: { children?: ReactNode }) {
  const t = useMessages(common)
  return (
    <div className="bare-layout">
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="bare-header">
        <PartnerMark />
        <LanguageSwitch />
      </header>
      <main id="main" className="bare-main">
        {children ?? <Outlet />}
      </main>
      <SupportFooter />
    </div>
  )
}

/** Sends anyone not fully signed in to the step they are at (sign-in, MFA, or awaiting approval). */
export function RequireSession({ children }: { children?: ReactNode }) {
  const me = useMe()
  const to = usePortalPath()
  const location = useLocation()
  if (me.isPending) return <FirstPaint />
  if (me.isError) return <ErrorState error={me.error} onRetry={() => me.refetch()} />
  const next = encodeURIComponent(location.pathname + location.search)
  if (!me.data) return <Navigate replace to={`${to('sign-in')}?next=${next}`} />
  if (me.data.state === 'mfa_pending') return <Navigate replace to={`${to('sign-in/mfa')}?next=${next}`} />
  if (me.data.state === 'no_access') return <Navigate replace to={to(me.data.access_request ? 'awaiting-approval' : 'request-access')} />
  return <>{children ?? <Outlet />}</>
}

function AccountSwitcher() {
  const { data: me } = useMe()
  const t = useMessages(common)
  const id = useId()
  const refresh = useRefreshSession()
  const navigate = useNavigate()
  const to = usePortalPath()
  const change = useMutation({
    mutationFn: (customerId: string) => unwrap(api.POST('/portal/v1/me/account', { body: { customer_id: customerId } })),
    onSuccess: async () => {
      await refresh()
      navigate(to('invoices'))
    },
  })
  if (!me || me.accounts.length < 2) return null
  return (
    <div className="account-switcher">
      <label htmlFor={id}>{t('switchAccount')}</label>
      <select
        id={id}
        value={me.customer_id ?? ''}
        disabled={change.isPending}
        onChange={(e) => change.mutate(e.target.value)}
      >
        {me.accounts.map((a) => (
          <option key={a.customer_id} value={a.customer_id}>
            {a.name}
          </option>
        ))}
      </select>
      <ProblemAlert error={change.error} />
    </div>
  )
}

function SignOut() {
  const t = useMessages(common)
  const refresh = useRefreshSession()
  const navigate = useNavigate()
  const to = usePortalPath()
  const out = useMutation({
    mutationFn: () => unwrap(api.POST('/portal/v1/sign-out')),
    onSettled: async () => {
      await refresh()
      navigate(to('sign-in'), { replace: true })
    },
  })
  return (
    <button type="button" className="btn btn-link sign-out" onClick={() => out.mutate()} disabled={out.isPending}>
      {t('signOut')}
    </button>
  )
}

export function ImpersonationBanner() {
  const { data: me } = useMe()
  const branding = useBranding()
  const t = useMessages(common)
  const account = me?.accounts.find((a) => a.customer_id === me.customer_id)
  if (!me?.impersonated) return null
  return (
    <div className="impersonation-banner" role="status">
      {t('impersonating', { partner: branding.name, customer: account?.name ?? '' })}
    </div>
  )
}

function MenuButton({ menuId, open, onToggle }: { menuId: string; open: boolean; onToggle: () => void }) {
  const t = useMessages(shellMessages)
  return (
    <button
      type="button"
      id={`${menuId}-button`}
      className="menu-button"
      aria-expanded={open}
      aria-controls={menuId}
      onClick={onToggle}
    >
      <span className="menu-icon" aria-hidden="true" />
      {t('menu')}
    </button>
  )
}

export function Shell() {
  const t = useMessages(common)
  const to = usePortalPath()
  const menuId = useId()
  const [menuOpen, setMenuOpen] = useState(false)
  const { pathname } = useLocation()
  useEffect(() => setMenuOpen(false), [pathname]) // a chosen page closes the phone's menu
  const { data: me } = useMe()
  const account = me?.accounts.find((a) => a.customer_id === me.customer_id)
  const manageTeam = account?.permissions.includes('manage_team') ?? false
  const links: [string, string][] = [
    ['invoices', t('navInvoices')],
    ['payments', t('navPayments')],
    ['scheduled', t('navScheduled')],
    ['methods', t('navMethods')],
    ...(manageTeam ? ([['team', t('navTeam')]] as [string, string][]) : []),
    ['notifications', t('navNotifications')],
    ['security', t('navSecurity')],
  ]
  return (
    <div className="app-layout">
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <ImpersonationBanner />
      <header className="site-header">
        <div className="site-header-inner">
          <div className="site-header-top">
            <PartnerMark />
            <MenuButton menuId={menuId} open={menuOpen} onToggle={() => setMenuOpen((o) => !o)} />
          </div>
          {/* One menu: a row of tabs and tools on a wide screen, a panel behind the menu button on a phone. */}
          <div
            id={menuId}
            className={menuOpen ? 'site-menu open' : 'site-menu'}
            onKeyDown={(e) => {
              if (e.key !== 'Escape' || !menuOpen) return
              setMenuOpen(false)
              document.getElementById(`${menuId}-button`)?.focus()
            }}
          >
            <nav aria-label={t('mainNav')} className="main-nav">
              <ul>
                {links.map(([path, label]) => (
                  <li key={path}>
                    <NavLink to={to(path)}>{label}</NavLink>
                  </li>
                ))}
              </ul>
            </nav>
            <div className="header-tools">
              {account && <span className="account-name">{account.name}</span>}
              <AccountSwitcher />
              <LanguageSwitch />
              <SignOut />
            </div>
          </div>
        </div>
      </header>
      <main id="main" className="app-main">
        <Outlet />
      </main>
      <SupportFooter />
    </div>
  )
}
