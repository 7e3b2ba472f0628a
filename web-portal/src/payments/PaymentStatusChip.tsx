import { useMessages } from '../i18n/i18n'
import { Chip } from '../ui/ui'
import { messages } from './messages'
import type { Payment } from './queries'
import { paymentChip } from './status'

export function PaymentStatusChip({ standing }: { standing: Payment['standing'] }) {
  const t = useMessages(messages)
  const chip = paymentChip(standing)
  return <Chip tone={chip.tone}>{t(chip.key)}</Chip>
}
