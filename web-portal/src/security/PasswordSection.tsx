// Set a first password (after a step-up) or change the current one.
import { useMutation } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { api, setCsrfToken, unwrap } from '../api/client'
import { asProblem } from '../api/problem'
import { type Me, useRefreshSession } from '../api/queries/me'
import { messages as authMessages } from '../auth/messages'
import { newPasswordError, PasswordFields, type NewPassword } from '../auth/PasswordFields'
import { useProblemWith } from '../auth/problems'
import { useMessages } from '../i18n/i18n'
import { Alert, Button, TextField } from '../ui/ui'
import { messages } from './messages'
import { shownError, useStepUp } from './StepUp'

const NEW_PASSWORD_CODES = new Set(['password_length', 'password_too_common'])

export function PasswordSection({ me, readOnly }: { me: Me; readOnly: boolean }) {
  const t = useMessages(messages)
  const ta = useMessages(authMessages)
  const problem = useProblemWith(messages)
  const refresh = useRefreshSession()
  const stepUp = useStepUp()
  const [open, setOpen] = useState(false)
  const [current, setCurrent] = useState('')
  const [value, setValue] = useState<NewPassword>({ password: '', confirm: '' })
  const [checked, setChecked] = useState(false)
  const [done, setDone] = useState(false)

  const save = useMutation({
    mutationFn: () =>
      stepUp.run(() =>
        unwrap(
          api.POST('/portal/v1/me/password', {
            body: { current_password: me.has_password ? current : null, new_password: value.password },
          }),
        ),
      ),
    onSuccess: async (answer) => {
      setCsrfToken(answer.csrf_token)
      await refresh()
      setOpen(false)
      setDone(true)
      setCurrent('')
      setValue({ password: '', confirm: '' })
      setChecked(false)
    },
  })

  const local = checked ? newPasswordError(value) : null
  const error = shownError(save.error) ? asProblem(save.error) : null
  const submit = (e: FormEvent) => {
    e.preventDefault()
    setChecked(true)
    if (newPasswordError(value) || (me.has_password && !current)) return
    save.mutate()
  }

  return (
    <section className="card security-section" aria-labelledby="password-heading">
      <h2 id="password-heading">{t('passwordHeading')}</h2>
      <p>{me.has_password ? t('passwordOn') : t('passwordOff')}</p>
      {done && <Alert tone="success">{t('passwordSaved')}</Alert>}
      {!open ? (
        <Button
          variant="secondary"
          disabled={readOnly}
          onClick={() => {
            setDone(false)
            setOpen(true)
          }}
        >
          {me.has_password ? t('changePassword') : t('setPassword')}
        </Button>
      ) : (
        <form onSubmit={submit} noValidate className="narrow-form">
          {me.has_password && (
            <TextField
              label={t('currentPassword')}
              type="password"
              autoComplete="current-password"
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
              error={
                checked && !current ? ta('passwordRequired') : error?.code === 'invalid_credentials' ? problem(error) : null
              }
            />
          )}
          <PasswordFields
            label={t('newPassword')}
            value={value}
            onChange={setValue}
            error={local === 'passwordRequired' ? ta(local) : error && NEW_PASSWORD_CODES.has(error.code) ? problem(error) : null}
            confirmError={local === 'passwordsDiffer' ? ta(local) : null}
          />
          {error && error.code !== 'invalid_credentials' && !NEW_PASSWORD_CODES.has(error.code) && (
            <Alert tone="error">{problem(error)}</Alert>
          )}
          <div className="row">
            <Button type="submit" busy={save.isPending} disabled={readOnly}>
              {t('savePassword')}
            </Button>
            <Button
              variant="secondary"
              onClick={() => {
                save.reset()
                setOpen(false)
                setChecked(false)
              }}
            >
              {t('cancel')}
            </Button>
          </div>
        </form>
      )}
      {stepUp.dialog}
    </section>
  )
}
