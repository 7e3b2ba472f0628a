import { asProblem } from '../api/problem'
import { useMessages } from '../i18n/i18n'
import { Alert, TextField } from '../ui/ui'
import { messages } from './messages'
import { useProblemWith } from './problems'

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export function EmailField({
  value,
  onChange,
  error,
  autoFocus = false,
}: {
  value: string
  onChange: (v: string) => void
  error?: string | null
  autoFocus?: boolean
}) {
  const t = useMessages(messages)
  return (
    <TextField
      label={t('email')}
      type="email"
      name="email"
      autoComplete="email"
      inputMode="email"
      spellCheck={false}
      autoCapitalize="none"
      required
      autoFocus={autoFocus}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error}
    />
  )
}

/** The email field and what went wrong: a malformed address (ours or the API's) by the field, anything else below. */
export function EmailWithProblem({
  value,
  onChange,
  invalid,
  error,
  autoFocus = false,
}: {
  value: string
  onChange: (v: string) => void
  invalid: boolean
  error: unknown
  autoFocus?: boolean
}) {
  const t = useMessages(messages)
  const problem = useProblemWith(messages)
  const failed = error ? asProblem(error) : null
  const malformed = invalid || failed?.code === 'validation_error'
  return (
    <>
      <EmailField value={value} onChange={onChange} error={malformed ? t('emailInvalid') : null} autoFocus={autoFocus} />
      {failed && !malformed && <Alert tone="error">{problem(failed)}</Alert>}
    </>
  )
}
