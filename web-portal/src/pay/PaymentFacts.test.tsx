import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { I18nProvider } from '../i18n/i18n'
import { InvoiceOutcomes, type InvoiceOutcome } from './PaymentFacts'
import { distinctMethods, sameMethod } from './MethodPicker'
import type { SavedMethod } from '../payment-methods/queries'

const partly: InvoiceOutcome = { invoice_id: 'a', invoice_number: 'INV-000002', amount: 50_000, amount_due: 100_000, amount_pending: 0 }
const whole: InvoiceOutcome = { invoice_id: 'b', invoice_number: 'INV-000001', amount: 25_000, amount_due: 0, amount_pending: 0 }

function show(outcomes: InvoiceOutcome[], pending: boolean, locale: 'en' | 'fr' = 'en') {
  render(
    <I18nProvider initial={locale}>
      <InvoiceOutcomes outcomes={outcomes} currency={locale === 'fr' ? 'CAD' : 'USD'} pending={pending} />
    </I18nProvider>,
  )
  return screen.getAllByRole('listitem').map((li) => li.textContent)
}

describe('InvoiceOutcomes', () => {
  it('calls an invoice paid only when nothing is left on it', () => {
    expect(show([partly, whole], false)).toEqual([
      '$500.00 applied to INV-000002. INV-000002 still has $1,000.00 due.',
      '$250.00 applied to INV-000001. INV-000001 is paid.',
    ])
  })

  it('calls a debit pending, never paid', () => {
    expect(show([{ ...whole, amount_pending: 25_000 }, partly], true)).toEqual([
      '$250.00 pending for INV-000001. Nothing else is due on it.',
      '$500.00 pending for INV-000002. INV-000002 still has $1,000.00 due.',
    ])
  })

  it('says it in French', () => {
    const [line] = show([partly], false, 'fr')
    expect(line?.replace(/\s/g, ' ')).toBe('500,00 $ appliqué à INV-000002. Il reste 1 000,00 $ à payer sur INV-000002.')
  })
})

describe('distinctMethods', () => {
  const visa = (id: string, extra: Partial<SavedMethod> = {}) =>
    ({ id, type: 'card', brand: 'visa', bank_name: null, last4: '4242', exp_month: 12, exp_year: 2034, is_default: false, ...extra }) as SavedMethod
  it('lists the same card once, the default standing for it', () => {
    const list = distinctMethods([visa('a'), visa('b', { is_default: true }), visa('c', { exp_year: 2035 })])
    expect(list.map((m) => m.id)).toEqual(['b', 'c'])
    expect(sameMethod(visa('a'), visa('b'))).toBe(true)
  })
})
