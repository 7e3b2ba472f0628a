// Change the sign-in email: a code goes to the new address (after a step-up), and the change happens when it
// comes back.
import { useMutation } from '@tanstack/react-query'
import { useRef, useState, type FormEvent } from 'react'
import { api, setCsrfToken, unwrap } from '../api/client'
import { asProblem } from '../api/problem'
import { type Me, useRefreshSession } from '../api/queries/me'
import { CodeBoxes, type CodeBoxesHandle } from '../auth/CodeBoxes'
import { EMAIL } from '../auth/EmailField'
import { useProblemWith } from '../auth/problems'
import { useMessages } from '../i18n/i18n'
import { Alert, Button, Loading, TextField } from '../ui/ui'
import { messages } from './messages'
import { shownError, useStepUp } from './StepUp'

export function EmailSection({ me, readOnly }: { me: Me; readOnly: boolean }) {
  const t = useMessages(messages)
  const problem = useProblemWith(messages)
  const refresh = useRefreshSession()
  const stepUp = useStepUp()
  const boxes = useRef<CodeBoxesHandle>(null)
  const [step, setStep] = useState<'idle' | 'email' | 'code'>('idle')
  const [address, setAddress] = useState('')
  const [invalid, setInvalid] = useState(false)
  const [changed, setChanged] = useState<string | null>(null)

  const send = useMutation({
    mutationFn: (newEmail: string) => stepUp.run(() => unwrap(api.POST('/portal/v1/me/email', { body: { new_email: newEmail } }))),
    onSuccess: () => setStep('code'),
  })
  const confirm = useMutation({
    mutationFn: (code: string) =>
      stepUp.run(() => unwrap(api.POST('/portal/v1/me/email/confirm', { body: { new_email: address.trim(), code } }))),
    onSuccess: async (answer) => {
      setCsrfToken(answer.csrf_token)
      await refresh()
      setChanged(answer.email)
      setStep('idle')
      setAddress('')
    },
    onError: () => boxes.current?.clear(),
  })

  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (!EMAIL.test(address.trim())) return setInvalid(true)
    setInvalid(false)
    send.mutate(address.trim())
  }
  const sendError = shownError(send.error) ? asProblem(send.error) : null
  const cancel = () => {
    send.reset()
    confirm.reset()
    setStep('idle')
  }

  return (
    <section className="card security-section" aria-labelledby="email-heading">
      <h2 id="email-heading">{t('emailHeading')}</h2>
      <p>{t('emailCurrent', { email: me.email })}</p>
      {changed && <Alert tone="success">{t('emailChanged', { email: changed })}</Alert>}
      {step === 'idle' && (
        <Button
          variant="secondary"
          disabled={readOnly}
          onClick={() => {
            setChanged(null)
            setStep('email')
          }}
        >
          {t('changeEmail')}
        </Button>
      )}
      {step === 'email' && (
        <form onSubmit={submit} noValidate className="narrow-form">
          <TextField
            label={t('newEmail')}
            type="email"
            autoComplete="email"
            spellCheck={false}
            autoCapitalize="none"
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            error={invalid || sendError?.code === 'validation_error' ? t('emailInvalid') : sendError ? problem(sendError) : null}
          />
          <div className="row">
            <Button type="submit" busy={send.isPending}>
              {t('sendEmailCode')}
            </Button>
            <Button variant="secondary" onClick={cancel}>
              {t('cancel')}
            </Button>
          </div>
        </form>
      )}
      {step === 'code' && (
        <div className="narrow-form">
          <p role="status">{t('emailCodeSent', { email: address.trim() })}</p>
          <form onSubmit={(e) => e.preventDefault()}>
            <CodeBoxes
              ref={boxes}
              label={t('emailCodeLabel')}
              onComplete={(code) => confirm.mutate(code)}
              busy={confirm.isPending}
              error={shownError(confirm.error) ? problem(confirm.error) : null}
            />
          </form>
          {confirm.isPending && <Loading label={t('checking')} />}
          <Button variant="secondary" onClick={cancel}>
            {t('cancel')}
          </Button>
        </div>
      )}
      {stepUp.dialog}
    </section>
  )
}
