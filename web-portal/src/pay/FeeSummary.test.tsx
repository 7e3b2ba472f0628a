import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { I18nProvider } from '../i18n/i18n'
import { FeeSummary, formatBasis, type FeeSummaryProps } from './FeeSummary'

function show(props: Partial<FeeSummaryProps>, locale: 'en' | 'fr' = 'en') {
  render(
    <I18nProvider initial={locale}>
      <FeeSummary currency={locale === 'fr' ? 'CAD' : 'USD'} subtotal={230_000} fee={6_700} {...props} />
    </I18nProvider>,
  )
}

describe('FeeSummary', () => {
  it('says the card fee’s basis and what paying by bank saves', () => {
    show({ basis: { bps: 290, fixed: 30 }, kind: 'card', bankAccepted: true })
    expect(screen.getByTestId('fee-label').textContent).toBe('Card fee (2.9% + $0.30)')
    expect(screen.getByTestId('bank-saving').textContent).toBe('Pay by bank and save $67.00.')
    expect(screen.getByText(/A card fee applies to credit cards only/)).toBeTruthy()
  })

  it('says it in French', () => {
    show({ basis: { bps: 290, fixed: 30 }, kind: 'card', bankAccepted: true }, 'fr')
    expect(screen.getByTestId('fee-label').textContent?.replace(/\s/g, ' ')).toBe('Frais de carte (2,9 % + 0,30 $)')
    expect(screen.getByTestId('bank-saving').textContent?.replace(/\s/g, ' ')).toBe('Payez par compte bancaire et économisez 67,00 $.')
  })

  it('offers no saving when no bank account is accepted, and no card-fee note when paying by bank', () => {
    show({ basis: { bps: 290, fixed: 30 }, kind: 'card', bankAccepted: false })
    expect(screen.queryByTestId('bank-saving')).toBeNull()
    document.body.innerHTML = ''
    show({ fee: 0, kind: 'us_bank_account', bankAccepted: true })
    expect(screen.queryByTestId('bank-saving')).toBeNull()
    expect(screen.queryByText(/credit cards/)).toBeNull()
    expect(screen.getByTestId('fee-label').textContent).toBe('Card fee')
  })

  it('formats a rate without a fixed part', () => {
    expect(formatBasis({ bps: 350, fixed: 0 }, 'USD', 'en-US')).toBe('3.5%')
  })
})
