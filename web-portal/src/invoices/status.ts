// Which chips an invoice wears, from the API's `standing` and `standing_qualifiers`: the one vocabulary of the
// portal, the PDF and the emails (domain/invoices/standing.py has the mapping from the ledger's status). One chip
// for where it stands, one per qualifier ("partly paid", "payment pending"), and "questioned" while a question is
// open with the partner. Pure, so the rule is tested on its own.
import type { components } from '../api/schema'
import type { ChipTone } from '../ui/ui'

export type Standing = components['schemas']['Standing']
export type Qualifier = components['schemas']['Qualifier']

export type InvoiceView = Pick<
  components['schemas']['PortalInvoice'],
  'standing' | 'standing_qualifiers' | 'amount_due' | 'questioned'
>

export type InvoiceChipKey = `standing_${Standing}` | `qualifier_${Qualifier}` | 'chipQuestioned'

export interface ChipSpec {
  key: InvoiceChipKey
  tone: ChipTone
}

const TONES: Record<Standing, ChipTone> = {
  open: 'neutral',
  partly_paid: 'info',
  overdue: 'danger',
  payment_pending: 'info',
  paid: 'success',
  void: 'neutral',
  archived: 'neutral',
  draft: 'neutral',
  written_off: 'neutral',
}

export function invoiceChips(invoice: InvoiceView): ChipSpec[] {
  const chips: ChipSpec[] = [{ key: `standing_${invoice.standing}`, tone: TONES[invoice.standing] ?? 'neutral' }]
  for (const q of invoice.standing_qualifiers) chips.push({ key: `qualifier_${q}`, tone: 'info' })
  if (invoice.questioned) chips.push({ key: 'chipQuestioned', tone: 'warning' })
  return chips
}

/** Overdue and still owing: the row is highlighted (a marker and the "Overdue" chip, not colour alone). */
export function isOverdue(invoice: Pick<InvoiceView, 'standing' | 'amount_due'>): boolean {
  return invoice.standing === 'overdue' && invoice.amount_due > 0
}
