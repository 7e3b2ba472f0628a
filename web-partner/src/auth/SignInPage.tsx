// Sign-in: with a password, or with a code emailed to the address. Either may lead to the MFA step.
import { valibotResolver } from '@hookform/resolvers/valibot'
import { useMutation, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { useForm } from 'react-hook-form'
import { Link } from 'react-router'
import * as v from 'valibot'
import { api, unwrap } from '../api/client'
import { useMessages } from '../i18n/i18n'
import { Alert, Button, Page, ProblemAlert, TextField } from '../ui/ui'
import { codeRule, emailRule, passwordRule } from './forms'
import { messages } from './messages'
import { useAfterSignIn } from './useAfterSignIn'

function PasswordForm() {
  const t = useMessages(messages)
  const after = useAfterSignIn()
  const schema = v.object({ email: emailRule(t), password: passwordRule(t) })
  const form = useForm({ resolver: valibotResolver(schema), defaultValues: { email: '', password: '' } })
  const signIn = useMutation({
    mutationFn: (body: v.InferOutput<typeof schema>) => unwrap(api.POST('/v1/auth/sign-in/password', { body })),
    onSuccess: after,
  })
  const errors = form.formState.errors
  return (
    <form noValidate onSubmit={form.handleSubmit((values) => signIn.mutate(values))}>
      <ProblemAlert error={signIn.error} />
      <TextField label={t('email')} type="email" autoComplete="username" autoFocus error={errors.email?.message} {...form.register('email')} />
      <TextField label={t('password')} type="password" autoComplete="current-password" error={errors.password?.message} {...form.register('password')} />
      <Button type="submit" busy={signIn.isPending}>
        {t('signIn')}
      </Button>
    </form>
  )
}

function CodeForm() {
  const t = useMessages(messages)
  const after = useAfterSignIn()
  const [sentTo, setSentTo] = useState<string | null>(null)
  const emailSchema = v.object({ email: emailRule(t) })
  const emailForm = useForm({ resolver: valibotResolver(emailSchema), defaultValues: { email: '' } })
  const codeSchema = v.object({ code: codeRule(t) })
  const codeForm = useForm({ resolver: valibotResolver(codeSchema), defaultValues: { code: '' } })
  const send = useMutation({
    mutationFn: (email: string) => unwrap(api.POST('/v1/auth/sign-in/code', { body: { email } })),
    onSuccess: (_answer, email) => setSentTo(email),
  })
  const verify = useMutation({
    mutationFn: (code: string) => unwrap(api.POST('/v1/auth/sign-in/verify', { body: { email: sentTo ?? '', code } })),
    onSuccess: after,
  })
  if (sentTo === null) {
    return (
      <form noValidate onSubmit={emailForm.handleSubmit(({ email }) => send.mutate(email))}>
        <ProblemAlert error={send.error} />
        <TextField label={t('email')} type="email" autoComplete="username" autoFocus error={emailForm.formState.errors.email?.message} {...emailForm.register('email')} />
        <Button type="submit" busy={send.isPending}>
          {t('sendCode')}
        </Button>
      </form>
    )
  }
  return (
    <form noValidate onSubmit={codeForm.handleSubmit(({ code }) => verify.mutate(code))}>
      <Alert tone="info">{t('codeSent', { email: sentTo })}</Alert>
      <ProblemAlert error={verify.error} />
      <TextField
        label={t('code')}
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={6}
        autoFocus
        error={codeForm.formState.errors.code?.message}
        {...codeForm.register('code')}
      />
      <div className="actions">
        <Button type="submit" busy={verify.isPending}>
          {t('verify')}
        </Button>
        <Button variant="link" onClick={() => setSentTo(null)}>
          {t('useAnotherEmail')}
        </Button>
      </div>
    </form>
  )
}

export default function SignInPage() {
  const t = useMessages(messages)
  const [method, setMethod] = useState<'password' | 'code'>('password')
  // The sign-up link only when the API takes sign-ups (GET /v1/auth/config, public); none while it is unknown.
  const config = useQuery({
    queryKey: ['auth-config'],
    queryFn: () => unwrap(api.GET('/v1/auth/config')),
    staleTime: 5 * 60_000,
  })
  return (
    <Page title={t('signInTitle')}>
      <div className="tabs" role="group" aria-label={t('signInMethod')}>
        <Button variant="secondary" aria-pressed={method === 'password'} onClick={() => setMethod('password')}>
          {t('withPassword')}
        </Button>
        <Button variant="secondary" aria-pressed={method === 'code'} onClick={() => setMethod('code')}>
          {t('withCode')}
        </Button>
      </div>
      {method === 'password' ? <PasswordForm /> : <CodeForm />}
      <div className="links">
        <Link to="/dashboard/forgot-password">{t('forgotPassword')}</Link>
        {config.data?.sign_up_open && <Link to="/dashboard/sign-up">{t('noAccount')}</Link>}
      </div>
    </Page>
  )
}
