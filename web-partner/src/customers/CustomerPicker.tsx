// Choosing a customer from a search (GET /v1/customers?q=, debounced): a search box and the matches in a list box.
// Used by the invoice filters, the new invoice form and the access requests queue.
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { api, unwrap } from '../api/client'
import { useMessages } from '../i18n/i18n'
import { useDebounced } from '../lib/useDebounced'
import { SelectField, TextField } from '../ui/ui'
import { messages } from './messages'

export function CustomerPicker({
  value,
  onChange,
  label,
  emptyLabel,
  disabled,
  error,
}: {
  value: string
  onChange: (id: string, name: string) => void
  label: string
  emptyLabel: string
  disabled?: boolean
  error?: string | null
}) {
  const t = useMessages(messages)
  const [text, setText] = useState('')
  const q = useDebounced(text.trim(), 250)
  const found = useQuery({
    queryKey: ['customers', 'pick', q],
    queryFn: () => unwrap(api.GET('/v1/customers', { params: { query: { limit: 20, ...(q ? { q } : {}) } } })),
    enabled: !disabled,
  })
  const chosen = useQuery({
    queryKey: ['customer', value],
    queryFn: () => unwrap(api.GET('/v1/customers/{customer_id}', { params: { path: { customer_id: value } } })),
    enabled: Boolean(value),
  })
  const options = found.data?.data ?? []
  const missing = value && !options.some((c) => c.id === value)
  return (
    <fieldset className="picker" disabled={disabled}>
      <legend>{label}</legend>
      <TextField label={t('customerSearch')} type="search" hint={t('customerSearchHint')} value={text} maxLength={100} onChange={(e) => setText(e.target.value)} />
      <SelectField
        label={label}
        value={value}
        aria-invalid={error ? true : undefined}
        onChange={(e) => onChange(e.target.value, e.target.selectedOptions[0]?.textContent ?? '')}
      >
        <option value="">{found.data && options.length === 0 ? t('noCustomerFound') : emptyLabel}</option>
        {missing && <option value={value}>{chosen.data?.name ?? value}</option>}
        {options.map((c) => (
          <option key={c.id} value={c.id}>
            {c.email ? `${c.name} (${c.email})` : c.name}
          </option>
        ))}
      </SelectField>
      {error && <p className="field-error">{error}</p>}
    </fieldset>
  )
}
