// Choosing how to pay: one of the saved methods the partner accepts for these invoices, or a new card or bank
// account (collected by NewMethodForm, then given to the API as a saved method or one for this payment only).
import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useId, useRef, type Ref } from 'react'
import { useMessages } from '../i18n/i18n'
import { isExpired } from '../payment-methods/MethodsPage'
import { type MethodKind } from '../payment-methods/entry'
import { messages as methodMessages } from '../payment-methods/messages'
import { NewMethodForm, type NewMethodFormHandle, type SaveOption } from '../payment-methods/NewMethodForm'
import { attachMethod, methodsKey, type SavedMethod, useMandates } from '../payment-methods/queries'
import { useStepUp } from '../security/StepUp'
import { Chip, ErrorState, Loading } from '../ui/ui'
import { messages } from './messages'

export const NEW = 'new'

/** The same card or account, entered again: shown once, and the saved one is used. */
export function sameMethod(a: SavedMethod, b: SavedMethod): boolean {
  return (
    a.type === b.type &&
    a.last4 === b.last4 &&
    (a.brand ?? '') === (b.brand ?? '') &&
    (a.bank_name ?? '') === (b.bank_name ?? '') &&
    a.exp_month === b.exp_month &&
    a.exp_year === b.exp_year
  )
}

/** One row per card or account: the default (else the first listed) stands for its twins. */
export function distinctMethods(methods: readonly SavedMethod[]): SavedMethod[] {
  const ordered = [...methods].sort((a, b) => Number(b.is_default) - Number(a.is_default))
  const kept = ordered.filter((m, i) => !ordered.slice(0, i).some((earlier) => sameMethod(earlier, m)))
  return methods.filter((m) => kept.includes(m))
}

export interface MethodPickerProps {
  kinds: readonly MethodKind[]
  saved: readonly SavedMethod[] | undefined
  savedError: unknown
  onRetry: () => void
  /** A method added on this page (perhaps for this payment only, so not in `saved`). */
  added: SavedMethod | null
  selected: string | null
  onSelect: (id: string) => void
  onAdded: (method: SavedMethod) => void
  saveOption: SaveOption
  disabled?: boolean
  /** The page's "Review payment" submits the new method's form through this. */
  formRef?: Ref<NewMethodFormHandle>
  /** Enter in the new method's form: the page's "Review payment". */
  onEnter?: () => void
  /** Null: the person chooses card or bank account themselves (a first payment). */
  initialKind?: MethodKind | null
  onKindChange?: (kind: MethodKind) => void
}

export function MethodPicker({
  kinds,
  saved,
  savedError,
  onRetry,
  added,
  selected,
  onSelect,
  onAdded,
  saveOption,
  disabled = false,
  formRef,
  onEnter,
  initialKind,
  onKindChange,
}: MethodPickerProps) {
  const t = useMessages(messages)
  const tm = useMessages(methodMessages)
  const ids = useId()
  const mandates = useMandates()
  const stepUp = useStepUp()
  const client = useQueryClient()
  // A method just added replaces the form: focus goes to its (now chosen) option, not lost with the form.
  const justAdded = useRef<string | null>(null)
  useEffect(() => {
    if (!justAdded.current || selected !== justAdded.current) return
    document.getElementById(`${ids}-${justAdded.current}`)?.focus()
    justAdded.current = null
  }, [selected, ids])
  const usable = distinctMethods((saved ?? []).filter((m) => kinds.includes(m.type as MethodKind)))
  const options = added && !usable.some((m) => m.id === added.id || sameMethod(m, added)) ? [added, ...usable] : usable

  if (savedError) return <ErrorState error={savedError} onRetry={onRetry} />
  if (!saved) return <Loading label={t('methodsLoading')} />

  return (
    <div className="method-picker">
      <fieldset>
        <legend className="visually-hidden">{t('methodHeading')}</legend>
        {options.map((m) => {
          const expired = m.exp_month != null && m.exp_year != null && isExpired(m.exp_month, m.exp_year)
          return (
            <div className="choice method-choice" key={m.id}>
              <input
                type="radio"
                id={`${ids}-${m.id}`}
                name={`${ids}-method`}
                value={m.id}
                checked={selected === m.id}
                disabled={disabled || expired}
                onChange={() => onSelect(m.id)}
              />
              <label htmlFor={`${ids}-${m.id}`}>
                {m.label}
                {!m.saved && <span className="muted"> ({t('thisPaymentOnly')})</span>}
                {m.is_default && <> <Chip tone="info">{tm('isDefault')}</Chip></>}
                {expired && <> <Chip tone="danger">{t('expiredMethod')}</Chip></>}
              </label>
            </div>
          )
        })}
        <div className="choice method-choice">
          <input
            type="radio"
            id={`${ids}-new`}
            name={`${ids}-method`}
            value={NEW}
            checked={selected === NEW}
            disabled={disabled}
            onChange={() => onSelect(NEW)}
          />
          <label htmlFor={`${ids}-new`}>{t('newMethod')}</label>
        </div>
      </fieldset>
      {selected === NEW && (
        <section className="new-method card" aria-labelledby={`${ids}-new-heading`}>
          <h3 id={`${ids}-new-heading`}>{t('newMethodHeading')}</h3>
          <NewMethodForm
            ref={formRef}
            onEnter={onEnter}
            kinds={kinds}
            initialKind={initialKind}
            onKindChange={onKindChange}
            hideSubmit
            mandates={mandates.data?.data}
            mandatesError={mandates.error}
            saveOption={saveOption}
            disabled={disabled}
            submitLabel={(kind) => (kind === 'card' ? t('useCard') : t('useBank'))}
            onSubmit={async ({ method, save, acceptMandate, mandateLanguage }) => {
              const attached = await stepUp.run(() =>
                attachMethod({ token: method.token, save, accept_mandate: acceptMandate, mandate_language: mandateLanguage, make_default: false }),
              )
              if (attached.saved) await client.invalidateQueries({ queryKey: methodsKey })
              const chosen = usable.find((m) => m.id !== attached.id && sameMethod(m, attached)) ?? attached
              justAdded.current = chosen.id
              onAdded(chosen)
            }}
          />
        </section>
      )}
      {stepUp.dialog}
    </div>
  )
}

