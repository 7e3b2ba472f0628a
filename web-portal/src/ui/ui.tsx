// The small kit every screen is built from. Accessible by construction: labelled fields, live regions for
// loading and errors, visible focus, buttons that say when they are busy.
import { useEffect, useId, useRef, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode } from 'react'
import { useProblemMessage } from '../api/problemMessage'
import { common } from '../i18n/common'
import { useI18n, useMessages } from '../i18n/i18n'
import { formatMoney } from '../lib/money'

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: 'primary' | 'secondary' | 'danger' | 'link'
  busy?: boolean
}

export function Button({ variant = 'primary', busy = false, disabled, children, className, ...rest }: ButtonProps) {
  return (
    <button
      type="button"
      {...rest}
      className={`btn btn-${variant}${className ? ` ${className}` : ''}`}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
    >
      {busy && <span className="spinner" aria-hidden="true" />}
      {children}
    </button>
  )
}

type FieldProps = InputHTMLAttributes<HTMLInputElement> & {
  label: ReactNode
  hint?: ReactNode
  error?: string | null
}

export function TextField({ label, hint, error, id, className, ...input }: FieldProps) {
  const generated = useId()
  const inputId = id ?? generated
  const hintId = hint ? `${inputId}-hint` : undefined
  const errorId = error ? `${inputId}-error` : undefined
  return (
    <div className={`field${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={inputId}>{label}</label>
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      <input
        id={inputId}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
        {...input}
      />
      {error && (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  )
}

export function Loading({ label }: { label?: string }) {
  const t = useMessages(common)
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('loading')}
    </div>
  )
}

/** A failure shown where the content would be, with a way to try again. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useMessages(common)
  const message = useProblemMessage()
  return (
    <div className="state state-error" role="alert">
      <p>{message(error)}</p>
      {onRetry && (
        <Button variant="secondary" onClick={onRetry}>
          {t('retry')}
        </Button>
      )}
    </div>
  )
}

export function Empty({ children }: { children?: ReactNode }) {
  const t = useMessages(common)
  return <div className="state state-empty">{children ?? t('empty')}</div>
}

/** An inline message; `error` ones are announced (role=alert), others politely. */
export function Alert({ tone = 'info', children }: { tone?: 'info' | 'success' | 'warning' | 'error'; children: ReactNode }) {
  return (
    <div className={`alert alert-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  )
}

export function ProblemAlert({ error }: { error: unknown }) {
  const message = useProblemMessage()
  if (!error) return null
  return <Alert tone="error">{message(error)}</Alert>
}

export function Money({ amount, currency }: { amount: number; currency: string }) {
  const { intlLocale } = useI18n()
  return <span className="money">{formatMoney(amount, currency, intlLocale)}</span>
}

export type ChipTone = 'neutral' | 'info' | 'success' | 'warning' | 'danger'

export function Chip({ tone = 'neutral', children }: { tone?: ChipTone; children: ReactNode }) {
  return <span className={`chip chip-${tone}`}>{children}</span>
}

/** A page: sets the document title ("Invoices · Northwind IT" on every route: `documentTitle` when the heading
 * already names the partner) and moves focus to the heading when the page changes (for screen readers), unless
 * the page put it on a field of its own (the sign-in email). */
export function Page({
  title,
  documentTitle,
  actions,
  children,
}: {
  title: string
  documentTitle?: string
  actions?: ReactNode
  children: ReactNode
}) {
  const heading = useRef<HTMLHeadingElement>(null)
  const section = useRef<HTMLElement>(null)
  useEffect(() => {
    const partner = document.documentElement.dataset.partnerName
    const name = documentTitle ?? title
    document.title = partner ? `${name} · ${partner}` : name
    if (!section.current?.contains(document.activeElement)) heading.current?.focus({ preventScroll: true })
  }, [title, documentTitle])
  return (
    <section className="page" ref={section}>
      <header className="page-header">
        <h1 tabIndex={-1} ref={heading}>
          {title}
        </h1>
        {actions && <div className="page-actions">{actions}</div>}
      </header>
      {children}
    </section>
  )
}
