// Signed-in pages of this feature set, each its own chunk so the first screen (the invoice list) stays small.
import type { RouteObject } from 'react-router'
import { detectLocale, intlTag } from '../i18n/i18n'
import { warmDateFormat } from '../lib/dates'
import { prefetchFirstPage } from './firstPage'

/** Signed-in pages: invoices, payment history, scheduled payments, team, notifications. */
export const invoiceRoutes: RouteObject[] = [
  {
    path: 'invoices',
    lazy: async () => {
      prefetchFirstPage()
      const page = import('./InvoicesPage')
      // The main thread is idle while the page's code downloads: prepare the due dates' formatter meanwhile.
      setTimeout(() => warmDateFormat(intlTag(detectLocale())), 0)
      return { Component: (await page).InvoicesPage }
    },
  },
  {
    path: 'invoices/:invoiceId',
    lazy: async () => ({ Component: (await import('./InvoiceDetailPage')).InvoiceDetailPage }),
  },
  { path: 'payments', lazy: async () => ({ Component: (await import('../payments/PaymentsPage')).PaymentsPage }) },
  {
    path: 'payments/:paymentId',
    lazy: async () => ({ Component: (await import('../payments/PaymentDetailPage')).PaymentDetailPage }),
  },
  { path: 'scheduled', lazy: async () => ({ Component: (await import('../scheduled/ScheduledPage')).ScheduledPage }) },
  { path: 'team', lazy: async () => ({ Component: (await import('../team/TeamPage')).TeamPage }) },
  {
    path: 'notifications',
    lazy: async () => ({ Component: (await import('../reminders/NotificationsPage')).NotificationsPage }),
  },
]

