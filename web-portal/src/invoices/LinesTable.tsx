// An invoice's lines (description, quantity, unit price, amount), for the signed-in detail and a pay link's page.
import { useI18n, useMessages } from '../i18n/i18n'
import { Money } from '../ui/ui'
import { detailMessages } from './detailMessages'
import { TableHead } from './tableParts'

interface Line {
  description: string
  quantity: number
  unit_amount: number
  amount: number
}

export function LinesTable({ lines, currency, total }: { lines: readonly Line[]; currency: string; total?: number }) {
  const t = useMessages(detailMessages)
  const { intlLocale } = useI18n()
  const quantity = new Intl.NumberFormat(intlLocale)
  return (
    <table className="table responsive">
      <TableHead
        caption={t('linesCaption')}
        columns={[
          t('description'),
          { label: t('quantity'), num: true },
          { label: t('unitPrice'), num: true },
          { label: t('amount'), num: true },
        ]}
      />
      <tbody>
        {lines.map((line, i) => (
          <tr key={i}>
            <td data-label={t('description')}>{line.description}</td>
            <td data-label={t('quantity')} className="num">
              {quantity.format(line.quantity)}
            </td>
            <td data-label={t('unitPrice')} className="num">
              <Money amount={line.unit_amount} currency={currency} />
            </td>
            <td data-label={t('amount')} className="num">
              <Money amount={line.amount} currency={currency} />
            </td>
          </tr>
        ))}
      </tbody>
      {total !== undefined && (
        <tfoot>
          <tr>
            <th scope="row" colSpan={3} className="num">
              {t('total')}
            </th>
            <td className="num" data-label={t('total')}>
              <Money amount={total} currency={currency} />
            </td>
          </tr>
        </tfoot>
      )}
    </table>
  )
}
