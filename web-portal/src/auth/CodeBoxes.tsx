// Six boxes for a 6-digit code: typing moves on, Backspace goes back, pasting (or the phone's one-time-code
// autofill) fills every box, and a complete code is handed over at once (no extra click).
import {
  useId,
  useImperativeHandle,
  useRef,
  useState,
  type ClipboardEvent,
  type KeyboardEvent,
  type Ref,
} from 'react'
import { useMessages } from '../i18n/i18n'
import { messages } from './messages'
import './auth.css'

export const CODE_LENGTH = 6

export interface CodeBoxesHandle {
  clear: () => void
  focus: () => void
}

interface Props {
  /** Called with the 6 digits as soon as every box is filled. */
  onComplete: (code: string) => void
  onChange?: (code: string) => void
  label?: string
  /** While the code is being checked: the boxes keep focus (a disabled box would lose it) but take no input. */
  busy?: boolean
  /** An error message shown under the boxes (and announced). */
  error?: string | null
  autoFocus?: boolean
  ref?: Ref<CodeBoxesHandle>
}

const EMPTY = Array<string>(CODE_LENGTH).fill('')

export function CodeBoxes({ onComplete, onChange, label, busy = false, error, autoFocus = false, ref }: Props) {
  const t = useMessages(messages)
  const [digits, setDigits] = useState<string[]>(EMPTY)
  const boxes = useRef<(HTMLInputElement | null)[]>([])
  const id = useId()
  const errorId = `${id}-error`
  const hintId = `${id}-hint`

  const focusBox = (i: number) => {
    const box = boxes.current[Math.max(0, Math.min(CODE_LENGTH - 1, i))]
    box?.focus()
    box?.select()
  }

  useImperativeHandle(ref, () => ({
    clear: () => {
      setDigits(EMPTY)
      onChange?.('')
      focusBox(0)
    },
    focus: () => focusBox(digits.findIndex((d) => !d) === -1 ? 0 : digits.findIndex((d) => !d)),
  }))

  const update = (next: string[]) => {
    setDigits(next)
    const code = next.join('')
    onChange?.(code)
    if (next.every((d) => d !== '')) onComplete(code)
  }

  /** Put `text`'s digits into the boxes from `start` on; returns where the caret should go. */
  const fill = (start: number, text: string) => {
    if (busy) return
    const incoming = text.replace(/\D/g, '')
    if (!incoming) return
    // A whole code pasted or autofilled anywhere replaces everything.
    const from = incoming.length >= CODE_LENGTH ? 0 : start
    const next = from === 0 && incoming.length >= CODE_LENGTH ? [...EMPTY] : [...digits]
    let i = from
    for (const ch of incoming.slice(0, CODE_LENGTH - from)) next[i++] = ch
    update(next)
    focusBox(Math.min(i, CODE_LENGTH - 1))
  }

  const onInput = (i: number, value: string) => {
    if (busy) return
    if (value === '') {
      const next = [...digits]
      next[i] = ''
      update(next)
      return
    }
    // The box may already hold a digit: keep what was typed last.
    const held = digits[i] ?? ''
    const typed = value.length > 1 && held && value.startsWith(held) ? value.slice(held.length) : value
    fill(i, typed)
  }

  const onKeyDown = (i: number, e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Backspace' && !busy && !digits[i] && i > 0) {
      e.preventDefault()
      const next = [...digits]
      next[i - 1] = ''
      update(next)
      focusBox(i - 1)
    } else if (e.key === 'ArrowLeft' && i > 0) {
      e.preventDefault()
      focusBox(i - 1)
    } else if (e.key === 'ArrowRight' && i < CODE_LENGTH - 1) {
      e.preventDefault()
      focusBox(i + 1)
    }
  }

  const onPaste = (i: number, e: ClipboardEvent<HTMLInputElement>) => {
    e.preventDefault()
    fill(i, e.clipboardData.getData('text'))
  }

  return (
    <fieldset className={`code-boxes${error ? ' code-boxes-invalid' : ''}`} aria-busy={busy || undefined}>
      <legend>{label ?? t('codeLabel')}</legend>
      <p className="hint" id={hintId}>
        {t('codeHint')}
      </p>
      <div className="code-boxes-row">
        {digits.map((digit, i) => (
          <input
            key={i}
            ref={(el) => {
              boxes.current[i] = el
            }}
            className="code-box"
            type="text"
            inputMode="numeric"
            pattern="[0-9]*"
            autoComplete={i === 0 ? 'one-time-code' : 'off'}
            // eslint-disable-next-line jsx-a11y/no-autofocus
            autoFocus={autoFocus && i === 0}
            aria-label={t('digitOf', { n: i + 1, total: CODE_LENGTH })}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${hintId} ${errorId}` : hintId}
            value={digit}
            readOnly={busy}
            onChange={(e) => onInput(i, e.target.value)}
            onKeyDown={(e) => onKeyDown(i, e)}
            onPaste={(e) => onPaste(i, e)}
            onFocus={(e) => e.target.select()}
          />
        ))}
      </div>
      {error && (
        <p className="field-error" id={errorId} role="alert">
          {error}
        </p>
      )}
    </fieldset>
  )
}
