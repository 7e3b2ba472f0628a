// What each role may do, as the API decides it (domain/team/roles.py, ROLE_PERMISSIONS): the dashboard disables what
// the role may not use and says why. The API refuses it anyway (403 `forbidden_for_role`); this only spares the try.
import type { Role } from '../api/client'

export type Permission =
  | 'read'
  | 'customers'
  | 'invoices'
  | 'payments'
  | 'imports'
  | 'refunds'
  | 'disputes'
  | 'write_offs'
  | 'access_requests'
  | 'settings'
  | 'audit'
  | 'sandbox'
  | 'approvals'
  | 'team'
  | 'api_keys'
  | 'security'
  | 'payout_destination'
  | 'integrations'

export const ALL_PERMISSIONS: readonly Permission[] = [
  'read', 'customers', 'invoices', 'payments', 'imports', 'refunds', 'disputes', 'write_offs', 'access_requests',
  'settings', 'audit', 'sandbox', 'approvals', 'team', 'api_keys', 'security', 'payout_destination', 'integrations',
]
const CLERK: readonly Permission[] = ['read', 'customers', 'invoices', 'payments', 'imports']
const OWNER_ONLY: readonly Permission[] = ['team', 'api_keys', 'security', 'payout_destination', 'integrations']

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(ALL_PERMISSIONS),
  sub_admin: new Set(ALL_PERMISSIONS.filter((p) => !OWNER_ONLY.includes(p))),
  member: new Set(CLERK),
  read_only: new Set<Permission>(['read']),
}

export const ROLES: readonly Role[] = ['admin', 'sub_admin', 'member', 'read_only']

export function roleAllows(role: Role | null | undefined, permission: Permission): boolean {
  return role ? ROLE_PERMISSIONS[role].has(permission) : false
}
