import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { LanguageSwitch } from '../shell/LanguageSwitch'
import { meKey } from '../api/queries/me'
import { I18nProvider, type Locale } from './i18n'
import { resetRememberedLanguage } from './remember'

type Answer = { data?: unknown; error?: unknown; response: Response }
const get = vi.hoisted(() => vi.fn<(path: string) => Promise<Answer>>())
const patch = vi.hoisted(() => vi.fn<(path: string, init: { body: { language: string } }) => Promise<Answer>>())

vi.mock('../api/client', async (original) => ({
  ...(await original<typeof import('../api/client')>()),
  api: { GET: get, PATCH: patch },
}))

const signedIn = {
  state: 'active',
  email: 'ap@acme.example',
  customer_id: 'cus_1',
  accounts: [],
  impersonated: false,
  impersonator: null,
  csrf_token: 'x',
  language: null as string | null,
}

function ok(data: unknown): Answer {
  return { data, response: new Response(null, { status: 200 }) }
}

function signedInAs(me: typeof signedIn | null) {
  get.mockImplementation(() =>
    Promise.resolve(me ? ok(me) : { error: {}, response: new Response(null, { status: 401 }) }),
  )
  patch.mockImplementation((_path, init) => Promise.resolve(ok({ ...me, language: init.body.language })))
}

function renderSwitch(initial: Locale) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  render(
    <I18nProvider initial={initial}>
      <QueryClientProvider client={client}>
        <LanguageSwitch />
      </QueryClientProvider>
    </I18nProvider>,
  )
  return { user: userEvent.setup(), client }
}

const menu = () => screen.getByRole<HTMLSelectElement>('combobox')

afterEach(() => {
  get.mockReset()
  patch.mockReset()
  resetRememberedLanguage()
  localStorage.clear()
})

describe('the remembered language', () => {
  it('saves the browser language at the first sign-in', async () => {
    signedInAs({ ...signedIn, language: null })
    renderSwitch('fr')
    await waitFor(() => expect(patch).toHaveBeenCalledWith('/portal/v1/me', { body: { language: 'fr' } }))
    expect(patch).toHaveBeenCalledTimes(1)
  })

  it('opens in the stored language over the browser one, and saves nothing', async () => {
    signedInAs({ ...signedIn, language: 'fr' })
    renderSwitch('en')
    await waitFor(() => expect(menu().value).toBe('fr'))
    expect(document.documentElement.lang).toBe('fr')
    expect(patch).not.toHaveBeenCalled()
  })

  it('saves a pick from the menu for a signed-in person', async () => {
    signedInAs({ ...signedIn, language: 'en' })
    const { user } = renderSwitch('en')
    await waitFor(() => expect(get).toHaveBeenCalled())
    await user.selectOptions(menu(), 'fr')
    await waitFor(() => expect(patch).toHaveBeenCalledWith('/portal/v1/me', { body: { language: 'fr' } }))
    expect(menu().value).toBe('fr')
  })

  it('saves a pick made before signing in, rather than applying the stored one', async () => {
    signedInAs(null)
    const { user, client } = renderSwitch('en')
    await waitFor(() => expect(get).toHaveBeenCalled())
    await user.selectOptions(menu(), 'fr')
    expect(patch).not.toHaveBeenCalled() // nobody to save it for yet
    expect(localStorage.getItem('remit.locale')).toBe('fr')

    signedInAs({ ...signedIn, language: 'en' })
    act(() => client.setQueryData(meKey, { ...signedIn, language: 'en' })) // the sign-in page's refresh
    await waitFor(() => expect(patch).toHaveBeenCalledWith('/portal/v1/me', { body: { language: 'fr' } }))
    expect(menu().value).toBe('fr')
  })

  it('saves nothing in the partner’s read-only view', async () => {
    signedInAs({ ...signedIn, impersonated: true, language: null })
    const { user } = renderSwitch('en')
    await waitFor(() => expect(get).toHaveBeenCalled())
    await user.selectOptions(menu(), 'fr')
    expect(menu().value).toBe('fr')
    expect(patch).not.toHaveBeenCalled()
  })
})
