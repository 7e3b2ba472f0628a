import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Problem } from '../api/problem'
import { I18nProvider } from '../i18n/i18n'
import { shownError, StepUpCancelled, useStepUp } from './StepUp'

type Answer = { data?: unknown; error?: unknown; response: Response }
const get = vi.hoisted(() => vi.fn<(path: string, init?: unknown) => Promise<Answer>>())
const post = vi.hoisted(() => vi.fn<(path: string, init?: { body?: unknown }) => Promise<Answer>>())

vi.mock('../api/client', async (original) => ({
  ...(await original<typeof import('../api/client')>()),
  api: { GET: get, POST: post },
}))

const me = {
  state: 'active',
  email: 'ap@acme.example',
  customer_id: 'cus_1',
  accounts: [{ customer_id: 'cus_1', name: 'Acme', permissions: ['view', 'pay'] }],
  mfa_enabled: false,
  has_password: true,
  elevated_until: null,
  impersonated: false,
  impersonator: null,
  access_request: null,
  csrf_token: 'before',
}

const ok = (data: unknown): Answer => ({ data, response: new Response(null, { status: 200 }) })
const refused = (status: number, code: string): Answer => ({
  error: { code, detail: code },
  response: new Response(null, { status }),
})

/** A change the API guards with a second factor: refused once, then done. */
function Sensitive({ action }: { action: () => Promise<string> }) {
  const stepUp = useStepUp()
  const [result, setResult] = useState('')
  const go = () =>
    stepUp.run(action).then(setResult, (e: unknown) => setResult(shownError(e) ? 'failed' : 'cancelled'))
  return (
    <>
      <button onClick={go}>Change it</button>
      <p data-testid="result">{result}</p>
      {stepUp.dialog}
    </>
  )
}

function renderWith(action: () => Promise<string>, who = me) {
  get.mockImplementation(async () => ok(who))
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  client.setQueryData(['me'], who) // as on every signed-in page
  render(
    <I18nProvider initial="en">
      <QueryClientProvider client={client}>
        <Sensitive action={action} />
      </QueryClientProvider>
    </I18nProvider>,
  )
  return userEvent.setup()
}

const needsFactor = () => Promise.reject(new Problem(403, { code: 'step_up_required' }))

afterEach(() => {
  get.mockReset()
  post.mockReset()
})

describe('useStepUp', () => {
  it('runs the action at once when no second factor is needed', async () => {
    const action = vi.fn(async () => 'done')
    const user = renderWith(action)
    await user.click(screen.getByRole('button', { name: 'Change it' }))
    await waitFor(() => expect(screen.getByTestId('result').textContent).toBe('done'))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(action).toHaveBeenCalledTimes(1)
  })

  it('asks for the password, then runs the action again', async () => {
    const action = vi.fn<() => Promise<string>>().mockImplementationOnce(needsFactor).mockResolvedValue('done')
    post.mockImplementation(async (_path, init) =>
      (init?.body as { password?: string }).password === 'right one' ? ok({ ...me, csrf_token: 'after' }) : refused(401, 'invalid_credentials'),
    )
    const user = renderWith(action)
    await user.click(screen.getByRole('button', { name: 'Change it' }))
    const dialog = await screen.findByRole('dialog', { name: 'Confirm it’s you' })
    expect(dialog.getAttribute('aria-modal')).toBe('true')
    // Password first (this person has one), the emailed code as the other choice.
    expect((screen.getByRole('radio', { name: 'My password' }) as HTMLInputElement).checked).toBe(true)
    expect(screen.getByRole('radio', { name: 'A code sent to ap@acme.example' })).toBeTruthy()
    expect(document.activeElement).toBe(screen.getByRole('radio', { name: 'My password' }))

    await user.type(screen.getByLabelText('Password'), 'wrong one')
    await user.click(screen.getByRole('button', { name: 'Confirm' }))
    expect(await screen.findByText('That is not the right password.')).toBeTruthy()
    expect(action).toHaveBeenCalledTimes(1)

    await user.clear(screen.getByLabelText('Password'))
    await user.type(screen.getByLabelText('Password'), 'right one{Enter}')
    await waitFor(() => expect(screen.getByTestId('result').textContent).toBe('done'))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(action).toHaveBeenCalledTimes(2)
    expect(post).toHaveBeenLastCalledWith('/portal/v1/me/step-up', { body: { password: 'right one' } })
  })

  it('offers only the emailed code to someone with no password and no authenticator', async () => {
    const action = vi.fn<() => Promise<string>>().mockImplementationOnce(needsFactor).mockResolvedValue('done')
    post.mockImplementation(async (path) => (path === '/portal/v1/me/step-up/code' ? { response: new Response(null, { status: 204 }) } : ok(me)))
    const user = renderWith(action, { ...me, has_password: false })
    await user.click(screen.getByRole('button', { name: 'Change it' }))
    await screen.findByRole('dialog')
    expect(screen.queryByRole('radio')).toBeNull()
    await user.click(screen.getByRole('button', { name: 'Email me a code' }))
    expect(await screen.findByText('We emailed a 6-digit code to ap@acme.example. It works for 10 minutes.')).toBeTruthy()
    expect(screen.getByRole('button', { name: /^Send a new code in 0:[23]\d$/ })).toHaveProperty('disabled', true)
    await user.click(screen.getByLabelText('Digit 1 of 6'))
    await user.keyboard('123456')
    await waitFor(() => expect(screen.getByTestId('result').textContent).toBe('done'))
    expect(post).toHaveBeenCalledWith('/portal/v1/me/step-up', { body: { code: '123456' } })
  })

  it('gives up quietly when the person closes the dialog', async () => {
    const action = vi.fn<() => Promise<string>>().mockImplementation(needsFactor)
    const user = renderWith(action)
    await user.click(screen.getByRole('button', { name: 'Change it' }))
    await screen.findByRole('dialog')
    await user.keyboard('{Escape}')
    await waitFor(() => expect(screen.getByTestId('result').textContent).toBe('cancelled'))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(action).toHaveBeenCalledTimes(1)
    expect(shownError(new StepUpCancelled())).toBeNull()
  })

  it('passes any other failure on', async () => {
    const user = renderWith(() => Promise.reject(new Problem(409, { code: 'mfa_enabled' })))
    await user.click(screen.getByRole('button', { name: 'Change it' }))
    await waitFor(() => expect(screen.getByTestId('result').textContent).toBe('failed'))
    expect(screen.queryByRole('dialog')).toBeNull()
  })
})
