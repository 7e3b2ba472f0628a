// The route table, all under /dashboard (api/web_dashboard.py answers index.html for every path there). Every page
// is its own chunk, loaded when first visited.
import { useEffect } from 'react'
import { isRouteErrorResponse, Link, type RouteObject, useRouteError } from 'react-router'
import { BareLayout, RequireSession, Shell } from '../shell/Shell'
import { common } from '../i18n/common'
import { useMessages } from '../i18n/i18n'
import { Button, Loading, Page } from '../ui/ui'

const page = (load: () => Promise<{ default: React.ComponentType }>) => async () => ({ Component: (await load()).default })
const named =
  <K extends string>(load: () => Promise<Record<K, React.ComponentType>>, name: K) =>
  async () => ({ Component: (await load())[name] })

export function NotFound() {
  const t = useMessages(common)
  return (
    <Page title={t('notFoundTitle')}>
      <p>{t('notFoundBody')}</p>
      <p>
        <Link to="/dashboard">← {t('goHome')}</Link>
      </p>
    </Page>
  )
}

const RELOADED_AT = 'remit.dashboard.reloaded-for-new-version'

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

const links = () => import('../auth/LinkPages')

export const routes: RouteObject[] = [
  {
    path: '/dashboard',
    ErrorBoundary: RouteError,
    HydrateFallback: Loading,
    children: [
      {
        Component: BareLayout,
        children: [
          { path: 'sign-in', lazy: page(() => import('../auth/SignInPage')) },
          { path: 'sign-in/mfa', lazy: page(() => import('../auth/MfaPage')) },
          { path: 'set-up-mfa', lazy: page(() => import('../auth/EnrolMfaPage')) },
          { path: 'forgot-password', lazy: named(links, 'ForgotPasswordPage') },
          { path: 'reset-password', lazy: named(links, 'ResetPasswordPage') },
          { path: 'accept-invitation', lazy: named(links, 'AcceptInvitationPage') },
          { path: 'sign-up', lazy: page(() => import('../auth/SignUpPage')) },
        ],
      },
      {
        Component: RequireSession,
        children: [
          {
            Component: Shell,
            children: [
              { index: true, lazy: page(() => import('../home/HomePage')) },
              { path: 'customers', lazy: page(() => import('../customers/CustomersPage')) },
              { path: 'customers/:customerId', lazy: page(() => import('../customers/CustomerDetailPage')) },
              { path: 'invoices', lazy: page(() => import('../invoices/InvoicesPage')) },
              { path: 'invoices/new', lazy: page(() => import('../invoices/NewInvoicePage')) },
              { path: 'invoices/:invoiceId', lazy: page(() => import('../invoices/InvoiceDetailPage')) },
              { path: 'payments', lazy: page(() => import('../payments/PaymentsPage')) },
              { path: 'payments/:paymentId', lazy: page(() => import('../payments/PaymentDetailPage')) },
              { path: 'disputes', lazy: page(() => import('../disputes/DisputesPage')) },
              { path: 'access-requests', lazy: page(() => import('../access/AccessRequestsPage')) },
              { path: 'approvals', lazy: page(() => import('../approvals/ApprovalsPage')) },
              { path: 'settings/team', lazy: page(() => import('../settings/TeamPage')) },
              { path: 'settings/api-keys', lazy: page(() => import('../settings/ApiKeysPage')) },
              { path: 'settings/security', lazy: page(() => import('../settings/SecurityPage')) },
              { path: '*', Component: NotFound },
            ],
          },
        ],
      },
    ],
  },
  { path: '*', ErrorBoundary: RouteError, element: <main id="main" className="bare-main"><NotFound /></main> },
]
