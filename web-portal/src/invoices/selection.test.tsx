import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { I18nProvider } from '../i18n/i18n'
import { SelectionBar, totalsByCurrency, useSelection, type Selectable } from './selection'

const invoices: Selectable[] = [
  { id: 'inv_1', number: 'INV-1', amount_due: 10_001, currency: 'USD', pay_allowed: true },
  { id: 'inv_2', number: 'INV-2', amount_due: 20_002, currency: 'USD', pay_allowed: true },
  { id: 'inv_3', number: 'INV-3', amount_due: 5_000, currency: 'USD', pay_allowed: false },
  { id: 'inv_4', number: 'INV-4', amount_due: 7_500, currency: 'CAD', pay_allowed: true },
]

function Harness({ onPay }: { onPay: (ids: string[]) => void }) {
  const selection = useSelection<Selectable>()
  return (
    <>
      {invoices.map((i) => (
        <label key={i.id}>
          <input type="checkbox" checked={selection.has(i.id)} onChange={() => selection.toggle(i)} />
          {i.number}
        </label>
      ))}
      <SelectionBar items={selection.items} onClear={selection.clear} onPay={() => onPay(selection.ids)} />
    </>
  )
}

function setup() {
  const onPay = vi.fn()
  render(
    <I18nProvider initial="en">
      <Harness onPay={onPay} />
    </I18nProvider>,
  )
  return { onPay, user: userEvent.setup() }
}

describe('totalsByCurrency', () => {
  it('adds integer amounts per currency', () => {
    expect(totalsByCurrency(invoices.slice(0, 2))).toEqual([{ currency: 'USD', total: 30_003 }])
    expect(totalsByCurrency([invoices[0]!, invoices[3]!])).toEqual([
      { currency: 'USD', total: 10_001 },
      { currency: 'CAD', total: 7_500 },
    ])
    expect(totalsByCurrency([])).toEqual([])
  })
  it('stays exact where floats would not', () => {
    const cents = Array.from({ length: 3 }, (_, i) => ({ ...invoices[0]!, id: `x${i}`, amount_due: 10 + i * 10 }))
    expect(totalsByCurrency(cents)).toEqual([{ currency: 'USD', total: 60 }])
  })
})

describe('SelectionBar', () => {
  it('shows nothing until an invoice is chosen, then a running total and "Pay selected"', async () => {
    const { onPay, user } = setup()
    expect(screen.queryByTestId('selection-bar')).toBeNull()
    await user.click(screen.getByLabelText('INV-1'))
    expect(screen.getByTestId('selection-total').textContent).toBe('$100.01')
    await user.click(screen.getByLabelText('INV-2'))
    const bar = screen.getByTestId('selection-bar')
    expect(within(bar).getByText('2 invoices selected')).toBeTruthy()
    expect(screen.getByTestId('selection-total').textContent).toBe('$300.03')
    expect(screen.getByRole('status').textContent).toBe('2 invoices selected, total due $300.03')
    await user.click(within(bar).getByRole('button', { name: 'Pay selected' }))
    expect(onPay).toHaveBeenCalledWith(['inv_1', 'inv_2'])
  })
  it('ignores invoices that cannot be paid and unselects on a second click', async () => {
    const { user } = setup()
    await user.click(screen.getByLabelText('INV-3'))
    expect(screen.queryByTestId('selection-bar')).toBeNull()
    await user.click(screen.getByLabelText('INV-1'))
    await user.click(screen.getByLabelText('INV-2'))
    await user.click(screen.getByLabelText('INV-1'))
    expect(screen.getByText('1 invoice selected')).toBeTruthy()
    expect(screen.getByTestId('selection-total').textContent).toBe('$200.02')
  })
  it('will not pay two currencies together, and clears', async () => {
    const { onPay, user } = setup()
    await user.click(screen.getByLabelText('INV-1'))
    await user.click(screen.getByLabelText('INV-4'))
    expect(screen.getByTestId('selection-total').textContent).toBe('$100.01 + CA$75.00')
    expect(screen.getByText('Select invoices in one currency to pay them together.')).toBeTruthy()
    const pay = screen.getByRole('button', { name: 'Pay selected' }) as HTMLButtonElement
    expect(pay.disabled).toBe(true)
    await user.click(pay)
    expect(onPay).not.toHaveBeenCalled()
    await user.click(screen.getByRole('button', { name: 'Clear selection' }))
    expect(screen.queryByTestId('selection-bar')).toBeNull()
  })
})
