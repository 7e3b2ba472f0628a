// Signed-in pages of this feature set, each its own chunk so the first screen (the invoice list) stays small.
import type { RouteObject } from 'react-router'
import { prefetchFirstPage } from './firstPage'

/** Signed-in pages: invoices, payment history, scheduled payments, team, notifications. */
export const invoiceRoutes: RouteObject[] = [
  {
    path: 'invoices',
    lazy: async () => {
      prefetchFirstPage()
      return { Component: (await import('./InvoicesPage')).InvoicesPage }
    },
  },
  {
    path: 'invoices/:invoiceId',
    lazy: async () => ({ Component: (await import('./InvoiceDetailPage')).InvoiceDetailPage }),
  },
  { path: 'payments', lazy: async () => ({ Component: (await import('../history/PaymentsPage')).PaymentsPage }) },
  {
    path: 'payments/:paymentId',
    lazy: async () => ({ Component: (await import('../history/PaymentDetailPage')).PaymentDetailPage }),
  },
  { path: 'scheduled', lazy: async () => ({ Component: (await import('../scheduled/ScheduledPage')).ScheduledPage }) },
  { path: 'team', lazy: async () => ({ Component: (await import('../team/TeamPage')).TeamPage }) },
  {
    path: 'notifications',
    lazy: async () => ({ Component: (await import('../notifications/NotificationsPage')).NotificationsPage }),
  },
]

