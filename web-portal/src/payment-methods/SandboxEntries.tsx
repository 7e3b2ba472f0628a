// The sandbox's card and bank forms. They check what was typed, then post it from the browser straight to the
// sandbox tokenizer (the stand-in for a processor's browser library) and hand back only the token.
import { useId, useImperativeHandle, useState, type ChangeEvent } from 'react'
import { api, unwrap } from '../api/client'
import { Problem } from '../api/problem'
import { useMessages } from '../i18n/i18n'
import { TextField } from '../ui/ui'
import type { CollectedMethod, MethodEntryProps } from './entry'
import { type MethodsKey, messages } from './messages'
import {
  cardBrand,
  checkCardNumber,
  checkCvc,
  checkExpiry,
  digitsOf,
  exactDigits,
  formatCardNumber,
  formatExpiry,
  parseExpiry,
  routingValid,
} from './validation'

/** A field's error: one of our messages, or the processor's own words for it. */
type FieldError = MethodsKey | { text: string }
type Errors<F extends string> = Partial<Record<F, FieldError>>

/** Field state shared by the forms: values, errors (as message keys), and a focus on the first wrong field. */
function useFields<F extends string>(
  order: readonly F[],
  check: (values: Record<F, string>) => Errors<F>,
  disabled?: boolean,
  /** Values for the messages' placeholders (e.g. how many CVC digits this card has). */
  vars?: (values: Record<F, string>) => Record<string, string | number>,
) {
  const text = useErrorText()
  const idBase = useId()
  const [values, setValues] = useState(() => Object.fromEntries(order.map((f) => [f, ''])) as Record<F, string>)
  const [errors, setErrors] = useState<Errors<F>>({})
  const id = (field: F) => `${idBase}-${field}`
  const set = (field: F, value: string) => {
    setValues((v) => ({ ...v, [field]: value }))
    setErrors((e) => ({ ...e, [field]: undefined }))
  }
  const blur = (field: F) => {
    if (values[field]) setErrors((e) => ({ ...e, [field]: check(values)[field] }))
  }
  /** Everything checked; the first wrong field focused. True when all is well. */
  const validate = (): boolean => {
    const found = check(values)
    setErrors(found)
    const first = order.find((f) => found[f])
    if (first) document.getElementById(id(first))?.focus()
    return !first
  }
  /** The tokenizer named a field: show its message there. */
  const fromProblem = (error: unknown, fields: Partial<Record<string, F>>): boolean => {
    if (!(error instanceof Problem) || !error.body.errors?.length) return false
    let shown = false
    for (const e of error.body.errors) {
      const field = fields[e.field.split('.').pop() ?? '']
      if (field) {
        setErrors((all) => ({ ...all, [field]: { text: e.message } }))
        shown = true
      }
    }
    return shown
  }
  /** The props a TextField for `field` needs; `filter` cleans what is typed (digits only, a length). */
  const bind = (field: F, filter: (value: string) => string = (v) => v) => ({
    id: id(field),
    value: values[field],
    onChange: (e: ChangeEvent<HTMLInputElement>) => set(field, filter(e.target.value)),
    onBlur: () => blur(field),
    error: text(errors[field], vars?.(values)),
    disabled,
  })
  /** Check, then tokenize: a field the tokenizer refused is shown there (null); any other failure is thrown. */
  const submit = async (
    tokenize: () => Promise<CollectedMethod | null>,
    fields: Partial<Record<string, F>>,
  ): Promise<CollectedMethod | null> => {
    if (!validate()) return null
    try {
      return await tokenize()
    } catch (error) {
      if (fromProblem(error, fields)) return null
      throw error
    }
  }
  return { values, errors, id, set, blur, validate, fromProblem, bind, submit }
}

function useErrorText() {
  const t = useMessages(messages)
  return (error: FieldError | undefined, vars?: Record<string, string | number>): string | null => {
    if (!error) return null
    return typeof error === 'string' ? t(error, vars) : error.text
  }
}

const CARD_FIELDS = ['number', 'expiry', 'cvc', 'name'] as const
type CardField = (typeof CARD_FIELDS)[number]

export function checkCard(values: Record<CardField, string>, today: Date = new Date()): Errors<CardField> {
  const brand = cardBrand(digitsOf(values.number))
  const number = checkCardNumber(values.number)
  const expiry = checkExpiry(values.expiry, today)
  const cvc = checkCvc(values.cvc, brand)
  return {
    number: number ? (`error.number.${number}` as const) : undefined,
    expiry: expiry ? (`error.expiry.${expiry}` as const) : undefined,
    cvc: cvc ? (`error.cvc.${cvc}` as const) : undefined,
    name: values.name.trim() ? undefined : 'error.name.required',
  }
}

export function SandboxCardEntry({ disabled, ref }: MethodEntryProps) {
  const t = useMessages(messages)
  const f = useFields(CARD_FIELDS, (v) => checkCard(v), disabled, (v) => ({ n: cardBrand(digitsOf(v.number)) === 'amex' ? 4 : 3 }))
  const brand = cardBrand(digitsOf(f.values.number))

  useImperativeHandle(ref, () => ({
    validate: f.validate,
    tokenize: () =>
      f.submit(
        async () => {
          const expiry = parseExpiry(f.values.expiry)
          if (!expiry) return null
          const token = await unwrap(
            api.POST('/sandbox/v1/tokens', {
              body: {
                type: 'card',
                number: digitsOf(f.values.number),
                exp_month: expiry.month,
                exp_year: expiry.year,
                cvc: f.values.cvc,
              },
            }),
          )
          if (token.type !== 'card') throw Problem.unknown(500)
          return {
            token: token.id,
            kind: 'card',
            brand: token.card.brand,
            bankName: null,
            last4: token.card.last4,
            expMonth: token.card.exp_month,
            expYear: token.card.exp_year,
            funding: token.card.funding,
          }
        },
        { number: 'number', exp_month: 'expiry', exp_year: 'expiry', cvc: 'cvc' },
      ),
  }))

  return (
    <div className="method-entry">
      <p className="hint sandbox-hint">{t('sandboxCards')}</p>
      <TextField {...f.bind('number', formatCardNumber)} label={t('cardNumber')} inputMode="numeric" autoComplete="cc-number" />
      <div className="field-row">
        <TextField
          {...f.bind('expiry', (v) => formatExpiry(v, f.values.expiry))}
          label={t('cardExpiry')}
          hint={t('cardExpiryHint')}
          inputMode="numeric"
          autoComplete="cc-exp"
        />
        <TextField
          {...f.bind('cvc', (v) => v.replace(/\D/g, '').slice(0, 4))}
          label={t('cardCvc')}
          hint={brand === 'amex' ? t('cardCvcHintAmex') : t('cardCvcHint')}
          inputMode="numeric"
          autoComplete="cc-csc"
        />
      </div>
      <TextField {...f.bind('name')} label={t('cardName')} autoComplete="cc-name" />
    </div>
  )
}

const US_FIELDS = ['routing', 'account', 'confirm', 'type', 'holder'] as const
type UsField = (typeof US_FIELDS)[number]
export const ACCOUNT_TYPES = ['checking', 'savings'] as const

export function checkUsBank(v: Record<UsField, string>): Errors<UsField> {
  const account = exactDigits(v.account, 4, 17)
  return {
    routing: routingValid(v.routing) ? undefined : 'error.routing',
    account: account ? undefined : 'error.account.us',
    // A mistyped account number debits someone else's account, or comes back days later with a fee.
    confirm: !v.confirm ? 'error.confirm.required' : account && digitsOf(v.confirm) !== digitsOf(v.account) ? 'error.confirm.mismatch' : undefined,
    type: (ACCOUNT_TYPES as readonly string[]).includes(v.type) ? undefined : 'error.accountType',
    holder: v.holder.trim() ? undefined : 'error.holder',
  }
}

const CA_FIELDS = ['institution', 'transit', 'account', 'holder'] as const
type CaField = (typeof CA_FIELDS)[number]

export function checkCaBank(v: Record<CaField, string>): Errors<CaField> {
  return {
    institution: exactDigits(v.institution, 3) ? undefined : 'error.institution',
    transit: exactDigits(v.transit, 5) ? undefined : 'error.transit',
    account: exactDigits(v.account, 7, 12) ? undefined : 'error.account.ca',
    holder: v.holder.trim() ? undefined : 'error.holder',
  }
}

const onlyDigits = (max: number) => (value: string) => value.replace(/[^\d]/g, '').slice(0, max)

function bankMethod(token: Awaited<ReturnType<typeof tokenizeBank>>): CollectedMethod {
  if (token.type === 'card') throw Problem.unknown(500)
  const account = token.type === 'us_bank_account' ? token.us_bank_account : token.ca_bank_account
  return {
    token: token.id,
    kind: token.type,
    brand: null,
    bankName: account.bank_name,
    last4: account.last4,
    expMonth: null,
    expYear: null,
    funding: null,
  }
}

function tokenizeBank(
  body:
    | {
        type: 'us_bank_account'
        routing_number: string
        account_number: string
        account_holder_name: string
        account_type: (typeof ACCOUNT_TYPES)[number]
      }
    | {
        type: 'ca_bank_account'
        institution_number: string
        transit_number: string
        account_number: string
        account_holder_name: string
      },
) {
  return unwrap(api.POST('/sandbox/v1/tokens', { body }))
}

export function SandboxUsBankEntry({ disabled, ref }: MethodEntryProps) {
  const t = useMessages(messages)
  const text = useErrorText()
  const f = useFields(US_FIELDS, checkUsBank, disabled)
  const typeError = text(f.errors.type)
  useImperativeHandle(ref, () => ({
    validate: f.validate,
    tokenize: () =>
      f.submit(
        async () =>
          bankMethod(
            await tokenizeBank({
              type: 'us_bank_account',
              routing_number: digitsOf(f.values.routing),
              account_number: digitsOf(f.values.account),
              account_holder_name: f.values.holder.trim(),
              account_type: f.values.type === 'savings' ? 'savings' : 'checking',
            }),
          ),
        { routing_number: 'routing', account_number: 'account', account_holder_name: 'holder', account_type: 'type' },
      ),
  }))
  return (
    <div className="method-entry">
      <p className="hint sandbox-hint">{t('sandboxUsBank')}</p>
      <TextField {...f.bind('routing', onlyDigits(9))} label={t('routingNumber')} hint={t('routingHint')} inputMode="numeric" autoComplete="off" />
      <TextField {...f.bind('account', onlyDigits(17))} label={t('accountNumber')} inputMode="numeric" autoComplete="off" />
      <TextField {...f.bind('confirm', onlyDigits(17))} label={t('confirmAccountNumber')} inputMode="numeric" autoComplete="off" />
      <fieldset className={`account-type${typeError ? ' field-invalid' : ''}`} aria-describedby={typeError ? `${f.id('type')}-error` : undefined}>
        <legend>{t('accountType')}</legend>
        {ACCOUNT_TYPES.map((type, i) => (
          <div className="choice" key={type}>
            <input
              type="radio"
              id={i === 0 ? f.id('type') : `${f.id('type')}-${type}`}
              name={f.id('type')}
              value={type}
              checked={f.values.type === type}
              disabled={disabled}
              aria-invalid={typeError ? true : undefined}
              onChange={() => f.set('type', type)}
            />
            <label htmlFor={i === 0 ? f.id('type') : `${f.id('type')}-${type}`}>{t(`accountType.${type}`)}</label>
          </div>
        ))}
        {typeError && (
          <p className="field-error" id={`${f.id('type')}-error`}>
            {typeError}
          </p>
        )}
      </fieldset>
      <TextField {...f.bind('holder')} label={t('holderName')} autoComplete="name" />
    </div>
  )
}

export function SandboxCaBankEntry({ disabled, ref }: MethodEntryProps) {
  const t = useMessages(messages)
  const f = useFields(CA_FIELDS, checkCaBank, disabled)
  useImperativeHandle(ref, () => ({
    validate: f.validate,
    tokenize: () =>
      f.submit(
        async () =>
          bankMethod(
            await tokenizeBank({
              type: 'ca_bank_account',
              institution_number: digitsOf(f.values.institution),
              transit_number: digitsOf(f.values.transit),
              account_number: digitsOf(f.values.account),
              account_holder_name: f.values.holder.trim(),
            }),
          ),
        { institution_number: 'institution', transit_number: 'transit', account_number: 'account', account_holder_name: 'holder' },
      ),
  }))
  return (
    <div className="method-entry">
      <p className="hint sandbox-hint">{t('sandboxCaBank')}</p>
      <div className="field-row">
        <TextField
          {...f.bind('institution', onlyDigits(3))}
          label={t('institutionNumber')}
          hint={t('institutionHint')}
          inputMode="numeric"
          autoComplete="off"
        />
        <TextField {...f.bind('transit', onlyDigits(5))} label={t('transitNumber')} hint={t('transitHint')} inputMode="numeric" autoComplete="off" />
      </div>
      <TextField {...f.bind('account', onlyDigits(12))} label={t('accountNumber')} inputMode="numeric" autoComplete="off" />
      <TextField {...f.bind('holder')} label={t('holderName')} autoComplete="name" />
    </div>
  )
}
