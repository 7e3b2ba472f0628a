// The customer's invoices: the keyset-paged list, one invoice, and its questions.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../api/client'
import type { components } from '../api/schema'
import { fetchInvoicePage, takePrefetched, type InvoiceFilter, type InvoiceSort } from './firstPage'

export type Invoice = components['schemas']['PortalInvoice']
export type InvoiceDetail = components['schemas']['PortalInvoiceDetail']
export type Question = components['schemas']['PortalQuestion']
export type Owed = components['schemas']['PortalOwed']

export { FILTERS, SORTS, type InvoiceFilter, type InvoiceSort } from './firstPage'

export function useInvoiceList(status: InvoiceFilter, sort: InvoiceSort) {
  return useInfiniteQuery({
    queryKey: ['invoices', status, sort],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      (pageParam === null ? takePrefetched(status, sort) : null) ?? fetchInvoicePage(status, sort, pageParam),
    getNextPageParam: (last) => last.next_cursor ?? null,
  })
}

/** What is owed in all, per currency (under the 'invoices' key, so whatever refreshes the list refreshes it). */
export function useOwedSummary() {
  return useQuery({
    queryKey: ['invoices', 'summary'],
    queryFn: () => unwrap(api.GET('/portal/v1/invoices/summary')),
  })
}

export function useInvoice(invoiceId: string) {
  return useQuery({
    queryKey: ['invoice', invoiceId],
    queryFn: () => unwrap(api.GET('/portal/v1/invoices/{invoice_id}', { params: { path: { invoice_id: invoiceId } } })),
  })
}

export function useQuestions(invoiceId: string) {
  return useQuery({
    queryKey: ['invoice-questions', invoiceId],
    queryFn: () =>
      unwrap(api.GET('/portal/v1/invoices/{invoice_id}/questions', { params: { path: { invoice_id: invoiceId } } })),
  })
}

export function useAskQuestion(invoiceId: string) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (message: string) =>
      unwrap(
        api.POST('/portal/v1/invoices/{invoice_id}/questions', {
          params: { path: { invoice_id: invoiceId } },
          body: { message },
        }),
      ),
    onSuccess: async () => {
      // The invoice (and every list showing it) is now "questioned".
      await Promise.all([
        client.invalidateQueries({ queryKey: ['invoice-questions', invoiceId] }),
        client.invalidateQueries({ queryKey: ['invoice', invoiceId] }),
        client.invalidateQueries({ queryKey: ['invoices'] }),
      ])
    },
  })
}

/** Where the PDF is: a plain same-origin link, so the session cookie goes with it. */
export function invoicePdfUrl(invoiceId: string): string {
  return `/portal/v1/invoices/${encodeURIComponent(invoiceId)}/pdf`
}
