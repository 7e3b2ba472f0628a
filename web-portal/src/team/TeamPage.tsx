// Team: members with their permissions (saved per member), removal with a confirmation, and an invitation form
// that asks for a second factor first when the API wants one.
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useId, useState, type FormEvent } from 'react'
import { api, unwrap } from '../api/client'
import { asProblem } from '../api/problem'
import { useMe, usePermissions } from '../api/queries/me'
import { common } from '../i18n/common'
import { useMessages } from '../i18n/i18n'
import { ConfirmDialog, focusPageHeading } from '../ui/ConfirmDialog'
import { shownError, useStepUp } from '../security/StepUp'
import { useBranding } from '../shell/PartnerLayout'
import { Alert, Button, Chip, ErrorState, Loading, Page, ProblemAlert, TextField } from '../ui/ui'
import { messages } from './messages'
import { PERMISSIONS, type Member, type Permission, teamKey, useRemoveMember, useSetPermissions, useTeam } from './queries'
import '../invoices/invoices.css'

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export function TeamPage() {
  const t = useMessages(messages)
  const tc = useMessages(common)
  const { data: me } = useMe()
  const { can, readOnly } = usePermissions()
  const team = useTeam()
  const remove = useRemoveMember()
  const [removing, setRemoving] = useState<Member | null>(null)
  const [removed, setRemoved] = useState<string | null>(null)
  const account = me?.accounts.find((a) => a.customer_id === me.customer_id)?.name ?? ''
  const manageReason = readOnly ? tc('readOnly') : can('manage_team') ? null : t('cannotManage')
  const membersId = useId()

  const confirmRemove = () => {
    if (!removing) return
    const name = removing.name ?? removing.email
    remove.mutate(removing.user_id, {
      onSuccess: () => {
        setRemoving(null)
        setRemoved(t('removed', { name }))
        focusPageHeading()
      },
    })
  }

  return (
    <Page title={t('title')}>
      <p className="muted">{t('intro', { account })}</p>
      {manageReason && <Alert tone="info">{manageReason}</Alert>}
      {removed && <Alert tone="success">{removed}</Alert>}
      <section aria-labelledby={membersId}>
        <h2 id={membersId}>{t('membersTitle')}</h2>
        {team.isPending ? (
          <Loading />
        ) : !team.data ? (
          <ErrorState error={team.error} onRetry={() => team.refetch()} />
        ) : (
          <ul className="plain-list">
            {team.data.data.map((m) => (
              <li key={m.user_id}>
                <MemberCard
                  member={m}
                  self={m.email.toLowerCase() === me?.email.toLowerCase()}
                  editable={manageReason === null}
                  onRemove={() => {
                    remove.reset()
                    setRemoved(null)
                    setRemoving(m)
                  }}
                />
              </li>
            ))}
          </ul>
        )}
        {team.data && team.data.data.length < 2 && <p className="muted">{t('emptyTeam')}</p>}
      </section>
      <InviteForm reason={manageReason} />
      {removing && (
        <ConfirmDialog
          title={t('removeTitle', { name: removing.name ?? removing.email })}
          confirmLabel={t('removeConfirm')}
          cancelLabel={t('keep')}
          busy={remove.isPending}
          error={remove.error}
          onConfirm={confirmRemove}
          onCancel={() => setRemoving(null)}
        >
          <p>{t('removeBody', { name: removing.name ?? removing.email, account })}</p>
        </ConfirmDialog>
      )}
    </Page>
  )
}

function PermissionBoxes({
  value,
  onChange,
  disabled,
  legend,
}: {
  value: readonly Permission[]
  onChange: (next: Permission[]) => void
  disabled: boolean
  legend: string
}) {
  const t = useMessages(messages)
  const id = useId()
  return (
    <fieldset disabled={disabled}>
      <legend>{legend}</legend>
      <div className="permission-grid">
        {PERMISSIONS.map((p) => (
          <div className="choice" key={p}>
            <input
              type="checkbox"
              id={`${id}-${p}`}
              checked={p === 'view' || value.includes(p)}
              disabled={p === 'view'}
              aria-describedby={p === 'view' ? `${id}-view` : undefined}
              onChange={(e) => onChange(e.target.checked ? [...value, p] : value.filter((x) => x !== p))}
            />
            <label htmlFor={`${id}-${p}`}>{t(`perm_${p}`)}</label>
          </div>
        ))}
      </div>
      <p className="hint" id={`${id}-view`}>
        {t('viewAlways')}
      </p>
    </fieldset>
  )
}

function samePermissions(a: readonly Permission[], b: readonly Permission[]): boolean {
  const norm = (x: readonly Permission[]) => [...new Set([...x, 'view'])].sort().join(',')
  return norm(a) === norm(b)
}

function MemberCard({
  member,
  self,
  editable,
  onRemove,
}: {
  member: Member
  self: boolean
  editable: boolean
  onRemove: () => void
}) {
  const t = useMessages(messages)
  const save = useSetPermissions()
  const [draft, setDraft] = useState<Permission[]>(member.permissions)
  const [saved, setSaved] = useState(false)
  const name = member.name ?? member.email
  const canEdit = editable && !self
  const dirty = !samePermissions(draft, member.permissions)
  const submit = (e: FormEvent) => {
    e.preventDefault()
    save.mutate({ userId: member.user_id, permissions: draft }, { onSuccess: () => setSaved(true) })
  }
  return (
    <form className="card member" onSubmit={submit} data-member={member.email} aria-label={name}>
      <div className="member-head">
        <div>
          <p className="member-name">{name}</p>
          {member.name && <span className="member-email">{member.email}</span>}
        </div>
        <span className="chips">
          {self && <Chip tone="info">{t('you')}</Chip>}
          <Chip tone={member.active ? 'success' : 'warning'}>{t(member.active ? 'active' : 'invited')}</Chip>
        </span>
      </div>
      <PermissionBoxes
        value={draft}
        onChange={(next) => {
          setSaved(false)
          save.reset()
          setDraft(next)
        }}
        disabled={!canEdit}
        legend={t('permissionsFor', { name })}
      />
      {self && editable && <p className="reason">{t('ownPermissions')}</p>}
      <ProblemAlert error={save.error} />
      {canEdit && (
        <div className="row">
          <Button type="submit" disabled={!dirty} busy={save.isPending}>
            {t('save')}
          </Button>
          <Button variant="secondary" onClick={onRemove}>
            {t('remove')}
            <span className="visually-hidden"> {t('removeFor', { name })}</span>
          </Button>
          <span role="status" className="saved-note">
            {saved && !dirty ? t('saved') : ''}
          </span>
        </div>
      )}
    </form>
  )
}

function InviteForm({ reason }: { reason: string | null }) {
  const t = useMessages(messages)
  const branding = useBranding()
  const client = useQueryClient()
  const stepUp = useStepUp()
  const [email, setEmail] = useState('')
  const [name, setName] = useState('')
  const [permissions, setPermissions] = useState<Permission[]>(['view', 'pay'])
  const [emailError, setEmailError] = useState<string | null>(null)
  const [sentTo, setSentTo] = useState<string | null>(null)
  const emailId = useId()
  const headingId = useId()
  const focusEmail = () => document.getElementById(emailId)?.focus()
  const off = !branding.team_invites
  const why = off ? t('invitesOff', { partner: branding.name }) : reason

  const invite = useMutation({
    mutationFn: (body: { email: string; name?: string; permissions: Permission[] }) =>
      stepUp.run(() => unwrap(api.POST('/portal/v1/team/invites', { body }))),
    onSuccess: async (member) => {
      setSentTo(member.email)
      setEmail('')
      setName('')
      setPermissions(['view', 'pay'])
      await client.invalidateQueries({ queryKey: teamKey })
    },
    onError: (error) => {
      const field = asProblem(error).fieldError('email')
      if (field) {
        setEmailError(field)
        focusEmail()
      }
    },
  })

  const submit = (e: FormEvent) => {
    e.preventDefault()
    setSentTo(null)
    const address = email.trim()
    if (!EMAIL.test(address)) {
      setEmailError(t('invalidEmail'))
      focusEmail()
      return
    }
    setEmailError(null)
    const trimmed = name.trim()
    invite.mutate({ email: address, ...(trimmed ? { name: trimmed } : {}), permissions })
  }

  const error = shownError(invite.error)
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('inviteTitle')}</h2>
      <p className="muted">{t('inviteIntro')}</p>
      {why && <Alert tone="info">{why}</Alert>}
      {sentTo && <Alert tone="success">{t('invitedNote', { email: sentTo })}</Alert>}
      <form onSubmit={submit} noValidate>
        <fieldset className="plain" disabled={why !== null}>
          <TextField
            id={emailId}
            label={t('email')}
            type="email"
            autoComplete="off"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={emailError}
            required
          />
          <TextField label={t('name')} autoComplete="off" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
          <PermissionBoxes value={permissions} onChange={setPermissions} disabled={why !== null} legend={t('permissions')} />
          {error && !asProblem(error).fieldError('email') ? <ProblemAlert error={error} /> : null}
          <Button type="submit" busy={invite.isPending}>
            {t('sendInvite')}
          </Button>
        </fieldset>
      </form>
      {stepUp.dialog}
    </section>
  )
}
