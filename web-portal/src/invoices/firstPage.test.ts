import { afterEach, describe, expect, it, vi } from 'vitest'

const get = vi.hoisted(() => vi.fn())
vi.mock('../api/client', async (original) => ({
  ...(await original<typeof import('../api/client')>()),
  api: { GET: get },
}))

const { listParams, prefetchFirstPage, takePrefetched } = await import('./firstPage')

const page = (id: string) => ({ data: { object: 'list', data: [{ id }], next_cursor: null }, response: new Response(null, { status: 200 }) })

afterEach(() => {
  get.mockReset()
  takePrefetched('open', 'due_date') // forget anything left over
})

describe('the first page head start', () => {
  it('reads filter and sort from the URL, with defaults', () => {
    expect(listParams(new URLSearchParams('status=paid&sort=-created'))).toEqual({ status: 'paid', sort: '-created' })
    expect(listParams(new URLSearchParams('status=nope'))).toEqual({ status: 'open', sort: 'due_date' })
  })
  it('is fetched on a load of the list and handed over once, to the same filter and sort only', async () => {
    get.mockResolvedValue(page('inv_early'))
    prefetchFirstPage({ pathname: '/pay/acme/invoices', search: '?status=overdue' })
    expect(get).toHaveBeenCalledWith('/portal/v1/invoices', { params: { query: { status: 'overdue', sort: 'due_date', limit: 20 } } })
    expect(takePrefetched('open', 'due_date')).toBeNull()
    prefetchFirstPage({ pathname: '/pay/acme/invoices', search: '?status=overdue' })
    expect((await takePrefetched('overdue', 'due_date'))?.data[0]?.id).toBe('inv_early')
    expect(takePrefetched('overdue', 'due_date')).toBeNull()
  })
  it('is not fetched for other pages, and a failed one is asked again', async () => {
    prefetchFirstPage({ pathname: '/pay/acme/invoices/inv_1', search: '' })
    expect(get).not.toHaveBeenCalled()
    get.mockResolvedValueOnce({ error: { code: 'not_signed_in' }, response: new Response(null, { status: 401 }) })
    get.mockResolvedValueOnce(page('inv_again'))
    prefetchFirstPage({ pathname: '/pay/acme/invoices', search: '' })
    expect((await takePrefetched('open', 'due_date'))?.data[0]?.id).toBe('inv_again')
    expect(get).toHaveBeenCalledTimes(2)
  })
})
