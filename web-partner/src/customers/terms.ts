import { useCallback } from 'react'
import type { Schemas } from '../api/client'
import { useMessages } from '../i18n/i18n'
import { messages } from './messages'

/** "Net 30" / "Net 30 jours" / "Due on receipt". */
export function useTermsLabel(): (terms: Schemas['BillingTerms']) => string {
  const t = useMessages(messages)
  return useCallback(
    (terms: Schemas['BillingTerms']) => (terms === 'due_on_receipt' ? t('terms.due_on_receipt') : t('terms.net', { days: terms.replace('net_', '') })),
    [t],
  )
}
