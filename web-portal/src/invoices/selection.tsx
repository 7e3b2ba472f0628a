// Choosing several invoices to pay together: the chosen set (kept across pages and filters), its running total
// per currency (integer sums of amounts due) and the sticky bar with "Pay selected".
import { useCallback, useMemo, useState } from 'react'
import { useI18n, useMessages } from '../i18n/i18n'
import { formatMoney, sumMinor } from '../lib/money'
import { Button } from '../ui/ui'
import { messages } from './messages'

export interface Selectable {
  id: string
  number: string
  amount_due: number
  currency: string
  pay_allowed: boolean
}

export interface CurrencyTotal {
  currency: string
  total: number
}

/** The amounts due of the chosen invoices added per currency (in the order the currencies were first chosen). */
export function totalsByCurrency(items: readonly Selectable[]): CurrencyTotal[] {
  const byCurrency = new Map<string, number[]>()
  for (const item of items) {
    const code = item.currency.toUpperCase()
    byCurrency.set(code, [...(byCurrency.get(code) ?? []), item.amount_due])
  }
  return [...byCurrency].map(([currency, amounts]) => ({ currency, total: sumMinor(amounts) }))
}

export interface Selection<T extends Selectable> {
  items: T[]
  ids: string[]
  has: (id: string) => boolean
  toggle: (item: T) => void
  /** Chooses every payable one of `items` (on) or lets them all go (off); others stay as they are. */
  setAll: (items: readonly T[], on: boolean) => void
  clear: () => void
}

export function useSelection<T extends Selectable>(): Selection<T> {
  const [chosen, setChosen] = useState<ReadonlyMap<string, T>>(() => new Map())
  const toggle = useCallback((item: T) => {
    if (!item.pay_allowed) return
    setChosen((current) => {
      const next = new Map(current)
      if (next.has(item.id)) next.delete(item.id)
      else next.set(item.id, item)
      return next
    })
  }, [])
  const setAll = useCallback((items: readonly T[], on: boolean) => {
    setChosen((current) => {
      const next = new Map(current)
      for (const item of items) {
        if (!item.pay_allowed) continue
        if (on) next.set(item.id, item)
        else next.delete(item.id)
      }
      return next
    })
  }, [])
  const clear = useCallback(() => setChosen(new Map()), [])
  return useMemo(() => {
    const items = [...chosen.values()]
    return { items, ids: items.map((i) => i.id), has: (id: string) => chosen.has(id), toggle, setAll, clear }
  }, [chosen, toggle, setAll, clear])
}

interface BarProps {
  items: readonly Selectable[]
  onPay: () => void
  onClear: () => void
}

/** Sticky at the bottom of the list while something is chosen; its summary is announced as it changes. */
export function SelectionBar({ items, onPay, onClear }: BarProps) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const totals = totalsByCurrency(items)
  const mixed = totals.length > 1
  const totalText = totals.map((x) => formatMoney(x.total, x.currency, intlLocale)).join(' + ')
  const countText = t('selectedCount', { n: items.length })
  return (
    <>
      <p className="visually-hidden" role="status" aria-live="polite">
        {items.length > 0 ? t('selectionSummary', { count: countText, total: totalText }) : ''}
      </p>
      {items.length > 0 && (
        <div className="selection-bar" data-testid="selection-bar">
          <div className="selection-summary">
            <span className="selection-count">{countText}</span>
            <span className="selection-total">
              <span className="muted">{t('selectedTotal')}: </span>
              <strong className="money" data-testid="selection-total">
                {totalText}
              </strong>
            </span>
            {mixed && <span className="selection-warning">{t('mixedCurrencies')}</span>}
          </div>
          <div className="row">
            <Button variant="secondary" onClick={onClear}>
              {t('clearSelection')}
            </Button>
            <Button onClick={onPay} disabled={mixed}>
              {t('paySelected')}
            </Button>
          </div>
        </div>
      )}
    </>
  )
}
