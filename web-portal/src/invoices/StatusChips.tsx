import { useMessages } from '../i18n/i18n'
import { Chip } from '../ui/ui'
import { messages } from './messages'
import { invoiceChips, type InvoiceView } from './status'

/** The chips of one invoice, in words (colour only repeats what the word says). */
export function StatusChips({ invoice }: { invoice: InvoiceView }) {
  const t = useMessages(messages)
  return (
    <span className="chips">
      {invoiceChips(invoice).map((chip) => (
        <Chip key={chip.key} tone={chip.tone}>
          {t(chip.key)}
        </Chip>
      ))}
    </span>
  )
}
