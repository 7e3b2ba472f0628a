// The selected invoices with what is due on each and what will be paid: an amount field per invoice where the
// partner (and the invoice) allows paying part of it, otherwise the amount due as it is.
import { useI18n, useMessages } from '../i18n/i18n'
import { formatDate } from '../lib/dates'
import { formatMoney } from '../lib/money'
import { Chip, Money, TextField } from '../ui/ui'
import type { AmountError } from './allocate'
import { messages } from './messages'

export interface EditorInvoice {
  id: string
  number: string
  currency: string
  due_date: string
  amount_due: number
  overdue: boolean
  pay_allowed: boolean
}

export interface AmountEditorProps {
  invoices: readonly EditorInvoice[]
  /** Partial payments allowed by the partner: payable invoices get an amount field. */
  partial: boolean
  texts: Readonly<Record<string, string>>
  /** Errors to show now (the parent decides when: after a field is left, or on review). */
  errors: Readonly<Record<string, AmountError | null | undefined>>
  onChange: (invoiceId: string, text: string) => void
  onBlur?: (invoiceId: string) => void
  disabled?: boolean
}

export function AmountEditor({ invoices, partial, texts, errors, onChange, onBlur, disabled }: AmountEditorProps) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  return (
    <table className="table responsive pay-table">
      <thead>
        <tr>
          <th scope="col">{t('colInvoice')}</th>
          <th scope="col">{t('colDueDate')}</th>
          <th scope="col" className="num">
            {t('colAmountDue')}
          </th>
          <th scope="col" className="num">
            {t('colPay')}
          </th>
        </tr>
      </thead>
      <tbody>
        {invoices.map((inv) => {
          const error = errors[inv.id]
          const errorText =
            error === 'tooMuch'
              ? t('error.amount.tooMuch', { due: formatMoney(inv.amount_due, inv.currency, intlLocale) })
              : error
                ? t(`error.amount.${error}`)
                : null
          return (
            <tr key={inv.id} className={inv.pay_allowed ? undefined : 'muted'}>
              <th scope="row" data-label={t('colInvoice')}>
                {inv.number}
              </th>
              <td data-label={t('colDueDate')}>
                {formatDate(inv.due_date, intlLocale)} {inv.overdue && inv.pay_allowed && <Chip tone="danger">{t('overdue')}</Chip>}
              </td>
              <td data-label={t('colAmountDue')} className="num">
                <Money amount={inv.amount_due} currency={inv.currency} />
              </td>
              <td data-label={t('colPay')} className="num pay-cell">
                {!inv.pay_allowed ? (
                  <span>{t('notPayable')}</span>
                ) : partial ? (
                  <TextField
                    className="amount-field"
                    label={<span className="visually-hidden">{t('amountFor', { number: inv.number })}</span>}
                    inputMode="decimal"
                    autoComplete="off"
                    value={texts[inv.id] ?? ''}
                    onChange={(e) => onChange(inv.id, e.target.value)}
                    onBlur={() => onBlur?.(inv.id)}
                    error={errorText}
                    disabled={disabled}
                  />
                ) : (
                  <Money amount={inv.amount_due} currency={inv.currency} />
                )}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}

