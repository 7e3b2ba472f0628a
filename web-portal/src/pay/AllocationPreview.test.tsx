import { render, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { I18nProvider } from '../i18n/i18n'
import { allocateOldestFirst } from './allocate'
import { AllocationPreview, type PreviewInvoice } from './AllocationPreview'

const invoices: PreviewInvoice[] = [
  { id: 'inv_late', number: 'INV-3', due_date: '2026-12-20', amount_due: 40_000 },
  { id: 'inv_old', number: 'INV-1', due_date: '2026-10-01', amount_due: 10_000 },
  { id: 'inv_mid', number: 'INV-2', due_date: '2026-11-15', amount_due: 25_000 },
]

function renderPreview(applied: ReturnType<typeof allocateOldestFirst> | null, estimated = true, locale: 'en' | 'fr' = 'en') {
  render(
    <I18nProvider initial={locale}>
      <AllocationPreview invoices={invoices} applied={applied} currency="USD" estimated={estimated} />
    </I18nProvider>,
  )
}

const owed = invoices.map((i) => ({ invoiceId: i.id, dueDate: i.due_date, amountDue: i.amount_due }))

describe('AllocationPreview', () => {
  it('lists the invoices oldest due first with what the amount pays on each', () => {
    renderPreview(allocateOldestFirst(20_000, owed))
    const rows = screen.getAllByRole('row').slice(1)
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toEqual(['INV-1', 'INV-2', 'INV-3'])
    expect(within(rows[0]!).getAllByText('$100.00')).toHaveLength(2) // due and applied in full
    expect(within(rows[1]!).getByText('$100.00')).toBeTruthy() // the rest goes to the next one
    expect(within(rows[2]!).getByText('Not paid by this amount')).toBeTruthy()
    expect(screen.getByText('Still owed after this payment: $550.00')).toBeTruthy()
    expect(screen.getByText(/Confirmed when you choose a payment method/)).toBeTruthy()
  })

  it('says the API confirmed it, and asks for an amount when there is none', () => {
    renderPreview([{ invoiceId: 'inv_old', amount: 10_000 }], false)
    expect(screen.queryByText(/Confirmed when you choose/)).toBeNull()
    expect(screen.getByText('Still owed after this payment: $650.00')).toBeTruthy()
  })

  it('asks for an amount first', () => {
    renderPreview(null)
    expect(screen.getByText('Enter an amount to see how it will be applied.')).toBeTruthy()
    expect(screen.queryByRole('table')).toBeNull()
  })

  it('speaks French', () => {
    renderPreview(allocateOldestFirst(5_000, owed), true, 'fr')
    expect(screen.getByRole('heading', { name: 'Comment il sera appliqué' })).toBeTruthy()
    expect(screen.getAllByText('Non payée par ce montant')).toHaveLength(2)
  })
})
