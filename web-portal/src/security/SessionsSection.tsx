// Where the person is signed in: this device marked, the others with a "sign out" each.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api, unwrap } from '../api/client'
import { useI18n, useMessages } from '../i18n/i18n'
import { formatDateTime } from '../lib/dates'
import { Alert, Button, Chip, Empty, ErrorState, Loading, ProblemAlert } from '../ui/ui'
import { messages } from './messages'
import { describeUserAgent } from './userAgent'

export const sessionsKey = ['security', 'sessions'] as const

export function SessionsSection({ readOnly }: { readOnly: boolean }) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const client = useQueryClient()
  const [ended, setEnded] = useState(false)
  const sessions = useQuery({
    queryKey: sessionsKey,
    queryFn: () => unwrap(api.GET('/portal/v1/me/sessions')),
  })
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/portal/v1/me/sessions/{session_id}', { params: { path: { session_id: id } } })),
    onSuccess: async () => {
      setEnded(true)
      await client.invalidateQueries({ queryKey: sessionsKey })
    },
  })

  const list = sessions.data?.data ?? []
  const ordered = [...list].sort((a, b) => Number(b.current) - Number(a.current) || b.last_seen_at.localeCompare(a.last_seen_at))
  return (
    <section className="card security-section" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">{t('sessionsHeading')}</h2>
      <p>{t('sessionsIntro')}</p>
      {ended && <Alert tone="success">{t('sessionEnded')}</Alert>}
      <ProblemAlert error={revoke.error} />
      {sessions.isPending ? (
        <Loading />
      ) : sessions.isError ? (
        <ErrorState error={sessions.error} onRetry={() => sessions.refetch()} />
      ) : ordered.length === 0 ? (
        <Empty>{t('noSessions')}</Empty>
      ) : (
        <ul className="session-list">
          {ordered.map((s) => {
            const ua = describeUserAgent(s.user_agent)
            const device = s.impersonated ? t('partnerView') : ua ? t('onBrowser', ua) : t('unknownDevice')
            const when = formatDateTime(s.last_seen_at, intlLocale)
            return (
              <li key={s.id} className="session" data-current={s.current || undefined}>
                <div className="session-main">
                  <p className="session-device">
                    <strong>{device}</strong> {s.current && <Chip tone="success">{t('thisDevice')}</Chip>}
                  </p>
                  <dl className="session-facts">
                    <div>
                      <dt>{t('lastSeen')}</dt>
                      <dd>{when}</dd>
                    </div>
                    <div>
                      <dt>{t('signedInAt')}</dt>
                      <dd>{formatDateTime(s.created_at, intlLocale)}</dd>
                    </div>
                    {s.ip && (
                      <div>
                        <dt>{t('ip')}</dt>
                        <dd>{s.ip}</dd>
                      </div>
                    )}
                  </dl>
                  {s.user_agent && <p className="session-ua hint">{s.user_agent}</p>}
                </div>
                {!s.current && (
                  <Button
                    variant="secondary"
                    onClick={() => revoke.mutate(s.id)}
                    busy={revoke.isPending && revoke.variables === s.id}
                    disabled={readOnly}
                    aria-label={t('signOutSessionLabel', { device, when })}
                  >
                    {t('signOutSession')}
                  </Button>
                )}
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}
