// Subtotal, card fee and total, updated live; the fee is disclosed before anything is confirmed.
import { useMessages } from '../i18n/i18n'
import { Money } from '../ui/ui'
import { messages } from './messages'

export interface FeeSummaryProps {
  currency: string
  subtotal: number | null
  /** null: not known yet (no method chosen, or being asked). */
  fee: number | null
  updating?: boolean
  scheduled?: boolean
}

export function FeeSummary({ currency, subtotal, fee, updating = false, scheduled = false }: FeeSummaryProps) {
  const t = useMessages(messages)
  const total = subtotal !== null && fee !== null ? subtotal + fee : null
  return (
    <div className={`fee-summary${updating ? ' updating' : ''}`} aria-live="polite" aria-busy={updating || undefined}>
      <dl>
        <div>
          <dt>{t('subtotal')}</dt>
          <dd>{subtotal !== null ? <Money amount={subtotal} currency={currency} /> : '—'}</dd>
        </div>
        <div>
          <dt>{t('fee')}</dt>
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
      <p className="hint">{scheduled ? t('feeScheduled') : t('feeNote')}</p>
    </div>
  )
}
