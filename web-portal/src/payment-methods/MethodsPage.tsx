// Saved payment methods: the list (default marked), add one, remove one (after a question), make one the default.
import { useEffect, useRef, useState } from 'react'
import { usePermissions } from '../api/queries/me'
import { common } from '../i18n/common'
import { useI18n, useMessages } from '../i18n/i18n'
import { formatDate } from '../lib/dates'
import { useBranding } from '../shell/PartnerLayout'
import { useStepUp } from '../security/StepUp'
import { Alert, Button, Chip, Empty, ErrorState, Loading, Page } from '../ui/ui'
import { ConfirmDialog } from '../ui/ConfirmDialog'
import { payableKinds } from './entry'
import { messages } from './messages'
import { NewMethodForm } from './NewMethodForm'
import { useProblemText } from './problems'
import { attachMethod, type SavedMethod, useMandates, useMethodChanges, useSavedMethods } from './queries'

export function expiryText(month: number, year: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { month: '2-digit', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(year, month - 1, 1))
}

export function isExpired(month: number, year: number, today: Date = new Date()): boolean {
  return year < today.getFullYear() || (year === today.getFullYear() && month < today.getMonth() + 1)
}

export function MethodsPage() {
  const t = useMessages(messages)
  const tc = useMessages(common)
  const branding = useBranding()
  const { can, readOnly } = usePermissions()
  const canManage = can('manage_methods')
  const methods = useSavedMethods()
  const mandates = useMandates()
  const changes = useMethodChanges()
  const stepUp = useStepUp()
  const problemText = useProblemText(messages)
  const [adding, setAdding] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const [removing, setRemoving] = useState<SavedMethod | null>(null)
  const kinds = payableKinds(branding.enabled_methods)
  // What just happened is where focus goes (the form or dialog that had it is gone).
  const noticeRef = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (notice) noticeRef.current?.focus()
  }, [notice])

  const reason = readOnly ? t('readOnly') : !canManage ? t('noPermission') : null

  return (
    <Page
      title={t('title')}
      actions={
        !adding && (
          <Button onClick={() => { setAdding(true); setNotice(null) }} disabled={reason !== null || kinds.length === 0}>
            {t('add')}
          </Button>
        )
      }
    >
      <p className="muted">{t('intro', { partner: branding.name })}</p>
      {reason && <Alert tone="info">{reason}</Alert>}
      {notice && (
        <div ref={noticeRef} tabIndex={-1} className="notice">
          <Alert tone="success">{notice}</Alert>
        </div>
      )}
      {changes.remove.error != null && !removing && <Alert tone="error">{problemText(changes.remove.error)}</Alert>}
      {changes.makeDefault.error != null && <Alert tone="error">{problemText(changes.makeDefault.error)}</Alert>}

      {adding && (
        <section className="card" aria-labelledby="add-method-heading">
          <h2 id="add-method-heading">{t('addTitle')}</h2>
          <NewMethodForm
            kinds={kinds}
            mandates={mandates.data?.data}
            mandatesError={mandates.error}
            saveOption="always"
            submitLabel={(kind) => (kind === 'card' ? t('addCard') : t('addBank'))}
            cancelLabel={tc('cancel')}
            onCancel={() => setAdding(false)}
            onSubmit={async ({ method, acceptMandate, mandateLanguage }) => {
              const saved = await stepUp.run(() =>
                attachMethod({ token: method.token, save: true, accept_mandate: acceptMandate, mandate_language: mandateLanguage, make_default: false }),
              )
              await changes.refresh()
              setAdding(false)
              setNotice(t('added', { label: saved.label }))
            }}
          />
        </section>
      )}

      <section className="card" aria-label={t('title')}>
        {methods.isPending ? (
          <Loading />
        ) : methods.isError ? (
          <ErrorState error={methods.error} onRetry={() => methods.refetch()} />
        ) : methods.data.data.length === 0 ? (
          <Empty>{t('empty')}</Empty>
        ) : (
          <ul className="method-list">
            {methods.data.data.map((m) => (
              <MethodItem
                key={m.id}
                method={m}
                disabled={reason !== null}
                busy={changes.makeDefault.isPending && changes.makeDefault.variables === m.id}
                onDefault={() => {
                  setNotice(null)
                  changes.makeDefault.mutate(m.id, { onSuccess: (made) => setNotice(t('defaultChanged', { label: made.label })) })
                }}
                onRemove={() => {
                  changes.remove.reset()
                  setRemoving(m)
                }}
              />
            ))}
          </ul>
        )}
      </section>

      {removing && (
        <ConfirmDialog
          title={t('removeTitle')}
          confirmLabel={t('removeConfirm')}
          cancelLabel={tc('cancel')}
          danger
          busy={changes.remove.isPending}
          onCancel={() => setRemoving(null)}
          onConfirm={() =>
            changes.remove.mutate(removing.id, {
              onSuccess: (gone) => {
                setRemoving(null)
                setNotice(t('removed', { label: gone.label }))
              },
            })
          }
        >
          <p>{t('removeBody', { label: removing.label })}</p>
          {changes.remove.error != null && <Alert tone="error">{problemText(changes.remove.error)}</Alert>}
        </ConfirmDialog>
      )}
      {stepUp.dialog}
    </Page>
  )
}

function MethodItem({
  method,
  disabled,
  busy,
  onDefault,
  onRemove,
}: {
  method: SavedMethod
  disabled: boolean
  busy: boolean
  onDefault: () => void
  onRemove: () => void
}) {
  const t = useMessages(messages)
  const { intlLocale } = useI18n()
  const { exp_month: month, exp_year: year } = method
  const expired = month != null && year != null && isExpired(month, year)
  return (
    <li className="method-item">
      <div>
        <p className="method-label">
          {method.label} {method.is_default && <Chip tone="info">{t('isDefault')}</Chip>}
        </p>
        {month != null && year != null && (
          <p className="method-meta">
            {expired ? (
              <Chip tone="danger">{t('expired', { date: expiryText(month, year, intlLocale) })}</Chip>
            ) : (
              t('expires', { date: expiryText(month, year, intlLocale) })
            )}
          </p>
        )}
        {method.mandate && (
          <p className="method-meta">{t('mandateAccepted', { date: formatDate(method.mandate.accepted_at, intlLocale) })}</p>
        )}
      </div>
      <div className="method-actions">
        {!method.is_default && (
          <Button variant="secondary" onClick={onDefault} disabled={disabled} busy={busy}>
            {t('makeDefault')} <span className="visually-hidden">{method.label}</span>
          </Button>
        )}
        <Button variant="secondary" onClick={onRemove} disabled={disabled}>
          {t('remove')} <span className="visually-hidden">{method.label}</span>
        </Button>
      </div>
    </li>
  )
}
