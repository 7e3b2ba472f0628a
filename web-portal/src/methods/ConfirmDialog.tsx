// A question before something that cannot be undone: the shared modal dialog (focus kept inside, Escape cancels,
// focus returns) with Cancel first, so the safe choice is where focus lands.
import type { ReactNode } from 'react'
import { Dialog } from '../security/Dialog'
import { Button } from '../ui/ui'

export interface ConfirmDialogProps {
  title: string
  children: ReactNode
  confirmLabel: string
  cancelLabel: string
  onConfirm: () => void
  onCancel: () => void
  busy?: boolean
  danger?: boolean
}

export function ConfirmDialog({ title, children, confirmLabel, cancelLabel, onConfirm, onCancel, busy, danger }: ConfirmDialogProps) {
  return (
    <Dialog title={title} onClose={() => !busy && onCancel()}>
      {children}
      <div className="row dialog-actions">
        <Button variant="secondary" onClick={onCancel} disabled={busy}>
          {cancelLabel}
        </Button>
        <Button variant={danger ? 'danger' : 'primary'} onClick={onConfirm} busy={busy}>
          {confirmLabel}
        </Button>
      </div>
    </Dialog>
  )
}
