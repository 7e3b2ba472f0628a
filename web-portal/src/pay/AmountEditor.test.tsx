import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { describe, expect, it } from 'vitest'
import { I18nProvider } from '../i18n/i18n'
import { type AmountError, checkAmount } from './allocate'
import { AmountEditor, type EditorInvoice } from './AmountEditor'

const invoices: EditorInvoice[] = [
  { id: 'inv_a', number: 'INV-1', currency: 'USD', due_date: '2026-12-01', amount_due: 12_000, overdue: false, pay_allowed: true },
  { id: 'inv_b', number: 'INV-2', currency: 'USD', due_date: '2026-11-01', amount_due: 30_000, overdue: true, pay_allowed: true },
  { id: 'inv_c', number: 'INV-3', currency: 'USD', due_date: '2026-11-15', amount_due: 0, overdue: false, pay_allowed: false },
]

/** The editor as the pay page uses it: texts in state, checked with checkAmount once a field is left. */
function Harness({ partial }: { partial: boolean }) {
  const [texts, setTexts] = useState<Record<string, string>>({ inv_a: '120.00', inv_b: '300.00' })
  const [touched, setTouched] = useState<Set<string>>(new Set())
  const errors: Record<string, AmountError | null> = Object.fromEntries(
    invoices.map((i) => [i.id, touched.has(i.id) ? checkAmount(texts[i.id] ?? '', i.amount_due, 'USD', 'en-US').error : null]),
  )
  return (
    <AmountEditor
      invoices={invoices}
      partial={partial}
      texts={texts}
      errors={errors}
      onChange={(id, text) => setTexts((t) => ({ ...t, [id]: text }))}
      onBlur={(id) => setTouched((s) => new Set(s).add(id))}
    />
  )
}

function renderEditor(partial: boolean) {
  render(
    <I18nProvider initial="en">
      <Harness partial={partial} />
    </I18nProvider>,
  )
}

describe('AmountEditor', () => {
  it('gives each payable invoice an amount field when partial payments are allowed', () => {
    renderEditor(true)
    expect((screen.getByLabelText('Amount to pay on invoice INV-2') as HTMLInputElement).value).toBe('300.00')
    expect(screen.queryByLabelText('Amount to pay on invoice INV-3')).toBeNull()
    expect(within(screen.getByRole('row', { name: /INV-3/ })).getByText('Cannot be paid now')).toBeTruthy()
    expect(within(screen.getByRole('row', { name: /INV-2/ })).getByText('Overdue')).toBeTruthy()
  })

  it.each([
    ['300.01', 'This is more than the $300.00 due.'],
    ['0', 'Enter an amount above zero.'],
    ['12.345', 'Enter an amount such as 120.50.'],
  ])('refuses %s once the field is left', async (typed, message) => {
    const user = userEvent.setup()
    renderEditor(true)
    const field = screen.getByLabelText('Amount to pay on invoice INV-2')
    await user.clear(field)
    await user.type(field, typed)
    expect(screen.queryByText(message)).toBeNull() // not while typing
    await user.tab()
    expect(screen.getByText(message)).toBeTruthy()
    expect(field.getAttribute('aria-invalid')).toBe('true')
  })

  it('takes part of what is due', async () => {
    const user = userEvent.setup()
    renderEditor(true)
    const field = screen.getByLabelText('Amount to pay on invoice INV-2')
    await user.clear(field)
    await user.type(field, '150')
    await user.tab()
    expect(field.getAttribute('aria-invalid')).toBeNull()
    expect(screen.queryByText(/Enter an amount|more than/)).toBeNull()
  })

  it('shows the amounts due as they are when only full payments are taken', () => {
    renderEditor(false)
    expect(screen.queryByRole('textbox')).toBeNull()
    const row = screen.getByRole('row', { name: /INV-1/ })
    expect(within(row).getAllByText('$120.00')).toHaveLength(2)
  })
})
