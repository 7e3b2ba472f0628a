// How long is left to answer a dispute, from its evidence deadline: whole days and hours, or overdue.
export type Deadline = { kind: 'none' } | { kind: 'past' } | { kind: 'left'; days: number; hours: number }

export function deadline(dueBy: string | null | undefined, now: Date): Deadline {
  if (!dueBy) return { kind: 'none' }
  const ms = Date.parse(dueBy) - now.getTime()
  if (Number.isNaN(ms)) return { kind: 'none' }
  if (ms <= 0) return { kind: 'past' }
  const hours = Math.floor(ms / 3_600_000)
  return { kind: 'left', days: Math.floor(hours / 24), hours: hours % 24 }
}

export const NEEDS_RESPONSE: ReadonlySet<string> = new Set(['needs_response', 'warning_needs_response'])
