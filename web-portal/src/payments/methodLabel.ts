// How a payment method is named on screen. Cards and bank accounts carry their own names ("Visa •••• 4242",
// a bank's name); the API writes offline methods (a check the partner recorded) in English, so they are
// translated here, in the same words as the PDFs and emails.
import { useCallback } from 'react'
import { defineMessages, useMessages } from '../i18n/i18n'

const OFFLINE = ['check', 'cash', 'bank_transfer', 'other'] as const
type Offline = (typeof OFFLINE)[number]

const messages = defineMessages({
  en: { check: 'Check', cash: 'Cash', bank_transfer: 'Bank transfer', other: 'Other' },
  fr: { check: 'Chèque', cash: 'Comptant', bank_transfer: 'Virement bancaire', other: 'Autre' },
})

export function isOffline(method: string): method is Offline {
  return (OFFLINE as readonly string[]).includes(method)
}

/** `label(payment.method, payment.method_label)`: the offline method in the reader's language, else the API's label. */
export function useMethodLabel(): (method: string, apiLabel: string) => string {
  const t = useMessages(messages)
  return useCallback((method: string, apiLabel: string) => (isOffline(method) ? t(method) : apiLabel), [t])
}
