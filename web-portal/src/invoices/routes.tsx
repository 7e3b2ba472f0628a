import type { RouteObject } from 'react-router'

function InvoicesPlaceholder() {
  return <p>Invoices are being built.</p>
}

/** Signed-in pages: invoices, payment history, scheduled payments, team, notifications. */
export const invoiceRoutes: RouteObject[] = [{ path: 'invoices', Component: InvoicesPlaceholder }]
