// Subtotal, card fee and total, updated live; the fee is disclosed before anything is confirmed, with the rate it
// comes from, and what paying by bank would save. Paying by bank carries no card-fee note at all.
import { useI18n, useMessages } from '../i18n/i18n'
import { formatMoney } from '../lib/money'
import { isBankKind, type MethodKind } from '../payment-methods/entry'
import { Money } from '../ui/ui'
import { messages } from './messages'

export interface FeeBasis {
  bps: number
  fixed: number
}

export interface FeeSummaryProps {
  currency: string
  subtotal: number | null
  /** null: not known yet (no method chosen, or being asked). */
  fee: number | null
  /** The partner's rate behind `fee`, from the quote. */
  basis?: FeeBasis | null
  /** The kind of method chosen (or being entered); null when none is yet. */
  kind?: MethodKind | null
  /** A bank account is accepted here: a card fee can be avoided. */
  bankAccepted?: boolean
  updating?: boolean
  scheduled?: boolean
}

/** "2.9% + $0.30", "2,9 % + 0,30 $". */
export function formatBasis(basis: FeeBasis, currency: string, intlLocale: string): string {
  const rate = new Intl.NumberFormat(intlLocale, { style: 'percent', maximumFractionDigits: 2 }).format(basis.bps / 10_000)
  return basis.fixed ? `${rate} + ${formatMoney(basis.fixed, currency, intlLocale)}` : rate
}

export function FeeSummary({
  currency,
  subtotal,
  fee,
  basis = null,
  kind = null,
  bankAccepted = false,
  updating = false,
  scheduled = false,
}: FeeSummaryProps) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const total = subtotal !== null && fee !== null ? subtotal + fee : null
  const bank = kind !== null && isBankKind(kind)
  const saving = !bank && bankAccepted && fee !== null && fee > 0 ? fee : null
  return (
    <div className={`fee-summary${updating ? ' updating' : ''}`} aria-live="polite" aria-busy={updating || undefined}>
      <dl>
        <div>
          <dt>{t('subtotal')}</dt>
          <dd>{subtotal !== null ? <Money amount={subtotal} currency={currency} /> : '—'}</dd>
        </div>
        <div>
          <dt data-testid="fee-label">{basis && fee ? t('feeWithBasis', { basis: formatBasis(basis, currency, intlLocale) }) : t('fee')}</dt>
          <dd data-testid="fee">
            {fee === null ? <span className="muted">{t('feeUnknown')}</span> : fee === 0 ? t('feeNone') : <Money amount={fee} currency={currency} />}
          </dd>
        </div>
        <div className="fee-total">
          <dt>{t('total')}</dt>
          <dd data-testid="total">{total !== null ? <Money amount={total} currency={currency} /> : '—'}</dd>
        </div>
      </dl>
      {updating && <p className="hint">{t('updating')}</p>}
      {saving !== null && (
        <p className="bank-saving" data-testid="bank-saving">
          {t('bankSaves', { amount: formatMoney(saving, currency, intlLocale) })}
        </p>
      )}
      {!bank && <p className="hint">{scheduled ? t('feeScheduled') : t('feeNote')}</p>}
    </div>
  )
}
