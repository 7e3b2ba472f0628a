// Setting up two-step sign-in when the team requires it (session state `mfa_enrolment_required`): a QR code and
// the key, a first code to confirm, then the recovery codes, shown once.
import { valibotResolver } from '@hookform/resolvers/valibot'
import { useMutation, useQuery } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import { useForm } from 'react-hook-form'
import { Navigate } from 'react-router'
import * as v from 'valibot'
import { api, setCsrfToken, unwrap, type Schemas } from '../api/client'
import { useSession } from '../api/me'
import { useMessages } from '../i18n/i18n'
import { Alert, Button, CopyButton, ErrorState, Loading, Page, ProblemAlert, TextField } from '../ui/ui'
import { codeRule } from './forms'
import { messages } from './messages'
import QrCode from './QrCode'
import { useAfterSignIn } from './useAfterSignIn'

/** "ABCD EFGH …": the key in groups of four, easier to type. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim()
}

function RecoveryCodes({ answer }: { answer: Schemas['MfaConfirmed'] }) {
  const t = useMessages(messages)
  const after = useAfterSignIn()
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => heading.current?.focus(), [])
  return (
    <section aria-labelledby="recovery-title">
      <h2 id="recovery-title" tabIndex={-1} ref={heading}>
        {t('recoveryTitle')}
      </h2>
      <p>{t('recoveryIntro')}</p>
      <ul className="recovery-codes">
        {answer.recovery_codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <div className="actions">
        <CopyButton text={answer.recovery_codes.join('\n')} label={t('copyCodes')} />
        <Button onClick={() => void after(answer)}>{t('recoveryDone')}</Button>
      </div>
    </section>
  )
}

export default function EnrolMfaPage() {
  const t = useMessages(messages)
  const session = useSession()
  const me = session.data?.kind === 'signed_in' ? session.data.me : null
  const enrolling = me?.session_state === 'mfa_enrolment_required'
  const enrolment = useQuery({
    queryKey: ['mfa-enrolment'],
    queryFn: () => unwrap(api.POST('/v1/me/mfa')),
    enabled: enrolling,
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
    refetchOnWindowFocus: false,
  })
  const [confirmed, setConfirmed] = useState<Schemas['MfaConfirmed'] | null>(null)
  const schema = v.object({ code: codeRule(t) })
  const form = useForm({ resolver: valibotResolver(schema), defaultValues: { code: '' } })
  const confirm = useMutation({
    mutationFn: (code: string) => unwrap(api.POST('/v1/me/mfa/confirm', { body: { code } })),
    onSuccess: (answer) => {
      setCsrfToken(answer.csrf_token)
      setConfirmed(answer)
    },
    onError: () => form.setValue('code', ''),
  })

  if (session.isPending) return <Loading />
  if (session.isError) return <ErrorState error={session.error} onRetry={() => session.refetch()} />
  if (confirmed) {
    return (
      <Page title={t('enrolTitle')}>
        <RecoveryCodes answer={confirmed} />
      </Page>
    )
  }
  if (!enrolling || !me) return <Navigate replace to={session.data.kind === 'none' ? '/dashboard/sign-in' : '/dashboard'} />
  const team = me.memberships.find((m) => m.partner_id === me.current_partner_id)?.partner_name ?? ''
  return (
    <Page title={t('enrolTitle')}>
      <Alert tone="info">{t('enrolRequired', { team })}</Alert>
      {enrolment.isPending && <Loading />}
      {enrolment.isError && <ErrorState error={enrolment.error} onRetry={() => enrolment.refetch()} />}
      {enrolment.data && (
        <div className="mfa-setup">
          <h2>{t('enrolScan')}</h2>
          <QrCode value={enrolment.data.otpauth_uri} label={t('enrolQrLabel', { email: me.email })} />
          <p>
            {t('enrolKey')}{' '}
            <code className="secret" data-secret={enrolment.data.secret}>
              {grouped(enrolment.data.secret)}
            </code>
          </p>
          <h2>{t('enrolConfirm')}</h2>
          <form noValidate onSubmit={form.handleSubmit(({ code }) => confirm.mutate(code))}>
            <ProblemAlert error={confirm.error} />
            <TextField label={t('code')} inputMode="numeric" autoComplete="one-time-code" maxLength={6} error={form.formState.errors.code?.message} {...form.register('code')} />
            <Button type="submit" busy={confirm.isPending}>
              {t('enrolConfirmButton')}
            </Button>
          </form>
        </div>
      )}
    </Page>
  )
}
