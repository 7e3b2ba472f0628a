import type { Schemas } from '../api/client'

/** The chip's tone for an invoice's status. */
export function statusTone(status: Schemas['InvoiceStatus']): string {
  if (status === 'paid') return ' chip-success'
  if (status === 'void' || status === 'written_off' || status === 'archived') return ''
  return status === 'draft' ? '' : ' chip-warning'
}
