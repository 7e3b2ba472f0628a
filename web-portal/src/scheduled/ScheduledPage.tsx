// Scheduled payments: when, how much, with what, for which invoices, and a cancel (with a confirmation) until
// they run.
import { useId, useState } from 'react'
import { Link } from 'react-router'
import { usePermissions } from '../api/queries/me'
import { common } from '../i18n/common'
import { useI18n, useMessages } from '../i18n/i18n'
import { formatDate as formatDay } from '../lib/dates'
import { formatMoney } from '../lib/money'
import { ConfirmDialog } from '../ui/ConfirmDialog'
import { PagedList } from '../invoices/PagedList'
import { InvoiceLinks, TableHead } from '../invoices/tableParts'
import { usePortalPath } from '../shell/paths'
import { Alert, Button, Chip, Empty, Money, Page } from '../ui/ui'
import { messages } from './messages'
import { SCHEDULED_CHIPS, type Scheduled, useCancelScheduled, useScheduled } from './queries'
import '../invoices/invoices.css'

export function ScheduledPage() {
  const t = useMessages(messages)
  const tc = useMessages(common)
  const { intlLocale } = useI18n()
  const list = useScheduled()
  const cancel = useCancelScheduled()
  const { can, readOnly } = usePermissions()
  const [confirming, setConfirming] = useState<Scheduled | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const reasonId = useId()
  const reason = readOnly ? tc('readOnly') : can('pay') ? null : t('cannotCancel')
  const rows = list.data?.pages.flatMap((p) => p.data) ?? []

  const confirm = () => {
    if (!confirming) return
    cancel.mutate(confirming.id, {
      onSuccess: (s) => {
        setConfirming(null)
        setDone(t('canceled', { date: formatDay(s.scheduled_for, intlLocale) }))
      },
    })
  }

  return (
    <Page title={t('title')}>
      <p className="muted">
        {t('intro')} {t('feeNote')}
      </p>
      {done && <Alert tone="success">{done}</Alert>}
      {reason && rows.some((s) => s.status === 'scheduled') && (
        <p className="reason" id={reasonId}>
          {reason}
        </p>
      )}
      <PagedList query={list} count={rows.length} empty={<Empty>{t('empty')}</Empty>} loadMoreLabel={t('loadMore')}>
        <ScheduledTable
          rows={rows}
          canCancel={reason === null}
          reasonId={reason ? reasonId : undefined}
          onCancel={(s) => {
            cancel.reset()
            setDone(null)
            setConfirming(s)
          }}
        />
      </PagedList>
      {confirming && (
        <ConfirmDialog
          title={t('confirmTitle')}
          confirmLabel={t('confirm')}
          cancelLabel={t('keep')}
          busy={cancel.isPending}
          error={cancel.error}
          onConfirm={confirm}
          onCancel={() => setConfirming(null)}
        >
          <p>
            {t('confirmBody', {
              amount: formatMoney(confirming.amount, confirming.currency, intlLocale),
              date: formatDay(confirming.scheduled_for, intlLocale),
              method: confirming.method_label,
            })}
          </p>
          <p>{t('confirmInvoices', { numbers: confirming.allocations.map((a) => a.invoice_number).join(', ') })}</p>
        </ConfirmDialog>
      )}
    </Page>
  )
}

function ScheduledTable({
  rows,
  canCancel,
  reasonId,
  onCancel,
}: {
  rows: Scheduled[]
  canCancel: boolean
  reasonId?: string
  onCancel: (s: Scheduled) => void
}) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const to = usePortalPath()
  return (
    <table className="table responsive scheduled-table">
      <TableHead
        caption={t('caption')}
        columns={[
          t('colDate'),
          { label: t('colAmount'), num: true },
          t('colMethod'),
          t('colInvoices'),
          t('colStatus'),
          { label: t('colActions'), hidden: true },
        ]}
      />
      <tbody>
        {rows.map((s) => {
          const chip = SCHEDULED_CHIPS[s.status]
          const date = formatDay(s.scheduled_for, intlLocale)
          return (
            <tr key={s.id} data-scheduled-id={s.id}>
              <td data-label={t('colDate')}>{date}</td>
              <td data-label={t('colAmount')} className="num">
                <Money amount={s.amount} currency={s.currency} />
              </td>
              <td data-label={t('colMethod')}>{s.method_label}</td>
              <td data-label={t('colInvoices')}>
                <InvoiceLinks allocations={s.allocations} />
              </td>
              <td data-label={t('colStatus')}>
                <Chip tone={chip.tone}>{t(chip.key)}</Chip>
                {s.failure_message && <p className="reason">{s.failure_message}</p>}
              </td>
              <td>
                {s.status === 'scheduled' ? (
                  <Button
                    variant="secondary"
                    disabled={!canCancel}
                    aria-describedby={reasonId}
                    onClick={() => onCancel(s)}
                  >
                    {t('cancel')}
                    <span className="visually-hidden"> {t('cancelFor', { date })}</span>
                  </Button>
                ) : s.payment_id ? (
                  <Link to={to(`payments/${encodeURIComponent(s.payment_id)}`)}>{t('viewPayment')}</Link>
                ) : null}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
