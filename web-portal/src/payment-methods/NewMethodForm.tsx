// The one place that collects a new card or bank account. It lets the person choose the kind, shows the entry for
// it (see entries.ts: the sandbox's today), the debit authorization for bank accounts and, where it applies, the
// "save this method" choice; then hands back a single-use token, never the details themselves.
import { useId, useImperativeHandle, useRef, useState, type FormEvent, type KeyboardEvent, type Ref } from 'react'
import { useMessages } from '../i18n/i18n'
import { Alert, Button, ErrorState, Loading } from '../ui/ui'
import { type CollectedMethod, type MandateText, type MethodEntryHandle, type MethodKind, isBankKind } from './entry'
import type { MandateLanguage } from './queries'
import { methodEntries } from './entries'
import { messages } from './messages'
import { useProblemText } from './problems'
import './methods.css'

export interface NewMethodResult {
  method: CollectedMethod
  /** The person asked to keep it for next time. */
  save: boolean
  /** Bank accounts: the debit authorization was accepted. */
  acceptMandate: boolean
  /** The language of the authorization text the person was shown (recorded with the acceptance). */
  mandateLanguage: MandateLanguage
}

/** `always`: saving is the point (methods page); `optional`: a checkbox; `unavailable`: said why; `never`: guests. */
export type SaveOption = 'always' | 'optional' | 'unavailable' | 'never'

/** Lets a page's own button (the pay flow's "Review payment") check, tokenize and hand over in one step. */
export interface NewMethodFormHandle {
  /** What the form's own submit does; true once `onSubmit` has run without throwing. */
  submit(): Promise<boolean>
}

export interface NewMethodFormProps {
  kinds: readonly MethodKind[]
  /** The kind shown first; null asks the person to choose (no card preselected on a first payment). */
  initialKind?: MethodKind | null
  onKindChange?: (kind: MethodKind) => void
  /** The page has its own commit button (see NewMethodFormHandle). */
  hideSubmit?: boolean
  /** With hideSubmit: what Enter in the form does (the page's own button's action), instead of a bare commit. */
  onEnter?: () => void
  ref?: Ref<NewMethodFormHandle>
  /** The debit authorization texts (undefined while they load). */
  mandates: readonly MandateText[] | undefined
  mandatesError?: unknown
  saveOption: SaveOption
  submitLabel: (kind: MethodKind) => string
  /** Gets the token; throws a Problem to show (the form stays filled in for another try). */
  onSubmit: (result: NewMethodResult) => Promise<void>
  onCancel?: () => void
  cancelLabel?: string
  disabled?: boolean
}

export function NewMethodForm({
  kinds,
  initialKind,
  onKindChange,
  hideSubmit = false,
  onEnter,
  ref,
  mandates,
  mandatesError,
  saveOption,
  submitLabel,
  onSubmit,
  onCancel,
  cancelLabel,
  disabled = false,
}: NewMethodFormProps) {
  const t = useMessages(messages)
  const problemText = useProblemText(messages)
  const ids = useId()
  const [chosen, setChosen] = useState<MethodKind | null>(initialKind === undefined ? (kinds[0] ?? 'card') : initialKind)
  const kind: MethodKind | null = kinds.length === 1 ? kinds[0]! : chosen
  const [kindError, setKindError] = useState(false)
  const [accepted, setAccepted] = useState(false)
  const [mandateError, setMandateError] = useState(false)
  const [save, setSave] = useState(saveOption === 'always')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const entry = useRef<MethodEntryHandle>(null)
  const Entry = kind ? methodEntries[kind] : null
  const bank = kind !== null && isBankKind(kind)
  const mandate = mandates?.find((m) => m.type === kind)

  const commit = async (): Promise<boolean> => {
    if (busy) return false
    setError(null)
    if (kind === null) {
      setKindError(true)
      document.getElementById(`${ids}-kind-${kinds[0]}`)?.focus()
      return false
    }
    const mandateMissing = bank && !accepted
    setMandateError(mandateMissing)
    if (!entry.current?.validate()) return false
    if (mandateMissing) {
      document.getElementById(`${ids}-mandate`)?.focus()
      return false
    }
    setBusy(true)
    try {
      const method = await entry.current.tokenize()
      if (!method) return false
      await onSubmit({
        method,
        save: saveOption === 'always' || (saveOption === 'optional' && save),
        acceptMandate: bank && accepted,
        mandateLanguage: mandate?.language === 'fr' ? 'fr' : 'en',
      })
      return true
    } catch (failure) {
      setError(failure)
      return false
    } finally {
      setBusy(false)
    }
  }
  useImperativeHandle(ref, () => ({ submit: commit }))
  const submit = (e: FormEvent) => {
    e.preventDefault()
    void commit()
  }
  // Without a submit button a browser ignores Enter in a form of several fields: do what the page's button does.
  const enter = (e: KeyboardEvent<HTMLFormElement>) => {
    const field = e.target as HTMLElement
    if (e.key !== 'Enter' || !hideSubmit || !onEnter || field.tagName !== 'INPUT') return
    if ((field as HTMLInputElement).type === 'checkbox' || (field as HTMLInputElement).type === 'radio') return
    e.preventDefault()
    onEnter()
  }

  const cancelled = error instanceof Error && error.name === 'StepUpCancelled'
  return (
    <form className="new-method-form" onSubmit={submit} onKeyDown={enter} noValidate aria-busy={busy || undefined}>
      {kinds.length > 1 && (
        <fieldset className={`kind-choice${kindError ? ' field-invalid' : ''}`} aria-describedby={kindError ? `${ids}-kind-error` : undefined}>
          <legend>{t('kindLegend')}</legend>
          {kinds.map((k) => (
            <div className="choice" key={k}>
              <input
                type="radio"
                id={`${ids}-kind-${k}`}
                name={`${ids}-kind`}
                checked={kind === k}
                disabled={busy || disabled}
                onChange={() => {
                  setChosen(k)
                  setKindError(false)
                  setError(null)
                  setMandateError(false)
                  onKindChange?.(k)
                }}
              />
              <label htmlFor={`${ids}-kind-${k}`}>{t(`kind.${k}`)}</label>
            </div>
          ))}
          {kindError && (
            <p className="field-error" id={`${ids}-kind-error`}>
              {t('error.kind')}
            </p>
          )}
        </fieldset>
      )}
      {Entry && kind && <Entry key={kind} kind={kind} ref={entry} disabled={busy || disabled} />}
      {bank && (
        <fieldset className="mandate">
          <legend>{t('mandateLegend')}</legend>
          {mandatesError ? (
            <ErrorState error={mandatesError} />
          ) : !mandate ? (
            <Loading label={t('mandateLoading')} />
          ) : (
            <>
              {/* The authorization is recorded as the API's (English) text, so it is shown as it is, marked as English. */}
              <p className="mandate-text" id={`${ids}-mandate-text`} lang={mandate.language}>
                {mandate.text}
              </p>
              <div className={`choice${mandateError ? ' field-invalid' : ''}`}>
                <input
                  type="checkbox"
                  id={`${ids}-mandate`}
                  checked={accepted}
                  disabled={busy || disabled}
                  aria-describedby={`${ids}-mandate-text${mandateError ? ` ${ids}-mandate-error` : ''}`}
                  aria-invalid={mandateError || undefined}
                  onChange={(e) => {
                    setAccepted(e.target.checked)
                    if (e.target.checked) setMandateError(false)
                  }}
                />
                <label htmlFor={`${ids}-mandate`}>{t('mandateAccept')}</label>
              </div>
              {mandateError && (
                <p className="field-error" id={`${ids}-mandate-error`}>
                  {t('mandateRequired')}
                </p>
              )}
            </>
          )}
        </fieldset>
      )}
      {saveOption === 'optional' && (
        <div className="choice">
          <input
            type="checkbox"
            id={`${ids}-save`}
            checked={save}
            disabled={busy || disabled}
            aria-describedby={`${ids}-save-hint`}
            onChange={(e) => setSave(e.target.checked)}
          />
          <div>
            <label htmlFor={`${ids}-save`}>{t('saveMethod')}</label>
            <p className="hint" id={`${ids}-save-hint`}>
              {t('saveMethodHint')} {bank && t('saveBankHint')}
            </p>
          </div>
        </div>
      )}
      {saveOption === 'unavailable' && <p className="hint">{t('cannotSave')}</p>}
      {error != null && (cancelled ? <Alert tone="warning">{t('stepUpCancelled')}</Alert> : <Alert tone="error">{problemText(error)}</Alert>)}
      <div className="row">
        {!hideSubmit && (
          <Button type="submit" busy={busy} disabled={disabled}>
            {submitLabel(kind ?? kinds[0] ?? 'card')}
          </Button>
        )}
        {onCancel && (
          <Button variant="secondary" onClick={onCancel} disabled={busy}>
            {cancelLabel}
          </Button>
        )}
      </div>
    </form>
  )
}
