// Two-step sign-in: set-up (QR code + key, confirmed by a first code), recovery codes shown once, replace them,
// turn it off.
import { useMutation } from '@tanstack/react-query'
import { lazy, Suspense, useEffect, useRef, useState } from 'react'
import { api, setCsrfToken, unwrap } from '../api/client'
import { type Me, useRefreshSession } from '../api/queries/me'
import { CodeBoxes, type CodeBoxesHandle } from '../auth/CodeBoxes'
import { useProblemWith } from '../auth/problems'
import { useI18n, useMessages } from '../i18n/i18n'
import { formatDate } from '../lib/dates'
import { useBranding } from '../shell/PartnerLayout'
import { Alert, Button, Loading, ProblemAlert } from '../ui/ui'
import { Dialog } from '../ui/Dialog'
import { messages } from './messages'
import { shownError, useStepUp } from './StepUp'

const QrCode = lazy(() => import('./QrCode'))

type Enrolment = { secret: string; otpauth_uri: string }

export function MfaSection({ me, readOnly }: { me: Me; readOnly: boolean }) {
  const t = useMessages(messages)
  const refresh = useRefreshSession()
  const stepUp = useStepUp()
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null)
  const [codes, setCodes] = useState<string[] | null>(null)
  const [notice, setNotice] = useState<'on' | 'off' | null>(null)
  const [confirmOff, setConfirmOff] = useState(false)

  const begin = useMutation({
    mutationFn: () => stepUp.run(() => unwrap(api.POST('/portal/v1/me/mfa'))),
    onSuccess: (answer) => {
      setNotice(null)
      setEnrolment(answer)
    },
  })
  const replace = useMutation({
    mutationFn: () => stepUp.run(() => unwrap(api.POST('/portal/v1/me/mfa/recovery-codes'))),
    onSuccess: (answer) => {
      setCsrfToken(answer.csrf_token)
      setNotice(null)
      setCodes(answer.recovery_codes)
    },
  })
  const off = useMutation({
    mutationFn: () => stepUp.run(() => unwrap(api.DELETE('/portal/v1/me/mfa'))),
    onSuccess: async (answer) => {
      setCsrfToken(answer.csrf_token)
      await refresh()
      setConfirmOff(false)
      setNotice('off')
    },
  })

  return (
    <section className="card security-section" aria-labelledby="mfa-heading">
      <h2 id="mfa-heading">{t('mfaHeading')}</h2>
      {notice === 'on' && <Alert tone="success">{t('mfaTurnedOn')}</Alert>}
      {notice === 'off' && <Alert tone="success">{t('mfaTurnedOff')}</Alert>}
      {codes ? (
        <RecoveryCodes codes={codes} email={me.email} onDone={() => setCodes(null)} />
      ) : enrolment ? (
        <SetUp
          enrolment={enrolment}
          email={me.email}
          run={stepUp.run}
          onCancel={() => setEnrolment(null)}
          onDone={(recovery) => {
            setEnrolment(null)
            setNotice('on')
            setCodes(recovery)
          }}
        />
      ) : me.mfa_enabled ? (
        <>
          <p>
            <strong>{t('mfaOnStatus')}</strong> {t('mfaOnBody')}
          </p>
          <ProblemAlert error={shownError(replace.error)} />
          <div className="row">
            <Button variant="secondary" onClick={() => replace.mutate()} busy={replace.isPending} disabled={readOnly}>
              {t('newCodes')}
            </Button>
            <Button variant="secondary" onClick={() => setConfirmOff(true)} disabled={readOnly}>
              {t('turnOff')}
            </Button>
          </div>
          <p className="hint">{t('newCodesHint')}</p>
        </>
      ) : (
        <>
          <p>{t('mfaOff')}</p>
          <ProblemAlert error={shownError(begin.error)} />
          <Button onClick={() => begin.mutate()} busy={begin.isPending} disabled={readOnly}>
            {t('setUpMfa')}
          </Button>
        </>
      )}
      {confirmOff && (
        <Dialog title={t('turnOffTitle')} onClose={() => !off.isPending && setConfirmOff(false)}>
          <p>{t('turnOffBody')}</p>
          <ProblemAlert error={shownError(off.error)} />
          <div className="row dialog-actions">
            <Button variant="danger" onClick={() => off.mutate()} busy={off.isPending}>
              {t('turnOffConfirm')}
            </Button>
            <Button variant="secondary" onClick={() => setConfirmOff(false)} disabled={off.isPending}>
              {t('cancel')}
            </Button>
          </div>
        </Dialog>
      )}
      {stepUp.dialog}
    </section>
  )
}

function SetUp({
  enrolment,
  email,
  run,
  onCancel,
  onDone,
}: {
  enrolment: Enrolment
  email: string
  run: <T>(action: () => Promise<T>) => Promise<T>
  onCancel: () => void
  onDone: (codes: string[]) => void
}) {
  const t = useMessages(messages)
  const branding = useBranding()
  const problem = useProblemWith(messages)
  const refresh = useRefreshSession()
  const boxes = useRef<CodeBoxesHandle>(null)
  const heading = useRef<HTMLHeadingElement>(null)
  const confirm = useMutation({
    mutationFn: (code: string) => run(() => unwrap(api.POST('/portal/v1/me/mfa/confirm', { body: { code } }))),
    onSuccess: async (answer) => {
      setCsrfToken(answer.csrf_token)
      await refresh()
      onDone(answer.recovery_codes)
    },
    onError: () => boxes.current?.clear(),
  })
  useEffect(() => heading.current?.focus(), [])
  const grouped = enrolment.secret.replace(/(.{4})/g, '$1 ').trim()
  return (
    <div className="mfa-setup">
      <h3 tabIndex={-1} ref={heading}>
        {t('scanTitle')}
      </h3>
      <div className="qr-frame">
        <Suspense fallback={<Loading label={t('loadingQr')} />}>
          <QrCode value={enrolment.otpauth_uri} label={t('qrAlt', { partner: branding.name, email })} />
        </Suspense>
      </div>
      <p>{t('cantScan')}</p>
      <p className="secret-row">
        <span className="visually-hidden">{t('setupKey')}: </span>
        <code className="secret" data-secret={enrolment.secret}>
          {grouped}
        </code>
        <CopyButton text={enrolment.secret} label={t('copyKey')} />
      </p>
      <h3>{t('enterFirst')}</h3>
      <form onSubmit={(e) => e.preventDefault()}>
        <CodeBoxes
          ref={boxes}
          label={t('totpLabel')}
          onComplete={(code) => confirm.mutate(code)}
          busy={confirm.isPending}
          error={shownError(confirm.error) ? problem(confirm.error) : null}
        />
      </form>
      {confirm.isPending && <Loading label={t('checking')} />}
      <Button variant="secondary" onClick={onCancel} disabled={confirm.isPending}>
        {t('cancelSetUp')}
      </Button>
    </div>
  )
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const t = useMessages(messages)
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text)
      setState('copied')
    } catch {
      setState('failed')
    }
  }
  return (
    <>
      <Button variant="secondary" onClick={copy}>
        {label}
      </Button>
      <span role="status" className="copy-status">
        {state === 'copied' ? t('copied') : state === 'failed' ? t('copyFailed') : ''}
      </span>
    </>
  )
}

function RecoveryCodes({ codes, email, onDone }: { codes: string[]; email: string; onDone: () => void }) {
  const t = useMessages(messages)
  const branding = useBranding()
  const { intlLocale } = useI18n()
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => heading.current?.focus(), [])
  const text = [
    t('recoveryFile', { partner: branding.name, email, date: formatDate(new Date().toISOString(), intlLocale) }),
    '',
    ...codes,
    '',
  ].join('\n')
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }))
    const a = document.createElement('a')
    a.href = url
    a.download = `recovery-codes-${branding.slug}.txt`
    document.body.appendChild(a)
    a.click()
    a.remove()
    setTimeout(() => URL.revokeObjectURL(url), 1000)
  }
  return (
    <div className="recovery">
      <h3 tabIndex={-1} ref={heading}>
        {t('recoveryTitle')}
      </h3>
      <p>{t('recoveryIntro')}</p>
      <Alert tone="warning">{t('recoveryOnce')}</Alert>
      <ol className="recovery-codes" aria-label={t('recoveryTitle')}>
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="row">
        <CopyButton text={codes.join('\n')} label={t('copyCodes')} />
        <Button variant="secondary" onClick={download}>
          {t('downloadCodes')}
        </Button>
      </div>
      <div className="row recovery-done">
        <Button onClick={onDone}>{t('savedCodes')}</Button>
      </div>
    </div>
  )
}
