// "Are you sure?" for actions that cannot be undone (cancel a scheduled payment, remove a colleague), on the
// shared modal Dialog: focus starts on the safe choice (it comes first), Escape cancels unless busy, and what
// went wrong is said inside the dialog.
import type { ReactNode } from 'react'
import { Dialog } from './Dialog'
import { Button, ProblemAlert } from './ui'

interface Props {
  title: string
  children: ReactNode
  confirmLabel: string
  cancelLabel: string
  onConfirm: () => void
  onCancel: () => void
  busy?: boolean
  error?: unknown
  /** A red confirm button for what cannot be undone (the default); false for a plain one. */
  danger?: boolean
}

export function ConfirmDialog({ title, children, confirmLabel, cancelLabel, onConfirm, onCancel, busy, error, danger = true }: Props) {
  return (
    <Dialog title={title} onClose={() => (busy ? undefined : onCancel())}>
      {children}
      <ProblemAlert error={error} />
      <div className="row dialog-actions">
        <Button variant="secondary" onClick={onCancel} disabled={busy}>
          {cancelLabel}
        </Button>
        <Button variant={danger ? 'danger' : 'primary'} busy={busy} onClick={onConfirm}>
          {confirmLabel}
        </Button>
      </div>
    </Dialog>
  )
}

/** After a confirmed action removed what opened the dialog: the page heading takes focus back. */
export function focusPageHeading(): void {
  requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus())
}
