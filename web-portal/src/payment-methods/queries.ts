// Saved payment methods and the debit authorization texts.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import type { components } from '../api/schema'
import { useI18n } from '../i18n/i18n'

export type SavedMethod = components['schemas']['PortalMethod']

export const methodsKey = ['payment-methods'] as const

export function useSavedMethods(enabled = true) {
  return useQuery({
    queryKey: methodsKey,
    queryFn: () => unwrap(api.GET('/portal/v1/payment-methods')),
    enabled,
  })
}

/** The debit authorization texts, in the page's language (Canadian PADs are agreed in French too). */
export function useMandates() {
  const { locale } = useI18n()
  return useQuery({
    queryKey: ['payment-methods', 'mandates', locale],
    queryFn: () => unwrap(api.GET('/portal/v1/payment-methods/mandates', { params: { query: { language: locale } } })),
    staleTime: 10 * 60_000,
  })
}

export type MandateLanguage = components['schemas']['PortalMethodIn']['mandate_language']

export interface AttachBody {
  token: string
  save: boolean
  accept_mandate: boolean
  mandate_language: MandateLanguage
  make_default: boolean
}

/** Exchange a token for a method of the customer's: saved, or (save: false) for one payment only. */
export function attachMethod(body: AttachBody): Promise<SavedMethod> {
  return unwrap(api.POST('/portal/v1/payment-methods', { body }))
}

export function useMethodChanges() {
  const client = useQueryClient()
  const refresh = () => client.invalidateQueries({ queryKey: methodsKey })
  const remove = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/portal/v1/payment-methods/{payment_method_id}', { params: { path: { payment_method_id: id } } })),
    onSuccess: refresh,
  })
  const makeDefault = useMutation({
    mutationFn: (id: string) =>
      unwrap(
        api.POST('/portal/v1/payment-methods/{payment_method_id}/default', { params: { path: { payment_method_id: id } } }),
      ),
    onSuccess: refresh,
  })
  return { remove, makeDefault, refresh }
}
