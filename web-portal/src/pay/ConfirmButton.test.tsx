import { act, render, renderHook, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { ConfirmButton, useAttemptKey } from './ConfirmButton'

describe('ConfirmButton', () => {
  it('pays once however fast it is clicked, and is disabled while paying', async () => {
    const user = userEvent.setup()
    let finish: () => void = () => {}
    const pay = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)))
    render(<ConfirmButton onConfirm={pay}>Pay $10.00</ConfirmButton>)
    const button = screen.getByRole('button', { name: 'Pay $10.00' })
    await user.dblClick(button)
    await user.click(button)
    expect(pay).toHaveBeenCalledTimes(1)
    expect((button as HTMLButtonElement).disabled).toBe(true)
    expect(button.getAttribute('aria-busy')).toBe('true')
    await act(async () => finish())
    expect((button as HTMLButtonElement).disabled).toBe(false)
    await user.click(button)
    expect(pay).toHaveBeenCalledTimes(2)
  })

  it('two synchronous clicks in the same tick still pay once', async () => {
    const pay = vi.fn(() => new Promise<void>(() => {}))
    render(<ConfirmButton onConfirm={pay}>Pay</ConfirmButton>)
    const button = screen.getByRole('button', { name: 'Pay' })
    act(() => {
      button.click()
      button.click()
    })
    expect(pay).toHaveBeenCalledTimes(1)
  })

  it('is usable again after a failure', async () => {
    const user = userEvent.setup()
    const pay = vi.fn(() => Promise.reject(new Error('offline')))
    render(
      <ConfirmButton
        onConfirm={() =>
          pay().catch(() => {
            /* the page shows the problem */
          })
        }
      >
        Pay
      </ConfirmButton>,
    )
    await user.click(screen.getByRole('button', { name: 'Pay' }))
    await user.click(screen.getByRole('button', { name: 'Pay' }))
    expect(pay).toHaveBeenCalledTimes(2)
  })
})

describe('useAttemptKey', () => {
  it('keeps one key for retries of the same attempt and makes a new one for a new attempt', () => {
    const { result } = renderHook(() => useAttemptKey())
    const first = result.current.keyFor('{"amount":100}')
    expect(result.current.keyFor('{"amount":100}')).toBe(first)
    const changed = result.current.keyFor('{"amount":200}')
    expect(changed).not.toBe(first)
    result.current.reset()
    expect(result.current.keyFor('{"amount":200}')).not.toBe(changed)
  })
})
