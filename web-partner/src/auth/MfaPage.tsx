// The second step of signing in, for a session in state `mfa_required`: an authenticator or recovery code.
import { valibotResolver } from '@hookform/resolvers/valibot'
import { useMutation } from '@tanstack/react-query'
import { useForm } from 'react-hook-form'
import { Link } from 'react-router'
import * as v from 'valibot'
import { api, unwrap } from '../api/client'
import { useMessages } from '../i18n/i18n'
import { Button, Page, ProblemAlert, TextField } from '../ui/ui'
import { messages } from './messages'
import { useAfterSignIn } from './useAfterSignIn'

export default function MfaPage() {
  const t = useMessages(messages)
  const after = useAfterSignIn()
  const schema = v.object({ code: v.pipe(v.string(), v.trim(), v.nonEmpty(t('mfaCodeRequired')), v.maxLength(20, t('mfaCodeRequired'))) })
  const form = useForm({ resolver: valibotResolver(schema), defaultValues: { code: '' } })
  const verify = useMutation({
    mutationFn: (code: string) => unwrap(api.POST('/v1/auth/sign-in/mfa', { body: { code } })),
    onSuccess: after,
    onError: () => form.setValue('code', ''),
  })
  return (
    <Page title={t('mfaTitle')}>
      <p>{t('mfaIntro')}</p>
      <form noValidate onSubmit={form.handleSubmit(({ code }) => verify.mutate(code.replace(/\s/g, '')))}>
        <ProblemAlert error={verify.error} />
        <TextField label={t('mfaCode')} autoComplete="one-time-code" autoFocus error={form.formState.errors.code?.message} {...form.register('code')} />
        <Button type="submit" busy={verify.isPending}>
          {t('verify')}
        </Button>
      </form>
      <div className="links">
        <Link to="/dashboard/sign-in">{t('startOver')}</Link>
      </div>
    </Page>
  )
}
