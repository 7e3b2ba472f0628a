// Pages opened from emailed links and their requests: forgot password → reset, and accepting an invitation.
// The token is in the fragment (never sent to a server) and leaves the address bar at once.
import { valibotResolver } from '@hookform/resolvers/valibot'
import { useMutation } from '@tanstack/react-query'
import { useState } from 'react'
import { useForm } from 'react-hook-form'
import { Link } from 'react-router'
import * as v from 'valibot'
import { Problem } from '@shared/problem'
import { api, unwrap } from '../api/client'
import { useMessages } from '../i18n/i18n'
import { Alert, Button, Page, ProblemAlert, TextField } from '../ui/ui'
import { emailRule, newPasswordRule } from './forms'
import { takeFragmentToken } from './fragmentToken'
import { messages } from './messages'
import { useAfterSignIn } from './useAfterSignIn'

export function ForgotPasswordPage() {
  const t = useMessages(messages)
  const [sentTo, setSentTo] = useState<string | null>(null)
  const schema = v.object({ email: emailRule(t) })
  const form = useForm({ resolver: valibotResolver(schema), defaultValues: { email: '' } })
  const send = useMutation({
    mutationFn: (email: string) => unwrap(api.POST('/v1/auth/password-reset', { body: { email } })),
    onSuccess: (_answer, email) => setSentTo(email),
  })
  return (
    <Page title={t('forgotTitle')}>
      {sentTo ? (
        <Alert tone="success">{t('linkSent', { email: sentTo })}</Alert>
      ) : (
        <form noValidate onSubmit={form.handleSubmit(({ email }) => send.mutate(email))}>
          <p>{t('forgotIntro')}</p>
          <ProblemAlert error={send.error} />
          <TextField label={t('email')} type="email" autoComplete="username" autoFocus error={form.formState.errors.email?.message} {...form.register('email')} />
          <Button type="submit" busy={send.isPending}>
            {t('sendLink')}
          </Button>
        </form>
      )}
      <div className="links">
        <Link to="/dashboard/sign-in">{t('haveAccount')}</Link>
      </div>
    </Page>
  )
}

/** The token of the link that opened the page, read once (a re-render must not find the address already cleaned). */
function useLinkToken(): string | null {
  const [token] = useState(() => takeFragmentToken())
  return token
}

export function ResetPasswordPage() {
  const t = useMessages(messages)
  const token = useLinkToken()
  const after = useAfterSignIn()
  const schema = v.object({ password: newPasswordRule(t) })
  const form = useForm({ resolver: valibotResolver(schema), defaultValues: { password: '' } })
  const reset = useMutation({
    mutationFn: (password: string) => unwrap(api.POST('/v1/auth/password-reset/confirm', { body: { token: token ?? '', password } })),
    onSuccess: after,
  })
  const fieldError = reset.error instanceof Problem ? reset.error.fieldError('password') : undefined
  return (
    <Page title={t('resetTitle')}>
      {token ? (
        <form noValidate onSubmit={form.handleSubmit(({ password }) => reset.mutate(password))}>
          {!fieldError && <ProblemAlert error={reset.error} />}
          <TextField
            label={t('newPassword')}
            type="password"
            autoComplete="new-password"
            hint={t('passwordHint')}
            autoFocus
            error={form.formState.errors.password?.message ?? fieldError}
            {...form.register('password')}
          />
          <Button type="submit" busy={reset.isPending}>
            {t('resetButton')}
          </Button>
        </form>
      ) : (
        <Alert tone="warning">{t('noToken')}</Alert>
      )}
      <div className="links">
        <Link to="/dashboard/forgot-password">{t('askNewLink')}</Link>
      </div>
    </Page>
  )
}

export function AcceptInvitationPage() {
  const t = useMessages(messages)
  const token = useLinkToken()
  const after = useAfterSignIn()
  const schema = v.object({
    name: v.pipe(v.string(), v.trim(), v.maxLength(200)),
    password: v.union([v.literal(''), newPasswordRule(t)]),
  })
  const form = useForm({ resolver: valibotResolver(schema), defaultValues: { name: '', password: '' } })
  const accept = useMutation({
    mutationFn: (values: { name: string; password: string }) =>
      unwrap(
        api.POST('/v1/auth/invitations/accept', {
          body: { token: token ?? '', name: values.name || null, password: values.password || null },
        }),
      ),
    onSuccess: after,
  })
  const fieldError = accept.error instanceof Problem ? accept.error.fieldError('password') : undefined
  return (
    <Page title={t('inviteTitle')}>
      {token ? (
        <form noValidate onSubmit={form.handleSubmit((values) => accept.mutate(values))}>
          <p>{t('inviteIntro')}</p>
          {!fieldError && <ProblemAlert error={accept.error} />}
          <TextField label={t('name')} autoComplete="name" autoFocus {...form.register('name')} />
          <TextField
            label={t('password')}
            type="password"
            autoComplete="new-password"
            hint={t('invitePasswordHint')}
            error={form.formState.errors.password?.message ?? fieldError}
            {...form.register('password')}
          />
          <Button type="submit" busy={accept.isPending}>
            {t('acceptInvite')}
          </Button>
        </form>
      ) : (
        <Alert tone="warning">{t('noToken')}</Alert>
      )}
    </Page>
  )
}
