// Settings → Team: the members and their roles, invitations, and (admins only) inviting, changing a role,
// removing someone and revoking an invitation. Others see the same page with those controls off and the reason.
import { valibotResolver } from '@hookform/resolvers/valibot'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { useForm } from 'react-hook-form'
import * as v from 'valibot'
import { formatDate } from '@shared/dates'
import { api, unwrap, type Role, type Schemas } from '../api/client'
import { useMe } from '../api/me'
import { common } from '../i18n/common'
import { useI18n, useMessages } from '../i18n/i18n'
import { ROLES } from '../lib/roles'
import { useCan } from '../lib/useCan'
import { ConfirmDialog } from '../ui/ConfirmDialog'
import { Alert, Button, Empty, ErrorState, Loading, Page, ProblemAlert, SelectField, TextField } from '../ui/ui'
import { messages } from './messages'

type Member = Schemas['MemberOut']
type Invitation = Schemas['InvitationOut']
const teamKey = ['team'] as const

function RoleOptions() {
  const t = useMessages(common)
  return (
    <>
      {ROLES.map((role) => (
        <option key={role} value={role}>
          {t(`role.${role}`)}
        </option>
      ))}
    </>
  )
}

function InviteForm({ reason, onDone }: { reason: string | null; onDone: (text: string) => void }) {
  const t = useMessages(messages)
  const client = useQueryClient()
  const schema = v.object({
    email: v.pipe(v.string(), v.trim(), v.email(t('emailRequired')), v.maxLength(320, t('emailRequired'))),
    role: v.picklist(ROLES),
  })
  const form = useForm({ resolver: valibotResolver(schema), defaultValues: { email: '', role: 'member' as Role } })
  const invite = useMutation({
    mutationFn: (body: v.InferOutput<typeof schema>) => unwrap(api.POST('/v1/team/invites', { body })),
    onSuccess: (invitation) => {
      form.reset()
      onDone(t('invited', { email: invitation.email }))
      return client.invalidateQueries({ queryKey: teamKey })
    },
  })
  const role = form.watch('role')
  return (
    <section className="card" aria-labelledby="invite">
      <h2 id="invite">{t('invite')}</h2>
      <form noValidate onSubmit={form.handleSubmit((values) => invite.mutate(values))}>
        <ProblemAlert error={invite.error} />
        <div className="row">
          <TextField label={t('email')} type="email" disabled={Boolean(reason)} error={form.formState.errors.email?.message} {...form.register('email')} />
          <SelectField label={t('role')} disabled={Boolean(reason)} {...form.register('role')}>
            <RoleOptions />
          </SelectField>
        </div>
        <p className="hint">{t(`roleHelp.${role}`)}</p>
        <div className="actions">
          <Button type="submit" busy={invite.isPending} blockedReason={reason}>
            {t('inviteButton')}
          </Button>
        </div>
      </form>
    </section>
  )
}

function MemberRow({ member, self, reason, reasonId, onDone }: { member: Member; self: boolean; reason: string | null; reasonId: string; onDone: (text: string) => void }) {
  const t = useMessages(messages)
  const tc = useMessages(common)
  const { intlLocale } = useI18n()
  const client = useQueryClient()
  const [role, setRole] = useState<Role>(member.role)
  const [confirming, setConfirming] = useState(false)
  const who = member.name ?? member.email
  const change = useMutation({
    mutationFn: (next: Role) => unwrap(api.PATCH('/v1/team/{user_id}', { params: { path: { user_id: member.user_id } }, body: { role: next } })),
    onSuccess: (updated) => {
      onDone(t('roleChanged', { who, role: tc(`role.${updated.role}`) }))
      return client.invalidateQueries({ queryKey: teamKey })
    },
  })
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/v1/team/{user_id}', { params: { path: { user_id: member.user_id } } })),
    onSuccess: () => {
      setConfirming(false)
      onDone(t('removed', { who }))
      return client.invalidateQueries({ queryKey: teamKey })
    },
  })
  const off = Boolean(reason) || self
  const describedBy = reason ? reasonId : undefined
  return (
    <tr>
      <td>
        {member.name ?? '—'} {self && <span className="hint">{t('you')}</span>}
      </td>
      <td>{member.email}</td>
      <td>
        <form
          className="gated"
          onSubmit={(e) => {
            e.preventDefault()
            change.mutate(role)
          }}
        >
          <label className="visually-hidden" htmlFor={`role-${member.user_id}`}>
            {t('changeRoleOf', { who })}
          </label>
          <select id={`role-${member.user_id}`} value={role} disabled={off} aria-describedby={describedBy} onChange={(e) => setRole(e.target.value as Role)}>
            <RoleOptions />
          </select>
          {!self && (
            <Button type="submit" variant="secondary" busy={change.isPending} disabled={off || role === member.role} aria-describedby={describedBy}>
              {t('saveRole')}
            </Button>
          )}
        </form>
        {change.error != null && <ProblemAlert error={change.error} />}
      </td>
      <td>{member.mfa_enabled ? t('on') : t('off')}</td>
      <td>{formatDate(member.joined_at, intlLocale)}</td>
      <td>
        {!self && (
          <Button variant="secondary" disabled={off} aria-describedby={describedBy} aria-label={t('removeOf', { who })} onClick={() => setConfirming(true)}>
            {t('remove')}
          </Button>
        )}
        <ConfirmDialog
          open={confirming}
          onOpenChange={(open) => {
            setConfirming(open)
            if (!open) remove.reset()
          }}
          title={t('removeTitle', { who })}
          confirm={t('remove')}
          busy={remove.isPending}
          error={remove.error}
          onConfirm={() => remove.mutate()}
        >
          <p>{t('removeBody')}</p>
        </ConfirmDialog>
      </td>
    </tr>
  )
}

function InvitationRow({ invitation, reason, reasonId, onDone }: { invitation: Invitation; reason: string | null; reasonId: string; onDone: (text: string) => void }) {
  const t = useMessages(messages)
  const tc = useMessages(common)
  const { intlLocale } = useI18n()
  const client = useQueryClient()
  const [confirming, setConfirming] = useState(false)
  const revoke = useMutation({
    mutationFn: () => unwrap(api.DELETE('/v1/team/invites/{invitation_id}', { params: { path: { invitation_id: invitation.id } } })),
    onSuccess: () => {
      setConfirming(false)
      onDone(t('invitationRevoked', { email: invitation.email }))
      return client.invalidateQueries({ queryKey: teamKey })
    },
  })
  return (
    <tr>
      <td>{invitation.email}</td>
      <td>{tc(`role.${invitation.role}`)}</td>
      <td>{invitation.invited_by ?? '—'}</td>
      <td>{formatDate(invitation.expires_at, intlLocale)}</td>
      <td>
        <Button
          variant="secondary"
          disabled={Boolean(reason)}
          aria-describedby={reason ? reasonId : undefined}
          aria-label={t('revokeInvitationOf', { email: invitation.email })}
          onClick={() => setConfirming(true)}
        >
          {t('revokeInvitation')}
        </Button>
        <ConfirmDialog
          open={confirming}
          onOpenChange={setConfirming}
          title={t('revokeInvitationTitle', { email: invitation.email })}
          confirm={t('revokeInvitation')}
          busy={revoke.isPending}
          error={revoke.error}
          onConfirm={() => revoke.mutate()}
        >
          <p>{t('revokeInvitationBody')}</p>
        </ConfirmDialog>
      </td>
    </tr>
  )
}

export default function TeamPage() {
  const t = useMessages(messages)
  const me = useMe()
  const { reason } = useCan('team')
  const reasonId = useId()
  const [notice, setNotice] = useState<string | null>(null)
  const team = useQuery({ queryKey: teamKey, queryFn: () => unwrap(api.GET('/v1/team')) })
  return (
    <Page title={t('teamTitle')}>
      {reason && (
        <p className="alert alert-info" id={reasonId}>
          {reason}
        </p>
      )}
      {notice && <Alert tone="success">{notice}</Alert>}
      <InviteForm reason={reason} onDone={setNotice} />
      {team.isPending && <Loading />}
      {team.isError && <ErrorState error={team.error} onRetry={() => team.refetch()} />}
      {team.data && (
        <>
          <section className="card" aria-labelledby="members">
            <h2 id="members">{t('members')}</h2>
            <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="members">
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">{t('name')}</th>
                    <th scope="col">{t('email')}</th>
                    <th scope="col">{t('role')}</th>
                    <th scope="col">{t('twoStep')}</th>
                    <th scope="col">{t('joined')}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t('actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {team.data.members.map((member) => (
                    <MemberRow key={`${member.user_id}:${member.role}`} member={member} self={member.user_id === me.id} reason={reason} reasonId={reasonId} onDone={setNotice} />
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section className="card" aria-labelledby="pending">
            <h2 id="pending">{t('pending')}</h2>
            {team.data.invitations.length === 0 ? (
              <Empty>{t('noPending')}</Empty>
            ) : (
              <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="pending">
                <table className="data">
                  <thead>
                    <tr>
                      <th scope="col">{t('email')}</th>
                      <th scope="col">{t('role')}</th>
                      <th scope="col">{t('invitedBy')}</th>
                      <th scope="col">{t('expires')}</th>
                      <th scope="col">
                        <span className="visually-hidden">{t('actions')}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {team.data.invitations.map((invitation) => (
                      <InvitationRow key={invitation.id} invitation={invitation} reason={reason} reasonId={reasonId} onDone={setNotice} />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </Page>
  )
}
