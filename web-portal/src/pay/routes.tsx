// Paying, the confirmation and saved methods (inside the signed-in shell), and guest checkout from a pay link
// (inside the bare layout). Each page is its own chunk so the first screen stays small.
import type { RouteObject } from 'react-router'

/** Signed-in pages: paying, confirmation, saved payment methods. */
export const payRoutes: RouteObject[] = [
  { path: 'pay', lazy: async () => ({ Component: (await import('./PayPage')).PayPage }) },
  { path: 'pay/done/:paymentId', lazy: async () => ({ Component: (await import('./DonePage')).DonePage }) },
  { path: 'methods', lazy: async () => ({ Component: (await import('../payment-methods/MethodsPage')).MethodsPage }) },
]

/** Guest checkout from a pay link (inside the bare layout). */
export const guestRoutes: RouteObject[] = [
  { path: 'invoice/:token', lazy: async () => ({ Component: (await import('../pay-links/GuestInvoicePage')).GuestInvoicePage }) },
]
