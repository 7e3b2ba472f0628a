// Which chips an invoice wears. Pure, so the rule is tested on its own: one chip for where it stands (paid,
// void, pending, overdue, partly paid, open), a "pending" chip when a bank debit covers only part of it, and
// "questioned" while a question is open with the partner.
import type { components } from '../api/schema'
import type { ChipTone } from '../ui/ui'

export type InvoiceView = Pick<
  components['schemas']['PortalInvoice'],
  'status' | 'amount_due' | 'amount_pending' | 'overdue' | 'questioned'
>

export type InvoiceChipKey =
  | 'chipOpen'
  | 'chipPartlyPaid'
  | 'chipOverdue'
  | 'chipPending'
  | 'chipPaid'
  | 'chipVoid'
  | 'chipArchived'
  | 'chipQuestioned'

export interface ChipSpec {
  key: InvoiceChipKey
  tone: ChipTone
}

export function invoiceChips(invoice: InvoiceView): ChipSpec[] {
  const chips: ChipSpec[] = []
  const { status, amount_due: due, amount_pending: pending } = invoice
  if (status === 'paid') chips.push({ key: 'chipPaid', tone: 'success' })
  else if (status === 'void') chips.push({ key: 'chipVoid', tone: 'neutral' })
  else if (status === 'archived') chips.push({ key: 'chipArchived', tone: 'neutral' })
  else if (due === 0 && pending > 0) chips.push({ key: 'chipPending', tone: 'info' })
  else {
    if (invoice.overdue) chips.push({ key: 'chipOverdue', tone: 'danger' })
    else if (status === 'partially_paid') chips.push({ key: 'chipPartlyPaid', tone: 'info' })
    else chips.push({ key: 'chipOpen', tone: 'neutral' })
    if (pending > 0) chips.push({ key: 'chipPending', tone: 'info' })
  }
  if (invoice.questioned) chips.push({ key: 'chipQuestioned', tone: 'warning' })
  return chips
}

/** Overdue and still owing: the row is highlighted (a marker and the "Overdue" chip, not colour alone). */
export function isOverdue(invoice: InvoiceView): boolean {
  return invoice.overdue && invoice.amount_due > 0 && (invoice.status === 'open' || invoice.status === 'partially_paid')
}
