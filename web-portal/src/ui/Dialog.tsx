// A modal dialog: labelled by its heading, focus moved in and kept inside, Escape closes, and focus goes back
// to where it was when it closes.
import { useId, useLayoutEffect, useRef, type KeyboardEvent, type ReactNode } from 'react'
import { createPortal } from 'react-dom'

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

/** Focus `el` again; a button still busy (disabled) with the action that opened the dialog gets it once enabled. */
function restoreFocus(el: HTMLElement | null): void {
  if (!el || !el.isConnected) return
  if (!(el as HTMLButtonElement).disabled) return el.focus()
  const watch = new MutationObserver(() => {
    if (!(el as HTMLButtonElement).disabled) {
      watch.disconnect()
      if (document.activeElement === document.body || document.activeElement === null) el.focus()
    }
  })
  watch.observe(el, { attributes: true, attributeFilter: ['disabled'] })
  setTimeout(() => watch.disconnect(), 10_000)
}

export function Dialog({
  title,
  onClose,
  children,
  returnFocus,
}: {
  title: string
  onClose: () => void
  children: ReactNode
  /** Where focus goes back to on closing, when not the element focused as it opened. */
  returnFocus?: HTMLElement | null
}) {
  const titleId = useId()
  const box = useRef<HTMLDivElement>(null)
  const close = useRef(onClose)
  close.current = onClose

  // Layout effects: focus and the Escape key are in place before the dialog is first painted, so a key pressed
  // the moment it appears is never lost.
  useLayoutEffect(() => {
    const before = returnFocus ?? (document.activeElement as HTMLElement | null)
    const first = box.current?.querySelector<HTMLElement>(FOCUSABLE)
    ;(first ?? box.current)?.focus()
    return () => restoreFocus(before)
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, as the dialog opens
  }, [])

  useLayoutEffect(() => {
    // On the document, so Escape works wherever focus is (even after a click on the backdrop).
    const onEscape = (e: globalThis.KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation()
        close.current()
      }
    }
    document.addEventListener('keydown', onEscape)
    return () => document.removeEventListener('keydown', onEscape)
  }, [])

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'Tab' || !box.current) return
    const items = Array.from(box.current.querySelectorAll<HTMLElement>(FOCUSABLE))
    const first = items[0]
    const last = items[items.length - 1]
    if (!first || !last) return
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault()
      last.focus()
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault()
      first.focus()
    }
  }

  return createPortal(
    <div className="dialog-backdrop">
      <div
        ref={box}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId}>{title}</h2>
        {children}
      </div>
    </div>,
    document.body,
  )
}
