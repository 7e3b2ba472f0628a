// Step-up: actions the API guards with a recent second factor (`step_up_required`) ask for one in a dialog —
// the password, an authenticator code, or a code emailed now — and then carry on by themselves.
//
//   const stepUp = useStepUp()
//   const save = useMutation({ mutationFn: () => stepUp.run(() => unwrap(api.POST(…))) })
//   return <>{…}{stepUp.dialog}</>
//
// `run` rejects with StepUpCancelled when the person closes the dialog; `shownError(error)` hides that one.
import { useMutation, type UseMutationResult } from '@tanstack/react-query'
import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react'
import { api, setCsrfToken, unwrap } from '../api/client'
import { asProblem } from '../api/problem'
import { type Me, useMe, useRefreshSession } from '../api/queries/me'
import { CodeBoxes, type CodeBoxesHandle } from '../auth/CodeBoxes'
import { useProblemWith } from '../auth/problems'
import { clock, useCountdown } from '../auth/useCountdown'
import { useMessages } from '../i18n/i18n'
import { Alert, Button, Loading, TextField } from '../ui/ui'
import { Dialog } from '../ui/Dialog'
import { messages } from './messages'

export class StepUpCancelled extends Error {
  constructor() {
    super('step-up cancelled')
    this.name = 'StepUpCancelled'
  }
}

/** True for the API's answer that a second factor is needed first. */
export function needsStepUp(error: unknown): boolean {
  return asProblem(error).code === 'step_up_required'
}

/** The error to show, or null when there is nothing to say (the person cancelled the step-up). */
export function shownError(error: unknown): unknown {
  return error instanceof StepUpCancelled ? null : error
}

type Waiting = { resolve: () => void; reject: (e: unknown) => void; from: HTMLElement | null }

export function useStepUp(): { run: <T>(action: () => Promise<T>) => Promise<T>; dialog: ReactNode } {
  const [waiting, setWaiting] = useState<Waiting | null>(null)
  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<T> => {
    // The control that started it (focused now, perhaps disabled while busy later) gets focus back afterwards.
    const from = document.activeElement instanceof HTMLElement ? document.activeElement : null
    try {
      return await action()
    } catch (error) {
      if (!needsStepUp(error)) throw error
      await new Promise<void>((resolve, reject) => setWaiting({ resolve, reject, from }))
      return await action()
    }
  }, [])
  const dialog = waiting ? (
    <StepUpDialog
      returnFocus={waiting.from}
      onDone={() => {
        setWaiting(null)
        waiting.resolve()
      }}
      onCancel={() => {
        setWaiting(null)
        waiting.reject(new StepUpCancelled())
      }}
    />
  ) : null
  return { run, dialog }
}

type Method = 'password' | 'totp' | 'code'
type Proof = { password?: string; totp?: string; code?: string }

export function StepUpDialog({
  onDone,
  onCancel,
  returnFocus,
}: {
  onDone: () => void
  onCancel: () => void
  returnFocus?: HTMLElement | null
}) {
  const t = useMessages(messages)
  const problem = useProblemWith(messages)
  const { data: me } = useMe()
  const refresh = useRefreshSession()
  const methods: Method[] = [...(me?.has_password ? ['password' as const] : []), ...(me?.mfa_enabled ? ['totp' as const] : []), 'code']
  const [picked, setMethod] = useState<Method | null>(null)
  const method: Method = picked ?? methods[0] ?? 'code' // the strongest one this person has, until they pick
  const groupId = useId()

  const prove = useMutation({
    mutationFn: (proof: Proof) => unwrap(api.POST('/portal/v1/me/step-up', { body: proof })),
    onSuccess: async (answer) => {
      setCsrfToken(answer.csrf_token)
      await refresh()
      onDone()
    },
  })

  return (
    <Dialog title={t('stepUpTitle')} onClose={onCancel} returnFocus={returnFocus}>
      <p>{t('stepUpIntro')}</p>
      {methods.length > 1 && (
        <fieldset>
          <legend>{t('stepUpHow')}</legend>
          {methods.map((m) => (
            <div className="choice" key={m}>
              <input
                type="radio"
                id={`${groupId}-${m}`}
                name={groupId}
                checked={method === m}
                onChange={() => {
                  prove.reset()
                  setMethod(m)
                }}
              />
              <label htmlFor={`${groupId}-${m}`}>
                {m === 'password' ? t('byPassword') : m === 'totp' ? t('byTotp') : t('byCode', { email: me?.email ?? '' })}
              </label>
            </div>
          ))}
        </fieldset>
      )}
      {method === 'password' && <PasswordProof prove={prove} />}
      {method === 'totp' && (
        <BoxesProof label={t('totpLabel')} field="totp" prove={prove} problem={problem} />
      )}
      {method === 'code' && <EmailedProof prove={prove} problem={problem} email={me?.email ?? ''} />}
      <div className="row dialog-actions">
        <Button variant="secondary" onClick={onCancel}>
          {t('cancel')}
        </Button>
      </div>
    </Dialog>
  )
}

type Prove = UseMutationResult<Me, Error, Proof>

function PasswordProof({ prove }: { prove: Prove }) {
  const t = useMessages(messages)
  const problem = useProblemWith(messages)
  const [password, setPassword] = useState('')
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (password) prove.mutate({ password })
  }
  return (
    <form onSubmit={submit} noValidate>
      <TextField
        label={t('password')}
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={prove.error ? problem(prove.error) : null}
      />
      <Button type="submit" busy={prove.isPending} disabled={!password}>
        {t('confirm')}
      </Button>
    </form>
  )
}

function BoxesProof({
  label,
  field,
  prove,
  problem,
}: {
  label: string
  field: 'totp' | 'code'
  prove: Prove
  problem: (e: unknown) => string
}) {
  const t = useMessages(messages)
  const boxes = useRef<CodeBoxesHandle>(null)
  const onCode = (code: string) => prove.mutate({ [field]: code }, { onError: () => boxes.current?.clear() })
  useEffect(() => {
    const timer = setTimeout(() => boxes.current?.focus(), 0)
    return () => clearTimeout(timer)
  }, [])
  return (
    <form onSubmit={(e) => e.preventDefault()}>
      <CodeBoxes
        ref={boxes}
        label={label}
        onComplete={onCode}
        busy={prove.isPending}
        error={prove.error ? problem(prove.error) : null}
      />
      {prove.isPending && <Loading label={t('checking')} />}
    </form>
  )
}

function EmailedProof({ prove, problem, email }: { prove: Prove; problem: (e: unknown) => string; email: string }) {
  const t = useMessages(messages)
  const countdown = useCountdown()
  const [sent, setSent] = useState(false)
  const send = useMutation({
    mutationFn: () => unwrap(api.POST('/portal/v1/me/step-up/code')),
    onSuccess: () => {
      setSent(true)
      prove.reset()
      countdown.start(30)
    },
    onError: (error) => {
      const wait = asProblem(error).retryAfter
      if (wait) countdown.start(wait)
    },
  })
  return (
    <div className="stack">
      {sent && <p role="status">{t('codeSentTo', { email })}</p>}
      {sent && <BoxesProof label={t('codeLabel')} field="code" prove={prove} problem={problem} />}
      {send.error && <Alert tone="error">{problem(send.error)}</Alert>}
      <Button
        variant={sent ? 'secondary' : 'primary'}
        onClick={() => send.mutate()}
        busy={send.isPending}
        disabled={countdown.remaining > 0}
      >
        {countdown.remaining > 0 ? t('resendIn', { time: clock(countdown.remaining) }) : sent ? t('resend') : t('sendCode')}
      </Button>
    </div>
  )
}
