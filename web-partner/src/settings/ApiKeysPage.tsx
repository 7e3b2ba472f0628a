// Settings → API keys (admins): create a key (its secret shown once, with a copy button), list and revoke keys.
import { valibotResolver } from '@hookform/resolvers/valibot'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import { useForm } from 'react-hook-form'
import * as v from 'valibot'
import { formatDateTime } from '@shared/dates'
import { api, unwrap, type Schemas } from '../api/client'
import { useI18n, useMessages } from '../i18n/i18n'
import { useCan } from '../lib/useCan'
import { ConfirmDialog } from '../ui/ConfirmDialog'
import { Alert, Button, CopyButton, Empty, ErrorState, Loading, Page, ProblemAlert, SelectField, TextField } from '../ui/ui'
import { messages } from './messages'

type Key = Schemas['ApiKeyOut']
const keysKey = ['api-keys'] as const

function NewSecret({ created, onDone }: { created: Schemas['ApiKeyCreated']; onDone: () => void }) {
  const t = useMessages(messages)
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => heading.current?.focus(), [])
  return (
    <section className="card" aria-labelledby="new-secret">
      <h2 id="new-secret" tabIndex={-1} ref={heading}>
        {t('secretTitle', { name: created.name ?? created.display })}
      </h2>
      <p>{t('secretOnce')}</p>
      <div className="secret-box">
        <code className="secret" data-testid="api-key-secret">
          {created.secret}
        </code>
        <CopyButton text={created.secret} />
      </div>
      <Button onClick={onDone}>{t('secretDone')}</Button>
    </section>
  )
}

function CreateKey({ onCreated }: { onCreated: (key: Schemas['ApiKeyCreated']) => void }) {
  const t = useMessages(messages)
  const client = useQueryClient()
  const schema = v.object({
    name: v.pipe(v.string(), v.trim(), v.nonEmpty(t('nameRequired')), v.maxLength(100, t('nameRequired'))),
    scope: v.picklist(['full', 'read_only'] as const),
    livemode: v.boolean(),
  })
  const form = useForm({ resolver: valibotResolver(schema), defaultValues: { name: '', scope: 'full' as const, livemode: false } })
  const create = useMutation({
    mutationFn: (body: v.InferOutput<typeof schema>) => unwrap(api.POST('/v1/api-keys', { body })),
    onSuccess: (key) => {
      form.reset()
      onCreated(key)
      return client.invalidateQueries({ queryKey: keysKey })
    },
  })
  return (
    <section className="card" aria-labelledby="new-key">
      <h2 id="new-key">{t('newKey')}</h2>
      <form noValidate onSubmit={form.handleSubmit((values) => create.mutate(values))}>
        <ProblemAlert error={create.error} />
        <div className="row">
          <TextField label={t('keyName')} hint={t('keyNameHint')} error={form.formState.errors.name?.message} {...form.register('name')} />
          <SelectField label={t('scope')} {...form.register('scope')}>
            <option value="full">{t('scope.full')}</option>
            <option value="read_only">{t('scope.read_only')}</option>
          </SelectField>
        </div>
        <label className="checkbox">
          <input type="checkbox" {...form.register('livemode')} />
          <span>{t('livemode')}</span>
        </label>
        <div className="actions">
          <Button type="submit" busy={create.isPending}>
            {t('createKey')}
          </Button>
        </div>
      </form>
    </section>
  )
}

function KeyRow({ apiKey, onDone }: { apiKey: Key; onDone: (text: string) => void }) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const client = useQueryClient()
  const [confirming, setConfirming] = useState(false)
  const name = apiKey.name ?? apiKey.display
  const revoke = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/api-keys/{key_id}/revoke', { params: { path: { key_id: apiKey.id } } })),
    onSuccess: () => {
      setConfirming(false)
      onDone(t('keyRevoked', { name }))
      return client.invalidateQueries({ queryKey: keysKey })
    },
  })
  return (
    <tr>
      <td>{apiKey.name ?? '—'}</td>
      <td>
        <code>{apiKey.display}</code>
      </td>
      <td>{t(`scope.${apiKey.scope}`)}</td>
      <td>{apiKey.livemode ? t('live') : t('test')}</td>
      <td>{formatDateTime(apiKey.created_at, intlLocale)}</td>
      <td>{apiKey.last_used_at ? formatDateTime(apiKey.last_used_at, intlLocale) : t('never')}</td>
      <td>{apiKey.revoked_at ? <span className="chip">{t('revoked')}</span> : <span className="chip chip-success">{t('active')}</span>}</td>
      <td>
        {!apiKey.revoked_at && (
          <>
            <Button variant="secondary" aria-label={t('revokeOf', { name })} onClick={() => setConfirming(true)}>
              {t('revoke')}
            </Button>
            <ConfirmDialog
              open={confirming}
              onOpenChange={setConfirming}
              title={t('revokeTitle', { name })}
              confirm={t('revoke')}
              busy={revoke.isPending}
              error={revoke.error}
              onConfirm={() => revoke.mutate()}
            >
              <p>{t('revokeBody')}</p>
            </ConfirmDialog>
          </>
        )}
      </td>
    </tr>
  )
}

function Keys() {
  const t = useMessages(messages)
  const [created, setCreated] = useState<Schemas['ApiKeyCreated'] | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const keys = useQuery({ queryKey: keysKey, queryFn: () => unwrap(api.GET('/v1/api-keys')) })
  return (
    <>
      {notice && <Alert tone="success">{notice}</Alert>}
      {created ? <NewSecret created={created} onDone={() => setCreated(null)} /> : <CreateKey onCreated={(key) => { setNotice(null); setCreated(key) }} />}
      {keys.isPending && <Loading />}
      {keys.isError && <ErrorState error={keys.error} onRetry={() => keys.refetch()} />}
      {keys.data && keys.data.data.length === 0 && <Empty>{t('noKeys')}</Empty>}
      {keys.data && keys.data.data.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label={t('keysTitle')}>
          <table className="data">
            <thead>
              <tr>
                <th scope="col">{t('keyName')}</th>
                <th scope="col">{t('display')}</th>
                <th scope="col">{t('scope')}</th>
                <th scope="col">{t('mode')}</th>
                <th scope="col">{t('created')}</th>
                <th scope="col">{t('lastUsed')}</th>
                <th scope="col">{t('status')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.data.map((key) => (
                <KeyRow key={key.id} apiKey={key} onDone={setNotice} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  )
}

export default function ApiKeysPage() {
  const t = useMessages(messages)
  const { allowed, reason } = useCan('api_keys')
  return (
    <Page title={t('keysTitle')}>
      <p>{t('keysIntro')}</p>
      {allowed ? (
        <Keys />
      ) : (
        <>
          <p className="alert alert-info">{t('keysAdminsOnly')}</p>
          <Button blockedReason={reason}>{t('createKey')}</Button>
        </>
      )}
    </Page>
  )
}
