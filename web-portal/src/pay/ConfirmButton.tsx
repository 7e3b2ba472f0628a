// The button that pays. It cannot pay twice: a second click while the first is in flight does nothing (checked
// synchronously, before React re-renders it disabled), and each attempt carries one Idempotency-Key, reused
// when the same attempt is retried, so even a repeated request is paid once by the API.
import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react'
import { idempotencyKey } from '../api/client'
import { Button } from '../ui/ui'

/** Runs `action` at most once at a time; `busy` while it runs. */
export function useSingleFlight<A extends unknown[], T>(action: (...args: A) => Promise<T>) {
  const inFlight = useRef(false)
  const [busy, setBusy] = useState(false)
  const run = useCallback(
    async (...args: A): Promise<T | undefined> => {
      if (inFlight.current) return undefined
      inFlight.current = true
      setBusy(true)
      try {
        return await action(...args)
      } finally {
        inFlight.current = false
        setBusy(false)
      }
    },
    [action],
  )
  return { run, busy }
}

/**
 * One Idempotency-Key per payment attempt. The attempt is named by a signature of what is paid (invoices,
 * amounts, method): the same signature gets the same key (a retry after a network failure pays once); any
 * change, or `reset()` after a final answer such as a decline, starts a new attempt with a new key.
 */
export function useAttemptKey() {
  const current = useRef<{ signature: string; key: string } | null>(null)
  return useMemo(
    () => ({
      keyFor(signature: string): string {
        if (current.current?.signature !== signature) current.current = { signature, key: idempotencyKey() }
        return current.current.key
      },
      reset(): void {
        current.current = null
      },
    }),
    [],
  )
}

export function ConfirmButton({
  onConfirm,
  children,
  disabled,
  className,
}: {
  onConfirm: () => Promise<unknown>
  children: ReactNode
  disabled?: boolean
  className?: string
}) {
  const { run, busy } = useSingleFlight(onConfirm)
  return (
    <Button className={className} busy={busy} disabled={disabled} onClick={() => void run()}>
      {children}
    </Button>
  )
}
