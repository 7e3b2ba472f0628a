// The small kit every screen is built from (after the portal's): labelled fields, live regions for loading and
// errors, visible focus, buttons that say when they are busy, and controls a role may not use disabled with the
// reason next to them.
import { forwardRef, useCallback, useEffect, useId, useRef, useState, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react'
import { problemMessage } from '@shared/problemMessage'
import { formatMoney } from '@shared/money'
import { common } from '../i18n/common'
import { useI18n, useMessages } from '../i18n/i18n'

/** A sentence for a person from any failure (rules shared with the portal: web-shared/src/problemMessage.ts). */
export function useProblemMessage(): (error: unknown) => string {
  const t = useMessages(common)
  return useCallback(
    (error: unknown) =>
      problemMessage(error, (key, vars) => (key in common.en ? t(key as keyof typeof common.en, vars) : undefined)),
    [t],
  )
}

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: 'primary' | 'secondary' | 'danger' | 'link'
  busy?: boolean
  /** Why the control is off for this person (their role): shown beside it and read with it. */
  blockedReason?: string | null
}

export const Button = forwardRef<HTMLButtonElement, ButtonProps>(function Button(
  { variant = 'primary', busy = false, disabled, blockedReason, children, className, ...rest },
  ref,
) {
  const reasonId = useId()
  const button = (
    <button
      type="button"
      ref={ref}
      {...rest}
      className={`btn btn-${variant}${className ? ` ${className}` : ''}`}
      disabled={disabled || busy || Boolean(blockedReason)}
      aria-busy={busy || undefined}
      aria-describedby={blockedReason ? reasonId : rest['aria-describedby']}
    >
      {busy && <span className="spinner" aria-hidden="true" />}
      {children}
    </button>
  )
  if (!blockedReason) return button
  return (
    <span className="gated">
      {button}
      <span className="gate-reason" id={reasonId}>
        {blockedReason}
      </span>
    </span>
  )
})

type FieldProps = InputHTMLAttributes<HTMLInputElement> & {
  label: ReactNode
  hint?: ReactNode
  error?: string | null
}

export const TextField = forwardRef<HTMLInputElement, FieldProps>(function TextField(
  { label, hint, error, id, className, ...input },
  ref,
) {
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
        ref={ref}
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
})

type SelectProps = SelectHTMLAttributes<HTMLSelectElement> & { label: ReactNode; hint?: ReactNode }

export const SelectField = forwardRef<HTMLSelectElement, SelectProps>(function SelectField(
  { label, hint, id, className, children, ...select },
  ref,
) {
  const generated = useId()
  const selectId = id ?? generated
  const hintId = hint ? `${selectId}-hint` : undefined
  return (
    <div className={`field${className ? ` ${className}` : ''}`}>
      <label htmlFor={selectId}>{label}</label>
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      <select id={selectId} ref={ref} aria-describedby={hintId} {...select}>
        {children}
      </select>
    </div>
  )
})

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

/** A page: sets the document title and moves focus to the heading when the page changes (for screen readers),
 * unless the page put it on a field of its own. */
export function Page({ title, actions, children, wide }: { title: string; actions?: ReactNode; children: ReactNode; wide?: boolean }) {
  const heading = useRef<HTMLHeadingElement>(null)
  const section = useRef<HTMLElement>(null)
  const t = useMessages(common)
  useEffect(() => {
    document.title = `${title} · ${t('appName')}`
    if (!section.current?.contains(document.activeElement)) heading.current?.focus({ preventScroll: true })
  }, [title, t])
  return (
    <section className={`page${wide ? ' page-wide' : ''}`} ref={section}>
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

/** Copies `text`; says "Copied" for a moment (announced politely). */
export function CopyButton({ text, label }: { text: string; label?: string }) {
  const t = useMessages(common)
  const [done, setDone] = useState(false)
  useEffect(() => {
    if (!done) return
    const timer = setTimeout(() => setDone(false), 2500)
    return () => clearTimeout(timer)
  }, [done])
  return (
    <>
      <Button
        variant="secondary"
        onClick={() => {
          void navigator.clipboard?.writeText(text).then(
            () => setDone(true),
            () => setDone(false),
          )
        }}
      >
        {label ?? t('copy')}
      </Button>
      <span className="sr-status" role="status">
        {done ? t('copied') : ''}
      </span>
    </>
  )
}
