// Email preferences: the invoice reminder switch, saved as soon as it is flipped, with the outcome announced.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { api, unwrap } from '../api/client'
import { useMe, usePermissions } from '../api/queries/me'
import { common } from '../i18n/common'
import { useMessages } from '../i18n/i18n'
import { Alert, ErrorState, Loading, Page, ProblemAlert } from '../ui/ui'
import { messages } from './messages'
import '../invoices/invoices.css'

const key = ['notifications'] as const

export function NotificationsPage() {
  const t = useMessages(messages)
  const tc = useMessages(common)
  const { data: me } = useMe()
  const { readOnly } = usePermissions()
  const client = useQueryClient()
  const prefs = useQuery({ queryKey: key, queryFn: () => unwrap(api.GET('/portal/v1/me/notifications')) })
  const [saved, setSaved] = useState<boolean | null>(null)
  const save = useMutation({
    mutationFn: (reminders: boolean) => unwrap(api.PATCH('/portal/v1/me/notifications', { body: { reminders } })),
    onMutate: () => setSaved(null),
    onSuccess: (answer) => {
      client.setQueryData(key, answer)
      setSaved(answer.reminders)
    },
  })
  const id = useId()
  const account = me?.accounts.find((a) => a.customer_id === me.customer_id)?.name ?? ''
  // While saving, the switch already shows the new position.
  const checked = save.isPending ? Boolean(save.variables) : Boolean(prefs.data?.reminders)

  return (
    <Page title={t('title')}>
      <p className="muted">{t('intro', { account })}</p>
      {readOnly && <Alert tone="info">{tc('readOnly')}</Alert>}
      {prefs.isPending ? (
        <Loading />
      ) : !prefs.data ? (
        <ErrorState error={prefs.error} onRetry={() => prefs.refetch()} />
      ) : (
        <div className="card stack">
          <div className="switch-row">
            <input
              type="checkbox"
              role="switch"
              id={id}
              checked={checked}
              disabled={readOnly}
              aria-describedby={`${id}-hint`}
              onChange={(e) => {
                if (!save.isPending) save.mutate(e.target.checked)
              }}
            />
            <div>
              <label htmlFor={id} className="label">
                {t('reminders')}
              </label>{' '}
              <span className="switch-state" aria-hidden="true">
                ({checked ? t('on') : t('off')})
              </span>
              <p className="hint" id={`${id}-hint`}>
                {t('remindersHint')}
              </p>
            </div>
          </div>
          <p>{t('always')}</p>
          <div role="status" aria-live="polite">
            {save.isPending ? t('saving') : saved === null ? '' : <span className="saved-note">{saved ? t('savedOn') : t('savedOff')}</span>}
          </div>
          <ProblemAlert error={save.error} />
        </div>
      )}
    </Page>
  )
}
