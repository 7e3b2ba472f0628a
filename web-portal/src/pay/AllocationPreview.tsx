// How one amount will be spread over the open invoices (oldest due first): each invoice, what it owes and what
// this payment applies to it, and what is still owed after.
import { useI18n, useMessages } from '../i18n/i18n'
import { formatDate } from '../lib/dates'
import { formatMoney, sumMinor } from '../lib/money'
import { Money } from '../ui/ui'
import type { Applied } from './allocate'
import { messages } from './messages'

export interface PreviewInvoice {
  id: string
  number: string
  due_date: string
  amount_due: number
}

export interface AllocationPreviewProps {
  invoices: readonly PreviewInvoice[]
  /** What the amount pays on each invoice (the API's quote when there is one, else worked out here). */
  applied: readonly Applied[] | null
  currency: string
  /** Worked out in the browser, not yet answered by the API. */
  estimated: boolean
}

export function AllocationPreview({ invoices, applied, currency, estimated }: AllocationPreviewProps) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const byInvoice = new Map((applied ?? []).map((a) => [a.invoiceId, a.amount]))
  const order = [...invoices].sort((a, b) => (a.due_date === b.due_date ? (a.id < b.id ? -1 : 1) : a.due_date < b.due_date ? -1 : 1))
  const left = sumMinor(order.map((i) => i.amount_due - (byInvoice.get(i.id) ?? 0)))
  return (
    <section className="allocation-preview" aria-labelledby="allocation-heading">
      <h3 id="allocation-heading">{t('allocationHeading')}</h3>
      {!applied ? (
        <p className="muted">{t('allocationNone')}</p>
      ) : (
        <>
          {estimated && <p className="hint">{t('allocationEstimated')}</p>}
          <table className="table responsive">
            <thead>
              <tr>
                <th scope="col">{t('colInvoice')}</th>
                <th scope="col">{t('colDueDate')}</th>
                <th scope="col" className="num">
                  {t('colAmountDue')}
                </th>
                <th scope="col" className="num">
                  {t('colApplied')}
                </th>
              </tr>
            </thead>
            <tbody>
              {order.map((inv) => {
                const amount = byInvoice.get(inv.id) ?? 0
                return (
                  <tr key={inv.id} className={amount ? 'applied' : 'muted'}>
                    <th scope="row" data-label={t('colInvoice')}>
                      {inv.number}
                    </th>
                    <td data-label={t('colDueDate')}>{formatDate(inv.due_date, intlLocale)}</td>
                    <td data-label={t('colAmountDue')} className="num">
                      <Money amount={inv.amount_due} currency={currency} />
                    </td>
                    <td data-label={t('colApplied')} className="num">
                      {amount ? <Money amount={amount} currency={currency} /> : t('allocationNotPaid')}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
          <p className="allocation-left">{t('allocationLeft', { amount: formatMoney(left, currency, intlLocale) })}</p>
        </>
      )}
    </section>
  )
}
