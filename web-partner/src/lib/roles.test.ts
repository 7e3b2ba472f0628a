/// <reference types="node" />
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ALL_PERMISSIONS, ROLE_PERMISSIONS, roleAllows } from './roles'

describe('role gating', () => {
  it('lets read_only read and change nothing', () => {
    expect(roleAllows('read_only', 'read')).toBe(true)
    for (const p of ALL_PERMISSIONS.filter((p) => p !== 'read')) expect(roleAllows('read_only', p)).toBe(false)
  })
  it('keeps team, API keys and security to admins', () => {
    for (const p of ['team', 'api_keys', 'security'] as const) {
      expect(roleAllows('admin', p)).toBe(true)
      expect(roleAllows('sub_admin', p)).toBe(false)
      expect(roleAllows('member', p)).toBe(false)
    }
  })
  it('gives members the clerk’s work only', () => {
    expect([...ROLE_PERMISSIONS.member].sort()).toEqual(['customers', 'imports', 'invoices', 'payments', 'read'])
    expect(roleAllows('member', 'refunds')).toBe(false)
    expect(roleAllows('sub_admin', 'refunds')).toBe(true)
    expect(roleAllows('sub_admin', 'approvals')).toBe(true)
  })
  it('allows nothing without a role', () => {
    expect(roleAllows(null, 'read')).toBe(false)
  })
  it('matches the API’s table (domain/team/roles.py)', () => {
    const source = readFileSync(join(process.cwd(), '..', 'domain', 'team', 'roles.py'), 'utf8')
    const enumBody = source.slice(source.indexOf('class Permission'), source.indexOf('_CLERK'))
    const values = new Map([...enumBody.matchAll(/^\s+([A-Z_]+) = "([a-z_]+)"/gm)].map((m) => [m[1]!, m[2]!]))
    expect([...ALL_PERMISSIONS].sort()).toEqual([...values.values()].sort())
    const set = (name: string) => {
      const body = source.slice(source.indexOf(`${name} = frozenset(`), source.indexOf(')\n', source.indexOf(`${name} = frozenset(`)))
      return [...body.matchAll(/Permission\.([A-Z_]+)/g)].map((m) => values.get(m[1]!)).sort()
    }
    expect([...ROLE_PERMISSIONS.member].sort()).toEqual(set('_CLERK'))
    const ownerOnly = set('_OWNER_ONLY')
    expect(ALL_PERMISSIONS.filter((p) => !ROLE_PERMISSIONS.sub_admin.has(p)).sort()).toEqual(ownerOnly)
  })
})
