// Setting a password from an emailed link: a reset (`reset-password`) or a first password from an activation or
// team invitation (`activate`). The link's token is in the fragment; it is read once and removed from the address.
import { useMutation } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { Link } from 'react-router'
import { api, unwrap } from '../api/client'
import { asProblem } from '../api/problem'
import { useMessages } from '../i18n/i18n'
import { useBranding } from '../shell/PartnerLayout'
import { usePortalPath } from '../shell/paths'
import { Alert, Button, Page } from '../ui/ui'
import { takeFragmentToken } from './fragmentToken'
import { messages } from './messages'
import { newPasswordError, PasswordFields, type NewPassword } from './PasswordFields'
import { useProblemWith } from './problems'
import { useAfterSignIn } from './session'

const PASSWORD_CODES = new Set(['password_length', 'password_too_common'])

export function ResetPasswordPage() {
  return <SetPassword mode="reset" />
}

export function ActivatePage() {
  return <SetPassword mode="activate" />
}

function SetPassword({ mode }: { mode: 'reset' | 'activate' }) {
  const t = useMessages(messages)
  const branding = useBranding()
  const problem = useProblemWith(messages)
  const to = usePortalPath()
  const afterSignIn = useAfterSignIn()
  const [token] = useState(() => takeFragmentToken())
  const [value, setValue] = useState<NewPassword>({ password: '', confirm: '' })
  const [checked, setChecked] = useState(false)
  const save = useMutation({
    mutationFn: (password: string) => {
      const body = { token: token ?? '', password }
      return unwrap(
        mode === 'reset' ? api.POST('/portal/v1/password-reset', { body }) : api.POST('/portal/v1/activation', { body }),
      )
    },
    onSuccess: afterSignIn,
  })
  const title = mode === 'reset' ? t('resetTitle') : t('activateTitle')
  const newLink = mode === 'reset' ? (
    <Link to={to('forgot-password')}>{t('askNewReset')}</Link>
  ) : (
    <Link to={to('sign-in')}>{t('signInWithCode')}</Link>
  )

  if (!token) {
    return (
      <Page title={t('linkMissingTitle')}>
        <div className="card auth-card">
          <p>{t('linkMissing')}</p>
          <div className="auth-links">{newLink}</div>
        </div>
      </Page>
    )
  }

  const local = checked ? newPasswordError(value) : null
  const error = save.error ? asProblem(save.error) : null
  const submit = (e: FormEvent) => {
    e.preventDefault()
    setChecked(true)
    if (newPasswordError(value)) return
    save.mutate(value.password)
  }
  return (
    <Page title={title}>
      <form className="card auth-card" onSubmit={submit} noValidate>
        <p>{mode === 'reset' ? t('resetIntro') : t('activateIntro', { partner: branding.name })}</p>
        <PasswordFields
          value={value}
          onChange={setValue}
          error={local === 'passwordRequired' ? t(local) : error && PASSWORD_CODES.has(error.code) ? problem(error) : null}
          confirmError={local === 'passwordsDiffer' ? t(local) : null}
        />
        {error && !PASSWORD_CODES.has(error.code) && <Alert tone="error">{problem(error)}</Alert>}
        {error?.code === 'invalid_link' && <div className="auth-links">{newLink}</div>}
        <Button type="submit" className="btn-block" busy={save.isPending}>
          {t('savePassword')}
        </Button>
      </form>
    </Page>
  )
}
