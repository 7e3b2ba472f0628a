// "Forgot password": always the same answer, whether or not the address has an account.
import { useMutation } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { Link, useLocation } from 'react-router'
import { api, unwrap } from '../api/client'
import { useI18n, useMessages } from '../i18n/i18n'
import { usePortalPath, useSlug } from '../shell/paths'
import { Alert, Button, Page } from '../ui/ui'
import { EMAIL, EmailWithProblem } from './EmailField'
import { messages } from './messages'

export function ForgotPasswordPage() {
  const t = useMessages(messages)
  const to = usePortalPath()
  const slug = useSlug()
  const location = useLocation()
  const initial = (location.state as { email?: unknown } | null)?.email
  const [email, setEmail] = useState(typeof initial === 'string' ? initial : '')
  const [invalid, setInvalid] = useState(false)
  const { locale: language } = useI18n()
  const send = useMutation({
    mutationFn: (address: string) =>
      unwrap(api.POST('/portal/v1/partners/{slug}/password-reset', { params: { path: { slug } }, body: { email: address, language } })),
  })
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (!EMAIL.test(email.trim())) return setInvalid(true)
    setInvalid(false)
    send.mutate(email.trim())
  }
  return (
    <Page title={t('forgotTitle')}>
      <div className="card auth-card">
        {send.isSuccess ? (
          <Alert tone="success">{t('forgotSent', { email: send.variables })}</Alert>
        ) : (
          <form onSubmit={submit} noValidate>
            <p>{t('forgotIntro')}</p>
            <EmailWithProblem value={email} onChange={setEmail} invalid={invalid} error={send.error} />
            <Button type="submit" className="btn-block" busy={send.isPending}>
              {t('sendLink')}
            </Button>
          </form>
        )}
        <div className="auth-links">
          <Link to={to('sign-in')}>{t('backToSignIn')}</Link>
        </div>
      </div>
    </Page>
  )
}
