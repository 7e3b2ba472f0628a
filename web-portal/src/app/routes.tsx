// The route table. Each feature owns its own list (auth/, invoices/, pay/); this file only places them.
import { Navigate, type RouteObject } from 'react-router'
import { authRoutes, securityRoutes } from '../auth/routes'
import { common } from '../i18n/common'
import { useMessages } from '../i18n/i18n'
import { invoiceRoutes } from '../invoices/routes'
import { guestRoutes, payRoutes } from '../pay/routes'
import { PartnerLayout } from '../shell/PartnerLayout'
import { BareLayout, RequireSession, Shell } from '../shell/Shell'
import { usePortalPath } from '../shell/paths'
import { useMe } from '../api/queries/me'
import { ErrorState, Loading, Page } from '../ui/ui'

function Home() {
  const me = useMe()
  const to = usePortalPath()
  if (me.isPending) return <Loading />
  if (me.isError) return <ErrorState error={me.error} onRetry={() => me.refetch()} />
  return <Navigate replace to={to(me.data ? 'invoices' : 'sign-in')} />
}

export function NotFound() {
  const t = useMessages(common)
  return (
    <Page title={t('notFoundTitle')}>
      <p>{t('notFoundBody')}</p>
    </Page>
  )
}

export const routes: RouteObject[] = [
  {
    path: '/pay/:slug',
    Component: PartnerLayout,
    children: [
      { index: true, Component: Home },
      { Component: BareLayout, children: [...authRoutes, ...guestRoutes] },
      {
        Component: RequireSession,
        children: [{ Component: Shell, children: [...invoiceRoutes, ...payRoutes, ...securityRoutes, { path: '*', Component: NotFound }] }],
      },
    ],
  },
  { path: '*', element: <main id="main" className="bare-main"><NotFound /></main> },
]
