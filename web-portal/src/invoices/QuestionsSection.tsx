// "Question this invoice": what was asked before (with the partner's answers) and a form for a new question,
// closed while one is open or when this person cannot change anything.
import { useId, useRef, useState, type FormEvent } from 'react'
import { asProblem } from '../api/problem'
import { usePermissions } from '../api/queries/me'
import { common } from '../i18n/common'
import { useI18n, useMessages } from '../i18n/i18n'
import { formatDateTime } from '../lib/dates'
import { useBranding } from '../shell/PartnerLayout'
import { Alert, Button, Chip, ErrorState, Loading, ProblemAlert } from '../ui/ui'
import { detailMessages } from './detailMessages'
import { useAskQuestion, useQuestions, type Question } from './queries'

const MAX = 2000

export function QuestionsSection({ invoiceId }: { invoiceId: string }) {
  const t = useMessages(detailMessages)
  const branding = useBranding()
  const questions = useQuestions(invoiceId)
  const headingId = useId()
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('questionsTitle')}</h2>
      <p className="muted">{t('questionsIntro', { partner: branding.name })}</p>
      {questions.isPending ? (
        <Loading />
      ) : !questions.data ? (
        <ErrorState error={questions.error} onRetry={() => questions.refetch()} />
      ) : (
        <>
          <QuestionList questions={questions.data.data} />
          <AskForm invoiceId={invoiceId} hasOpen={questions.data.data.some((q) => q.status === 'open')} />
        </>
      )}
    </section>
  )
}

function QuestionList({ questions }: { questions: Question[] }) {
  const t = useMessages(detailMessages)
  const { intlLocale } = useI18n()
  const branding = useBranding()
  if (questions.length === 0) return <p>{t('noQuestions')}</p>
  return (
    <ul className="questions" data-testid="questions">
      {questions.map((q) => (
        <li key={q.id}>
          <div className="question-meta">
            <Chip tone={q.status === 'open' ? 'warning' : 'success'}>
              {t(q.status === 'open' ? 'questionOpen' : 'questionResolved')}
            </Chip>
            <span>{t('askedOn', { date: formatDateTime(q.created_at, intlLocale) })}</span>
          </div>
          <p className="question-text">{q.message}</p>
          {q.status === 'resolved' && (
            <div className="answer">
              <p className="question-meta">
                {t('answeredOn', {
                  partner: branding.name,
                  date: q.resolved_at ? formatDateTime(q.resolved_at, intlLocale) : '',
                })}
              </p>
              <p>{q.resolution ?? t('noAnswerText')}</p>
            </div>
          )}
        </li>
      ))}
    </ul>
  )
}

function AskForm({ invoiceId, hasOpen }: { invoiceId: string; hasOpen: boolean }) {
  const t = useMessages(detailMessages)
  const tc = useMessages(common)
  const branding = useBranding()
  const { readOnly } = usePermissions()
  const ask = useAskQuestion(invoiceId)
  const [text, setText] = useState('')
  const [fieldError, setFieldError] = useState<string | null>(null)
  const [sent, setSent] = useState(false)
  const area = useRef<HTMLTextAreaElement>(null)
  const id = useId()
  const reason = readOnly ? tc('readOnly') : hasOpen && !sent ? t('alreadyOpen', { partner: branding.name }) : null
  const disabled = readOnly || hasOpen

  const submit = (e: FormEvent) => {
    e.preventDefault()
    const message = text.trim()
    if (!message) {
      setFieldError(t('emptyQuestion'))
      area.current?.focus()
      return
    }
    if (message.length > MAX) {
      setFieldError(t('tooLong', { max: MAX }))
      area.current?.focus()
      return
    }
    setFieldError(null)
    ask.mutate(message, {
      onSuccess: () => {
        setText('')
        setSent(true)
      },
      onError: (error) => {
        const field = asProblem(error).fieldError('message')
        if (field) setFieldError(field)
      },
    })
  }

  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  const countId = `${id}-count`
  return (
    <form onSubmit={submit} noValidate>
      {sent && <Alert tone="success">{t('asked', { partner: branding.name })}</Alert>}
      {reason && <Alert tone="info">{reason}</Alert>}
      <fieldset className="plain" disabled={disabled}>
        <div className={`field${fieldError ? ' field-invalid' : ''}`}>
          <label htmlFor={id}>{t('askLabel')}</label>
          <p className="hint" id={hintId}>
            {t('askHint', { max: MAX })}
          </p>
          <textarea
            id={id}
            ref={area}
            className="input"
            value={text}
            maxLength={MAX}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={fieldError ? true : undefined}
            aria-describedby={[hintId, countId, fieldError ? errorId : ''].filter(Boolean).join(' ')}
          />
          <p className="char-count" id={countId}>
            {t('charCount', { n: text.length, max: MAX })}
          </p>
          {fieldError && (
            <p className="field-error" id={errorId}>
              {fieldError}
            </p>
          )}
        </div>
        {ask.error && !asProblem(ask.error).fieldError('message') ? <ProblemAlert error={ask.error} /> : null}
        <Button type="submit" busy={ask.isPending}>
          {t('ask')}
        </Button>
      </fieldset>
    </form>
  )
}
