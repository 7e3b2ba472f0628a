import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MemoryRouter, Route, Routes, useLocation } from 'react-router'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { I18nProvider } from '../i18n/i18n'
import { InvoicesPage } from './InvoicesPage'

type Answer = { data?: unknown; error?: unknown; response: Response }
const get = vi.hoisted(() => vi.fn<(path: string, init?: unknown) => Promise<Answer>>())

vi.mock('../api/client', async (original) => ({
  ...(await original<typeof import('../api/client')>()),
  api: { GET: get },
}))

const me = {
  state: 'active',
  email: 'ap@acme.example',
  customer_id: 'cus_1',
  accounts: [{ customer_id: 'cus_1', name: 'Acme', permissions: ['view', 'pay'] }],
  impersonated: false,
  impersonator: null,
  csrf_token: 'x',
}

function ok(data: unknown): Answer {
  return { data, response: new Response(null, { status: 200 }) }
}

function invoice(id: string, amount_due: number, extra: Record<string, unknown> = {}) {
  return {
    id,
    object: 'invoice',
    number: id.toUpperCase(),
    status: 'open',
    standing: 'open',
    standing_qualifiers: [],
    description: `Services ${id}`,
    currency: 'USD',
    issue_date: '2026-11-01',
    due_date: '2026-12-01',
    total: amount_due,
    amount_paid: 0,
    amount_pending: 0,
    amount_due,
    overdue: false,
    questioned: false,
    pay_allowed: true,
    ...extra,
  }
}

const nothingOwed = { object: 'invoice_summary', data: [] }

function answer(invoices: (path: string, init?: unknown) => Promise<Answer>, summary: unknown = nothingOwed) {
  get.mockImplementation((path, init) =>
    path === '/portal/v1/me'
      ? Promise.resolve(ok(me))
      : path === '/portal/v1/invoices/summary'
        ? Promise.resolve(ok(summary))
        : invoices(path, init),
  )
}

function Where() {
  const location = useLocation()
  return <p data-testid="where">{location.pathname + location.search}</p>
}

function renderPage(url = '/pay/acme/invoices') {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  render(
    <I18nProvider initial="en">
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={[url]}>
          <Routes>
            <Route path="/pay/:slug/invoices" element={<InvoicesPage />} />
            <Route path="/pay/:slug/pay" element={<Where />} />
          </Routes>
        </MemoryRouter>
      </QueryClientProvider>
    </I18nProvider>,
  )
  return userEvent.setup()
}

afterEach(() => get.mockReset())

describe('InvoicesPage', () => {
  it('says there is nothing to pay when nothing is outstanding, and offers every invoice', async () => {
    answer(() => Promise.resolve(ok({ object: 'list', data: [], next_cursor: null })))
    const user = renderPage()
    expect(await screen.findByRole('heading', { name: 'Nothing to pay' })).toBeTruthy()
    expect(screen.getByText(/You are all caught up/)).toBeTruthy()
    expect(get).toHaveBeenCalledWith('/portal/v1/invoices', {
      params: { query: { status: 'open', sort: 'due_date', limit: 20 } },
    })
    await user.click(screen.getByRole('button', { name: 'Show all invoices' }))
    expect(await screen.findByText('No invoices match this filter.')).toBeTruthy()
    expect(get).toHaveBeenLastCalledWith('/portal/v1/invoices', {
      params: { query: { status: 'all', sort: 'due_date', limit: 20 } },
    })
  })

  it('shows a failure with a way to try again', async () => {
    let calls = 0
    answer(() => {
      calls += 1
      if (calls === 1) {
        return Promise.resolve({
          error: { code: 'internal_error', detail: 'boom' },
          response: new Response(null, { status: 500 }),
        })
      }
      return Promise.resolve(ok({ object: 'list', data: [invoice('inv_a', 1234)], next_cursor: null }))
    })
    const user = renderPage()
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Something went wrong on our side')
    await user.click(screen.getByRole('button', { name: 'Try again' }))
    expect(await screen.findByRole('link', { name: 'INV_A' })).toBeTruthy()
  })

  it('shows the offline message when the server cannot be reached', async () => {
    answer(() => Promise.reject(new TypeError('Failed to fetch')))
    renderPage()
    expect((await screen.findByRole('alert')).textContent).toContain('We could not reach the server')
  })

  it('loads more with the cursor, and pays the chosen invoices', async () => {
    answer((_path, init) => {
      const query = (init as { params: { query: { cursor?: string } } }).params.query
      return Promise.resolve(
        query.cursor === 'next'
          ? ok({ object: 'list', data: [invoice('inv_c', 300)], next_cursor: null })
          : ok({
              object: 'list',
              data: [
                invoice('inv_a', 100, { overdue: true, standing: 'overdue' }),
                invoice('inv_b', 200, { pay_allowed: false, status: 'paid', standing: 'paid' }),
              ],
              next_cursor: 'next',
            }),
      )
    })
    const user = renderPage()
    const row = (await screen.findByRole('link', { name: 'INV_A' })).closest('tr')!
    expect(row.className).toBe('row-overdue')
    expect(row.textContent).toContain('Overdue')
    expect(screen.queryByLabelText('Select invoice INV_B')).toBeNull()
    await user.click(screen.getByRole('button', { name: 'Load more invoices' }))
    await user.click(await screen.findByLabelText('Select invoice INV_C'))
    await user.click(screen.getByLabelText('Select invoice INV_A'))
    expect(screen.getByTestId('selection-total').textContent).toBe('$4.00')
    await user.click(screen.getByRole('button', { name: 'Pay selected' }))
    expect(screen.getByTestId('where').textContent).toBe('/pay/acme/pay?invoices=inv_c,inv_a')
  })

  it('opens with what is owed in all, and pays every overdue invoice in one step', async () => {
    answer(
      () => Promise.resolve(ok({ object: 'list', data: [invoice('inv_a', 100)], next_cursor: null })),
      {
        object: 'invoice_summary',
        data: [
          {
            currency: 'USD',
            amount_due: 450_000,
            amount_overdue: 120_050,
            amount_pending: 0,
            next_due_date: '2026-12-20',
            overdue_invoice_ids: ['inv_x', 'inv_y'],
          },
        ],
      },
    )
    const user = renderPage()
    expect((await screen.findByTestId('owed-total')).textContent).toBe('$4,500.00')
    expect(screen.getByTestId('owed-overdue').textContent).toBe('$1,200.50')
    expect(screen.getByTestId('owed-next-due').textContent).toContain('2026')
    await user.click(screen.getByRole('button', { name: 'Pay all overdue' }))
    expect(screen.getByTestId('where').textContent).toBe('/pay/acme/pay?invoices=inv_x,inv_y')
  })

  it('selects every payable invoice shown from the header, and shows a partial choice as mixed', async () => {
    answer(() =>
      Promise.resolve(
        ok({
          object: 'list',
          data: [invoice('inv_a', 100), invoice('inv_b', 200), invoice('inv_c', 300, { pay_allowed: false })],
          next_cursor: null,
        }),
      ),
    )
    const user = renderPage()
    const all = (await screen.findByLabelText('Select every invoice listed')) as HTMLInputElement
    expect(screen.getByText('Services inv_a')).toBeTruthy()
    await user.click(screen.getByLabelText('Select invoice INV_A'))
    expect(all.indeterminate).toBe(true)
    expect(all.checked).toBe(false)
    await user.click(all)
    expect(all.checked).toBe(true)
    expect(all.indeterminate).toBe(false)
    expect(screen.getByTestId('selection-total').textContent).toBe('$3.00')
    await user.click(all)
    expect(screen.queryByTestId('selection-bar')).toBeNull()
  })
})
