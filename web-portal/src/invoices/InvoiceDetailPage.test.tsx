import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen, within } from '@testing-library/react'
import { MemoryRouter, Route, Routes } from 'react-router'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { I18nProvider, type Locale } from '../i18n/i18n'
import { PartnerLayout } from '../shell/PartnerLayout'
import { InvoiceDetailPage } from './InvoiceDetailPage'

type Answer = { data?: unknown; error?: unknown; response: Response }
const get = vi.hoisted(() => vi.fn<(path: string, init?: unknown) => Promise<Answer>>())

vi.mock('../api/client', async (original) => ({
  ...(await original<typeof import('../api/client')>()),
  api: { GET: get },
}))

const branding = {
  object: 'branding',
  slug: 'acme',
  name: 'Northwind IT',
  primary_color: '#123456',
  primary_text_color: '#ffffff',
  accent_color: '#654321',
}

const me = {
  state: 'active',
  email: 'ap@acme.example',
  customer_id: 'cus_1',
  accounts: [{ customer_id: 'cus_1', name: 'Acme', permissions: ['view', 'pay'] }],
  impersonated: false,
  impersonator: null,
  csrf_token: 'x',
}

function detail(extra: Record<string, unknown>) {
  return {
    id: 'inv_1',
    object: 'invoice',
    number: 'INV-0001',
    status: 'open',
    standing: 'open',
    standing_qualifiers: [],
    description: 'Managed services',
    currency: 'USD',
    issue_date: '2026-11-01',
    due_date: '2026-12-01',
    total: 8000,
    amount_paid: 0,
    amount_pending: 0,
    amount_due: 5000,
    amount_written_off: 3000,
    overdue: false,
    questioned: false,
    pay_allowed: true,
    lines: [{ description: 'Managed services', quantity: 1, unit_amount: 8000, amount: 8000 }],
    memo: null,
    payments: [],
    ...extra,
  }
}

function ok(data: unknown): Answer {
  return { data, response: new Response(null, { status: 200 }) }
}

function answer(invoice: unknown) {
  get.mockImplementation((path) =>
    Promise.resolve(
      ok(
        path === '/portal/v1/partners/{slug}'
          ? branding
          : path === '/portal/v1/me'
            ? me
            : path === '/portal/v1/invoices/{invoice_id}'
              ? invoice
              : { object: 'list', data: [], next_cursor: null },
      ),
    ),
  )
}

function renderPage(locale: Locale = 'en') {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  render(
    <I18nProvider initial={locale}>
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={['/pay/acme/invoices/inv_1']}>
          <Routes>
            <Route path="/pay/:slug" element={<PartnerLayout />}>
              <Route path="invoices/:invoiceId" element={<InvoiceDetailPage />} />
            </Route>
          </Routes>
        </MemoryRouter>
      </QueryClientProvider>
    </I18nProvider>,
  )
}

async function figures() {
  return within(await screen.findByLabelText(/^(Amounts|Montants)$/))
}

afterEach(() => get.mockReset())

describe('InvoiceDetailPage', () => {
  it('shows what was written off after what was paid, before what is due', async () => {
    answer(detail({}))
    renderPage()
    const amounts = await figures()
    const terms = amounts.getAllByRole('term').map((dt) => dt.textContent)
    expect(terms.slice(0, 4)).toEqual(['Total', 'Paid', 'Written off', 'Amount due'])
    const writtenOff = amounts.getByText('Written off').parentElement as HTMLElement
    expect(writtenOff.textContent).toContain('$30.00')
    expect(writtenOff.textContent).toContain('Northwind IT no longer asks you to pay this part.')
  })

  it('reads Radié in French', async () => {
    answer(detail({}))
    renderPage('fr')
    const amounts = await figures()
    const line = amounts.getByText('Radié').parentElement as HTMLElement
    expect(line.textContent).toMatch(/30,00\s*\$/)
  })

  it('has no such line when nothing was written off', async () => {
    answer(detail({ amount_written_off: 0, amount_due: 8000 }))
    renderPage()
    const amounts = await figures()
    expect(amounts.queryByText('Written off')).toBeNull()
    expect(amounts.getAllByRole('term').map((dt) => dt.textContent)).toContain('Amount due')
  })
})
