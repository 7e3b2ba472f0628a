// A confirmation before a destructive change (Radix Dialog: focus trapped, Escape closes, focus returns).
import * as Dialog from '@radix-ui/react-dialog'
import type { ReactNode } from 'react'
import { common } from '../i18n/common'
import { useMessages } from '../i18n/i18n'
import { Button, ProblemAlert } from './ui'

export function ConfirmDialog({
  open,
  title,
  children,
  confirm,
  busy,
  error,
  onConfirm,
  onOpenChange,
}: {
  open: boolean
  title: string
  children: ReactNode
  confirm: string
  busy?: boolean
  error?: unknown
  onConfirm: () => void
  onOpenChange: (open: boolean) => void
}) {
  const t = useMessages(common)
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-backdrop" />
        <Dialog.Content className="dialog">
          <Dialog.Title className="dialog-title">{title}</Dialog.Title>
          <Dialog.Description asChild>
            <div className="dialog-body">{children}</div>
          </Dialog.Description>
          <ProblemAlert error={error} />
          <div className="dialog-actions">
            <Dialog.Close asChild>
              <Button variant="secondary">{t('cancel')}</Button>
            </Dialog.Close>
            <Button variant="danger" busy={busy} onClick={onConfirm}>
              {confirm}
            </Button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  )
}
