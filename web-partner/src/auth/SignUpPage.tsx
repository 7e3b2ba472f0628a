// Opening a new partner account (when the server allows it: otherwise the API says so and the page shows it),
// confirmed by a code emailed to the address.
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
import { codeRule, emailRule, newPasswordRule } from './forms'
import { messages } from './messages'
import { useAfterSignIn } from './useAfterSignIn'

export default function SignUpPage() {
  const t = useMessages(messages)
  const after = useAfterSignIn()
  const [sentTo, setSentTo] = useState<string | null>(null)
  const schema = v.object({
    partner_name: v.pipe(v.string(), v.trim(), v.nonEmpty(t('nameRequired')), v.maxLength(200)),
    slug: v.pipe(v.string(), v.trim(), v.regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, t('slugInvalid'))),
    email: emailRule(t),
    password: newPasswordRule(t),
  })
  const form = useForm({ resolver: valibotResolver(schema), defaultValues: { partner_name: '', slug: '', email: '', password: '' } })
  const codeSchema = v.object({ code: codeRule(t) })
  const codeForm = useForm({ resolver: valibotResolver(codeSchema), defaultValues: { code: '' } })
  const signUp = useMutation({
    mutationFn: (body: v.InferOutput<typeof schema>) => unwrap(api.POST('/v1/auth/sign-up', { body })),
    onSuccess: (_answer, body) => setSentTo(body.email),
  })
  const verify = useMutation({
    mutationFn: (code: string) => unwrap(api.POST('/v1/auth/sign-up/verify', { body: { email: sentTo ?? '', code } })),
    onSuccess: after,
  })
  const errors = form.formState.errors
  const apiField = (field: string) => (signUp.error instanceof Problem ? signUp.error.fieldError(field) : undefined)
  const slug = form.watch('slug')
  return (
    <Page title={t('signUpTitle')}>
      {sentTo === null ? (
        <form noValidate onSubmit={form.handleSubmit((values) => signUp.mutate(values))}>
          <ProblemAlert error={signUp.error} />
          <TextField label={t('partnerName')} autoComplete="organization" autoFocus error={errors.partner_name?.message ?? apiField('partner_name')} {...form.register('partner_name')} />
          <TextField label={t('slug')} hint={t('slugHint', { slug: slug || '…' })} error={errors.slug?.message ?? apiField('slug')} {...form.register('slug')} />
          <TextField label={t('email')} type="email" autoComplete="email" error={errors.email?.message ?? apiField('email')} {...form.register('email')} />
          <TextField label={t('password')} type="password" autoComplete="new-password" hint={t('passwordHint')} error={errors.password?.message ?? apiField('password')} {...form.register('password')} />
          <Button type="submit" busy={signUp.isPending}>
            {t('signUp')}
          </Button>
        </form>
      ) : (
        <form noValidate onSubmit={codeForm.handleSubmit(({ code }) => verify.mutate(code))}>
          <Alert tone="info">{t('signUpCodeSent', { email: sentTo })}</Alert>
          <ProblemAlert error={verify.error} />
          <TextField label={t('code')} inputMode="numeric" autoComplete="one-time-code" maxLength={6} autoFocus error={codeForm.formState.errors.code?.message} {...codeForm.register('code')} />
          <Button type="submit" busy={verify.isPending}>
            {t('confirm')}
          </Button>
        </form>
      )}
      <div className="links">
        <Link to="/dashboard/sign-in">{t('haveAccount')}</Link>
      </div>
    </Page>
  )
}
