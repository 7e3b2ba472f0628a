import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { I18nProvider } from '../i18n/i18n'
import { NewMethodForm, type NewMethodResult } from './NewMethodForm'

type Answer = { data?: unknown; error?: unknown; response: Response }
const post = vi.hoisted(() => vi.fn<(path: string, init?: { body?: unknown }) => Promise<Answer>>())

vi.mock('../api/client', async (original) => ({
  ...(await original<typeof import('../api/client')>()),
  api: { POST: post },
}))

const mandates = [
  { type: 'us_bank_account' as const, version: 'ach-1', language: 'en', text: 'I authorize Northwind to debit this account.' },
  { type: 'ca_bank_account' as const, version: 'pad-1', language: 'fr', text: 'Accord de DPA d’entreprise.' },
]

function renderForm(props: Partial<Parameters<typeof NewMethodForm>[0]> = {}) {
  const onSubmit = vi.fn<(r: NewMethodResult) => Promise<void>>(() => Promise.resolve())
  render(
    <I18nProvider initial="en">
      <NewMethodForm
        kinds={['card', 'us_bank_account']}
        mandates={mandates}
        saveOption="optional"
        submitLabel={(kind) => (kind === 'card' ? 'Use this card' : 'Use this bank account')}
        onSubmit={onSubmit}
        {...props}
      />
    </I18nProvider>,
  )
  return onSubmit
}

async function fillCard(user: ReturnType<typeof userEvent.setup>, number: string, expiry = '12/40', cvc = '123') {
  await user.type(screen.getByLabelText('Card number'), number)
  await user.type(screen.getByLabelText('Expiry date'), expiry)
  await user.type(screen.getByLabelText('Security code (CVC)'), cvc)
  await user.type(screen.getByLabelText('Name on card'), 'Jenny Rosen')
}

beforeEach(() => post.mockReset())

describe('NewMethodForm', () => {
  it('refuses a number that fails the Luhn check before sending anything', async () => {
    const user = userEvent.setup()
    const onSubmit = renderForm()
    await fillCard(user, '4242424242424241')
    await user.click(screen.getByRole('button', { name: 'Use this card' }))
    expect(await screen.findByText('This card number is not valid. Check it against the card.')).toBeTruthy()
    expect(screen.getByLabelText('Card number')).toBe(document.activeElement)
    expect(screen.getByLabelText('Card number').getAttribute('aria-invalid')).toBe('true')
    expect(post).not.toHaveBeenCalled()
    expect(onSubmit).not.toHaveBeenCalled()
  })

  it('refuses an expired card and a malformed expiry', async () => {
    const user = userEvent.setup()
    renderForm()
    await fillCard(user, '4242424242424242', '01/20')
    await user.click(screen.getByRole('button', { name: 'Use this card' }))
    expect(await screen.findByText('This card has expired. Use a current card.')).toBeTruthy()
    await user.clear(screen.getByLabelText('Expiry date'))
    await user.type(screen.getByLabelText('Expiry date'), '13')
    await user.click(screen.getByRole('button', { name: 'Use this card' }))
    expect(await screen.findByText('Enter the expiry date as MM / YY, for example 04 / 29.')).toBeTruthy()
    expect(post).not.toHaveBeenCalled()
  })

  it('formats what is typed and hands back only the token', async () => {
    const user = userEvent.setup()
    post.mockResolvedValue({
      data: {
        id: 'tok_1',
        object: 'token',
        type: 'card',
        card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2040, funding: 'credit', country: 'US' },
        created: 1,
      },
      response: new Response(null, { status: 201 }),
    })
    const onSubmit = renderForm()
    await fillCard(user, '4242424242424242', '1240')
    expect((screen.getByLabelText('Card number') as HTMLInputElement).value).toBe('4242 4242 4242 4242')
    expect((screen.getByLabelText('Expiry date') as HTMLInputElement).value).toBe('12 / 40')
    await user.click(screen.getByLabelText('Save this method for next time'))
    await user.click(screen.getByRole('button', { name: 'Use this card' }))
    expect(post).toHaveBeenCalledWith('/sandbox/v1/tokens', {
      body: { type: 'card', number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' },
    })
    expect(onSubmit).toHaveBeenCalledTimes(1)
    const result = onSubmit.mock.calls[0]![0]
    expect(result).toEqual({
      method: {
        token: 'tok_1',
        kind: 'card',
        brand: 'visa',
        bankName: null,
        last4: '4242',
        expMonth: 12,
        expYear: 2040,
        funding: 'credit',
      },
      save: true,
      acceptMandate: false,
      mandateLanguage: 'en',
    })
    expect(JSON.stringify(result)).not.toContain('4242424242424242')
  })

  it('asks for the debit authorization on a bank account', async () => {
    const user = userEvent.setup()
    post.mockResolvedValue({
      data: {
        id: 'tok_2',
        object: 'token',
        type: 'us_bank_account',
        us_bank_account: { bank_name: 'Sandbox Bank (US)', last4: '6789', routing_number: '110000000' },
        created: 1,
      },
      response: new Response(null, { status: 201 }),
    })
    const onSubmit = renderForm()
    await user.click(screen.getByLabelText('US bank account (ACH)'))
    expect(screen.getByText('I authorize Northwind to debit this account.')).toBeTruthy()
    await user.type(screen.getByLabelText('Routing number'), '110000001')
    await user.type(screen.getByLabelText('Account number'), '000123456789')
    await user.type(screen.getByLabelText('Confirm account number'), '000123456789')
    await user.click(screen.getByLabelText('Checking'))
    await user.type(screen.getByLabelText('Account holder name'), 'Acme')
    await user.click(screen.getByRole('button', { name: 'Use this bank account' }))
    expect(await screen.findByText('Enter the 9-digit routing number printed at the bottom left of a check.')).toBeTruthy()
    await user.clear(screen.getByLabelText('Routing number'))
    await user.type(screen.getByLabelText('Routing number'), '110000000')
    await user.click(screen.getByRole('button', { name: 'Use this bank account' }))
    expect(await screen.findByText('Accept the debit authorization to pay from a bank account.')).toBeTruthy()
    expect(post).not.toHaveBeenCalled()
    await user.click(screen.getByLabelText('I accept this debit authorization.'))
    await user.click(screen.getByRole('button', { name: 'Use this bank account' }))
    expect(onSubmit).toHaveBeenCalledTimes(1)
    expect(onSubmit.mock.calls[0]![0]).toMatchObject({
      method: { token: 'tok_2', kind: 'us_bank_account' },
      acceptMandate: true,
      mandateLanguage: 'en',
      save: false,
    })
  })

  it('asks for the account number twice and the account type, in US words', async () => {
    const user = userEvent.setup()
    const onSubmit = renderForm({ kinds: ['us_bank_account'] })
    expect(screen.getByText('9 digits, at the bottom left of a check')).toBeTruthy()
    await user.type(screen.getByLabelText('Routing number'), '110000000')
    await user.type(screen.getByLabelText('Account number'), '000123456789')
    await user.type(screen.getByLabelText('Confirm account number'), '000123456798')
    await user.type(screen.getByLabelText('Account holder name'), 'Acme')
    await user.click(screen.getByLabelText('I accept this debit authorization.'))
    await user.click(screen.getByRole('button', { name: 'Use this bank account' }))
    expect(await screen.findByText('The account numbers do not match. Check both and type them again.')).toBeTruthy()
    expect(screen.getByLabelText('Confirm account number')).toBe(document.activeElement)
    expect(screen.getByText('Choose checking or savings.')).toBeTruthy()
    expect(post).not.toHaveBeenCalled()
    expect(onSubmit).not.toHaveBeenCalled()
  })

  it('marks the authorization with the language it is written in', async () => {
    const user = userEvent.setup()
    renderForm({ kinds: ['us_bank_account', 'ca_bank_account'] })
    await user.click(screen.getByLabelText('Canadian bank account (PAD)'))
    expect(screen.getByText('Accord de DPA d’entreprise.').getAttribute('lang')).toBe('fr')
    await user.click(screen.getByLabelText('US bank account (ACH)'))
    expect(screen.getByText('I authorize Northwind to debit this account.').getAttribute('lang')).toBe('en')
  })

  it('shows what the processor or the API refused, and the form stays filled in', async () => {
    const user = userEvent.setup()
    post.mockResolvedValue({
      error: { code: 'not_a_test_number', detail: 'The sandbox accepts only its published test cards.' },
      response: new Response(null, { status: 400 }),
    })
    const onSubmit = renderForm({ saveOption: 'never' })
    expect(screen.queryByLabelText('Save this method for next time')).toBeNull()
    await fillCard(user, '5105105105105100')
    await user.click(screen.getByRole('button', { name: 'Use this card' }))
    expect(await screen.findByText(/only the published test numbers work/)).toBeTruthy()
    expect((screen.getByLabelText('Card number') as HTMLInputElement).value).toBe('5105 1051 0510 5100')
    expect(onSubmit).not.toHaveBeenCalled()
  })
})
