import { act, fireEvent, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { createRef } from 'react'
import { describe, expect, it, vi } from 'vitest'
import { I18nProvider } from '../i18n/i18n'
import { CodeBoxes, type CodeBoxesHandle } from './CodeBoxes'

function setup(props: Partial<Parameters<typeof CodeBoxes>[0]> = {}) {
  const onComplete = vi.fn()
  const onChange = vi.fn()
  const ref = createRef<CodeBoxesHandle>()
  render(
    <I18nProvider initial="en">
      <CodeBoxes ref={ref} onComplete={onComplete} onChange={onChange} {...props} />
    </I18nProvider>,
  )
  const boxes = screen.getAllByRole('textbox') as HTMLInputElement[]
  return { onComplete, onChange, ref, boxes, user: userEvent.setup() }
}

const values = (boxes: HTMLInputElement[]) => boxes.map((b) => b.value).join('')

describe('CodeBoxes', () => {
  it('has six labelled boxes in a group named after the code', () => {
    const { boxes } = setup()
    expect(boxes).toHaveLength(6)
    expect(screen.getByRole('group', { name: '6-digit code' })).toBeTruthy()
    expect(screen.getByLabelText('Digit 1 of 6')).toBe(boxes[0])
    expect(screen.getByLabelText('Digit 6 of 6')).toBe(boxes[5])
    expect(boxes[0]!.autocomplete).toBe('one-time-code')
    expect(boxes[0]!.inputMode).toBe('numeric')
  })

  it('moves to the next box as digits are typed and submits once complete', async () => {
    const { boxes, user, onComplete, onChange } = setup()
    await user.click(boxes[0]!)
    await user.keyboard('12345')
    expect(document.activeElement).toBe(boxes[5])
    expect(values(boxes)).toBe('12345')
    expect(onComplete).not.toHaveBeenCalled()
    await user.keyboard('6')
    expect(values(boxes)).toBe('123456')
    expect(onComplete).toHaveBeenCalledTimes(1)
    expect(onComplete).toHaveBeenCalledWith('123456')
    expect(onChange).toHaveBeenLastCalledWith('123456')
  })

  it('ignores anything that is not a digit', async () => {
    const { boxes, user } = setup()
    await user.click(boxes[0]!)
    await user.keyboard('a1-b2 ')
    expect(values(boxes)).toBe('12')
    expect(document.activeElement).toBe(boxes[2])
  })

  it('goes back with Backspace from an empty box, clearing the previous digit', async () => {
    const { boxes, user } = setup()
    await user.click(boxes[0]!)
    await user.keyboard('123')
    expect(document.activeElement).toBe(boxes[3])
    await user.keyboard('{Backspace}')
    expect(document.activeElement).toBe(boxes[2])
    expect(values(boxes)).toBe('12')
    await user.keyboard('{Backspace}')
    expect(document.activeElement).toBe(boxes[1])
    expect(values(boxes)).toBe('1')
    await user.keyboard('9')
    expect(values(boxes)).toBe('19')
    expect(document.activeElement).toBe(boxes[2])
  })

  it('clears a filled box with Backspace and stays there', async () => {
    const { boxes, user } = setup()
    await user.click(boxes[0]!)
    await user.keyboard('12')
    await user.click(boxes[1]!)
    await user.keyboard('{Backspace}')
    expect(boxes[1]!.value).toBe('')
    expect(document.activeElement).toBe(boxes[1])
  })

  it('replaces the digit of a box typed over', async () => {
    const { boxes, user } = setup()
    await user.click(boxes[0]!)
    await user.keyboard('123')
    await user.click(boxes[1]!)
    await user.keyboard('7')
    expect(values(boxes)).toBe('173')
    expect(document.activeElement).toBe(boxes[2])
  })

  it('fills every box from a pasted code (spaces and dashes ignored) and submits', async () => {
    const { boxes, user, onComplete } = setup()
    await user.click(boxes[0]!)
    await user.paste('123 456')
    expect(values(boxes)).toBe('123456')
    expect(onComplete).toHaveBeenCalledWith('123456')
    expect(document.activeElement).toBe(boxes[5])
  })

  it('fills every box from a whole code pasted into any box', async () => {
    const { boxes, user, onComplete } = setup()
    await user.click(boxes[3]!)
    await user.paste('Your code: 987-654')
    expect(values(boxes)).toBe('987654')
    expect(onComplete).toHaveBeenCalledWith('987654')
  })

  it('fills from the box pasted into when fewer than 6 digits are pasted', async () => {
    const { boxes, user, onComplete } = setup()
    await user.click(boxes[0]!)
    await user.keyboard('1')
    await user.paste('23')
    expect(values(boxes)).toBe('123')
    expect(document.activeElement).toBe(boxes[3])
    expect(onComplete).not.toHaveBeenCalled()
  })

  it('spreads a code autofilled into the first box', async () => {
    const { boxes, onComplete } = setup()
    // A phone's one-time-code autofill sets the whole value of the first input at once.
    fireEvent.change(boxes[0]!, { target: { value: '246810' } })
    expect(values(boxes)).toBe('246810')
    expect(onComplete).toHaveBeenCalledWith('246810')
  })

  it('moves with the arrow keys', async () => {
    const { boxes, user } = setup()
    await user.click(boxes[2]!)
    await user.keyboard('{ArrowLeft}')
    expect(document.activeElement).toBe(boxes[1])
    await user.keyboard('{ArrowRight}{ArrowRight}')
    expect(document.activeElement).toBe(boxes[3])
  })

  it('clears and refocuses the first box on demand, and shows an error', async () => {
    const { boxes, user, ref } = setup({ error: 'That code is wrong.' })
    await user.click(boxes[0]!)
    await user.keyboard('123456')
    await act(async () => {
      ref.current!.clear()
      await new Promise((r) => setTimeout(r, 0))
    })
    expect(values(boxes)).toBe('')
    expect(document.activeElement).toBe(boxes[0])
    expect(screen.getByRole('alert').textContent).toBe('That code is wrong.')
    expect(boxes[0]!.getAttribute('aria-invalid')).toBe('true')
    expect(boxes[0]!.getAttribute('aria-describedby')).toContain(screen.getByRole('alert').id)
  })

  it('takes no input while the code is being checked', async () => {
    const { boxes, user, onChange } = setup({ busy: true })
    await user.click(boxes[0]!)
    await user.keyboard('1')
    expect(values(boxes)).toBe('')
    expect(onChange).not.toHaveBeenCalled()
  })
})
