// After a guest payment: an offer to ask for portal access. It files an access request the partner approves;
// nobody gets into a customer's account from a pay link alone.
import { useMutation } from '@tanstack/react-query'
import { useEffect, useId, useState, type FormEvent } from 'react'
import { api, unwrap } from '../api/client'
import { useMessages } from '../i18n/i18n'
import { useProblemText } from '../payment-methods/problems'
import { Alert, Button, TextField } from '../ui/ui'
import { messages } from './messages'

type Field = 'email' | 'company_name' | 'contact_name' | 'phone' | 'address'
const FIELDS: readonly Field[] = ['email', 'company_name', 'contact_name', 'phone', 'address']

export function EnrolOffer({
  token,
  partnerName,
  customerName,
  email,
}: {
  token: string
  partnerName: string
  customerName: string
  email: string
}) {
  const t = useMessages(messages)
  const problemText = useProblemText(messages, { partner: partnerName })
  const ids = useId()
  const [open, setOpen] = useState(false)
  const [dismissed, setDismissed] = useState(false)
  const [values, setValues] = useState<Record<Field, string>>({
    email,
    company_name: customerName,
    contact_name: '',
    phone: '',
    address: '',
  })
  const [checked, setChecked] = useState(false)
  useEffect(() => {
    if (open) document.getElementById(`${ids}-email`)?.focus()
  }, [open, ids])
  const enrol = useMutation({
    mutationFn: () => unwrap(api.POST('/portal/v1/pay-links/{token}/enrol', { params: { path: { token } }, body: values })),
  })
  const invalid = (f: Field) => {
    const v = values[f].trim()
    if (f === 'email') return !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? t('error.email') : null
    if (f === 'phone' || f === 'address') return v.length < 3 ? t('required') : null
    return v ? null : t('required')
  }
  const submit = (e: FormEvent) => {
    e.preventDefault()
    setChecked(true)
    const first = FIELDS.find((f) => invalid(f))
    if (first) {
      document.getElementById(`${ids}-${first}`)?.focus()
      return
    }
    enrol.mutate()
  }
  if (dismissed) return null
  if (enrol.isSuccess) {
    return (
      <section className="card enrol" aria-labelledby={`${ids}-sent`}>
        <h2 id={`${ids}-sent`}>{t('enrolSent')}</h2>
        <p role="status">{t('enrolNext', { partner: partnerName, email: values.email.trim() })}</p>
      </section>
    )
  }
  const labels: Record<Field, string> = {
    email: t('email'),
    company_name: t('companyName'),
    contact_name: t('contactName'),
    phone: t('phone'),
    address: t('address'),
  }
  const autocomplete: Record<Field, string> = {
    email: 'email',
    company_name: 'organization',
    contact_name: 'name',
    phone: 'tel',
    address: 'street-address',
  }
  return (
    <section className="card enrol" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>{t('enrolTitle')}</h2>
      <p>{t('enrolBody', { partner: partnerName })}</p>
      {!open ? (
        <div className="row">
          <Button onClick={() => setOpen(true)}>{t('enrolStart')}</Button>
          <Button variant="secondary" onClick={() => setDismissed(true)}>
            {t('enrolLater')}
          </Button>
        </div>
      ) : (
        <form onSubmit={submit} noValidate>
          {FIELDS.map((f) => (
            <TextField
              key={f}
              id={`${ids}-${f}`}
              label={labels[f]}
              type={f === 'email' ? 'email' : f === 'phone' ? 'tel' : 'text'}
              autoComplete={autocomplete[f]}
              value={values[f]}
              onChange={(e) => setValues((all) => ({ ...all, [f]: e.target.value }))}
              error={checked ? invalid(f) : null}
              required
            />
          ))}
          {enrol.error != null && <Alert tone="error">{problemText(enrol.error)}</Alert>}
          <Button type="submit" busy={enrol.isPending}>
            {t('send')}
          </Button>
        </form>
      )}
    </section>
  )
}
