// Settings → Security: whether everyone on the team must use two-step sign-in (admins change it).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { api, unwrap } from '../api/client'
import { useMe } from '../api/me'
import { common } from '../i18n/common'
import { useMessages } from '../i18n/i18n'
import { useCan } from '../lib/useCan'
import { Alert, Button, ErrorState, Loading, Page, ProblemAlert } from '../ui/ui'
import { messages } from './messages'

const securityKey = ['settings-security'] as const

function RequireMfa({ current }: { current: boolean }) {
  const t = useMessages(messages)
  const tc = useMessages(common)
  const client = useQueryClient()
  const { reason } = useCan('security')
  const [checked, setChecked] = useState(current)
  const hintId = useId()
  const save = useMutation({
    mutationFn: (require_mfa: boolean) => unwrap(api.PATCH('/v1/settings/security', { body: { require_mfa } })),
    onSuccess: (saved) => {
      client.setQueryData(securityKey, saved)
      return client.invalidateQueries({ queryKey: ['me'] })
    },
  })
  return (
    <form
      className="card"
      onSubmit={(e) => {
        e.preventDefault()
        save.mutate(checked)
      }}
    >
      <ProblemAlert error={save.error} />
      {save.isSuccess && <Alert tone="success">{t('securitySaved', { state: save.data.require_mfa ? t('required') : t('notRequired') })}</Alert>}
      <label className="checkbox">
        <input type="checkbox" checked={checked} disabled={Boolean(reason)} aria-describedby={hintId} onChange={(e) => setChecked(e.target.checked)} />
        <span>{t('requireMfa')}</span>
      </label>
      <p className="hint" id={hintId}>
        {t('requireMfaHint')}
      </p>
      <div className="actions">
        <Button type="submit" busy={save.isPending} blockedReason={reason} disabled={checked === current}>
          {tc('save')}
        </Button>
      </div>
    </form>
  )
}

export default function SecurityPage() {
  const t = useMessages(messages)
  const me = useMe()
  const security = useQuery({ queryKey: securityKey, queryFn: () => unwrap(api.GET('/v1/settings/security')) })
  return (
    <Page title={t('securityTitle')}>
      <p>{t('yourMfa', { state: me.mfa_enabled ? t('on').toLowerCase() : t('off').toLowerCase() })}</p>
      {security.isPending && <Loading />}
      {security.isError && <ErrorState error={security.error} onRetry={() => security.refetch()} />}
      {security.data && <RequireMfa current={security.data.require_mfa} />}
    </Page>
  )
}
