// The seam between our screens and whoever collects card and bank details. Today the sandbox forms below post
// to the sandbox tokenizer from the browser; a later processor (Stripe Elements, Plaid Link) provides its own
// entry components with the same props and handle, and nothing else changes. Our API only ever sees the token.
import type { Ref } from 'react'
import type { components } from '../api/schema'

export type MethodKind = 'card' | 'us_bank_account' | 'ca_bank_account'
export const PAYABLE_KINDS: readonly MethodKind[] = ['card', 'us_bank_account', 'ca_bank_account']
export type MandateText = components['schemas']['MandateText']

/** A bank debit's account must be in its network's currency (ACH in USD, PAD in CAD). */
export const DEBIT_CURRENCY: Partial<Record<MethodKind, string>> = { us_bank_account: 'USD', ca_bank_account: 'CAD' }

export function isBankKind(kind: MethodKind): boolean {
  return kind !== 'card'
}

/** The partner's enabled methods a person can pay with here, for invoices in `currency` (when known). */
export function payableKinds(enabled: readonly string[], currency?: string | null): MethodKind[] {
  return PAYABLE_KINDS.filter((kind) => {
    if (!enabled.includes(kind)) return false
    const required = DEBIT_CURRENCY[kind]
    return !required || !currency || required === currency.toUpperCase()
  })
}

/** What the processor's tokenizer answered: a single-use token and what a person needs to recognise it. */
export interface CollectedMethod {
  token: string
  kind: MethodKind
  brand: string | null
  bankName: string | null
  last4: string
  expMonth: number | null
  expYear: number | null
  funding: string | null
}

export interface MethodEntryHandle {
  /** Check the fields without sending anything: each shows its own error, focus goes to the first. */
  validate(): boolean
  /**
   * Check the fields (each shows its own error) and exchange them with the processor for a token. Null when
   * something needs fixing (focus is on the first such field); throws a Problem when the processor refuses.
   */
  tokenize(): Promise<CollectedMethod | null>
}

export interface MethodEntryProps {
  kind: MethodKind
  disabled?: boolean
  ref?: Ref<MethodEntryHandle>
}
