// A new password typed twice, with the API's rules shown before anyone gets them wrong.
import { useId, useState } from 'react'
import { useMessages } from '../i18n/i18n'
import { TextField } from '../ui/ui'
import { messages } from './messages'

export interface NewPassword {
  password: string
  confirm: string
}

/** The client-side check: present and typed the same twice (length and common passwords are the API's call). */
export function newPasswordError(value: NewPassword): 'passwordRequired' | 'passwordsDiffer' | null {
  if (!value.password) return 'passwordRequired'
  if (value.password !== value.confirm) return 'passwordsDiffer'
  return null
}

export function PasswordFields({
  value,
  onChange,
  error,
  confirmError,
  label,
}: {
  value: NewPassword
  onChange: (v: NewPassword) => void
  error?: string | null
  confirmError?: string | null
  label?: string
}) {
  const t = useMessages(messages)
  const [shown, setShown] = useState(false)
  const id = useId()
  return (
    <>
      <TextField
        label={label ?? t('newPassword')}
        hint={t('passwordRules')}
        type={shown ? 'text' : 'password'}
        name="new-password"
        autoComplete="new-password"
        required
        minLength={8}
        maxLength={256}
        value={value.password}
        onChange={(e) => onChange({ ...value, password: e.target.value })}
        error={error}
      />
      <TextField
        label={t('confirmPassword')}
        type={shown ? 'text' : 'password'}
        name="confirm-password"
        autoComplete="new-password"
        required
        maxLength={256}
        value={value.confirm}
        onChange={(e) => onChange({ ...value, confirm: e.target.value })}
        error={confirmError}
      />
      <div className="check-row">
        <input id={id} type="checkbox" checked={shown} onChange={(e) => setShown(e.target.checked)} />
        <label htmlFor={id}>{t('showPassword')}</label>
      </div>
    </>
  )
}
