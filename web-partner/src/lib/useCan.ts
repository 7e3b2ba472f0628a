import { useMe } from '../api/me'
import { common } from '../i18n/common'
import { useMessages } from '../i18n/i18n'
import { roleAllows, type Permission } from './roles'

/** Whether the signed-in person's role in the current team allows `permission`; if not, the reason to show. */
export function useCan(permission: Permission): { allowed: boolean; reason: string | null } {
  const me = useMe()
  const t = useMessages(common)
  const allowed = roleAllows(me.role, permission)
  return { allowed, reason: allowed ? null : t('notAllowed', { role: me.role ? t(`role.${me.role}`) : '—' }) }
}
