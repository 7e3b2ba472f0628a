// The route table. Each feature owns its own list (auth/, invoices/, pay/); this file only places them.
import { useEffect } from 'react'
import { isRouteErrorResponse, Link, Navigate, type RouteObject, useParams, useRouteError } from 'react-router'
import { authRoutes, securityRoutes } from '../auth/routes'
import { common } from '../i18n/common'
import { useMessages } from '../i18n/i18n'
import { invoiceRoutes } from '../invoices/routes'
import { guestRoutes, payRoutes } from '../pay/routes'
import { PartnerLayout } from '../shell/PartnerLayout'
import { BareLayout, RequireSession, Shell } from '../shell/Shell'
import { FirstPaint } from '../shell/FirstPaint'
import { usePortalPath } from '../shell/paths'
import { useMe } from '../api/queries/me'
import { Button, ErrorState, Page } from '../ui/ui'

function Home() {
  const me = useMe()
  const to = usePortalPath()
  if (me.isPending) return <FirstPaint />
  if (me.isError) return <ErrorState error={me.error} onRetry={() => me.refetch()} />
  return <Navigate replace to={to(me.data ? 'invoices' : 'sign-in')} />
}

export function NotFound() {
  const t = useMessages(common)
  const { slug } = useParams()
  return (
    <Page title={t('notFoundTitle')}>
      <p>{t('notFoundBody')}</p>
      {/* A link, not a button: it can be opened in a new tab, and it says where it goes. */}
      {slug && (
        <p>
          <Link to={`/pay/${encodeURIComponent(slug)}/invoices`}>← {t('goToInvoices')}</Link>
        </p>
      )}
    </Page>
  )
}

const RELOADED_AT = 'remit.reloaded-for-new-version'

/** A page's code could not be loaded: usually a new version was deployed while this tab was open. */
function isStaleChunk(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error)
  return /dynamically imported module|Importing a module script failed|error loading dynamically imported/i.test(message)
}

function RouteError() {
  const error = useRouteError()
  const t = useMessages(common)
  const stale = isStaleChunk(error)
  useEffect(() => {
    if (!stale) return
    // Reload once to pick up the new version; a second failure within a minute shows the page below instead.
    const last = Number(sessionStorage.getItem(RELOADED_AT) ?? 0)
    if (Date.now() - last > 60_000) {
      sessionStorage.setItem(RELOADED_AT, String(Date.now()))
      window.location.reload()
    }
  }, [stale])
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <main id="main" className="bare-main">
        <NotFound />
      </main>
    )
  }
  return (
    <main id="main" className="bare-main">
      <Page title={t(stale ? 'newVersionTitle' : 'crashTitle')}>
        <p>{t(stale ? 'newVersionBody' : 'crashBody')}</p>
        <Button onClick={() => window.location.reload()}>{t('reload')}</Button>
      </Page>
    </main>
  )
}

export const routes: RouteObject[] = [
  {
    path: '/pay/:slug',
    Component: PartnerLayout,
    ErrorBoundary: RouteError,
    HydrateFallback: FirstPaint,
    children: [
      { index: true, Component: Home },
      { Component: BareLayout, children: [...authRoutes, ...guestRoutes] },
      {
        Component: RequireSession,
        children: [{ Component: Shell, children: [...invoiceRoutes, ...payRoutes, ...securityRoutes, { path: '*', Component: NotFound }] }],
      },
    ],
  },
  { path: '*', ErrorBoundary: RouteError, element: <main id="main" className="bare-main"><NotFound /></main> },
]
