// Which days a payment may be scheduled for; the same rule the API applies (domain/scheduled_payments).
// Not due yet: from tomorrow to the earliest due date. Already due (or due today): from tomorrow to
// `overdueDays` ahead, the partner's setting, or not at all when that is 0.

export type ScheduleWindow =
  | { open: true; min: string; max: string; why: 'dueDate' | 'overdue' }
  | { open: false; why: 'noInvoice' | 'overdueNotAllowed' }

function plusDays(iso: string, days: number): string {
  const day = new Date(`${iso}T00:00:00Z`)
  day.setUTCDate(day.getUTCDate() + days)
  return day.toISOString().slice(0, 10)
}

export function scheduleWindow(earliestDue: string | null, today: string, overdueDays: number): ScheduleWindow {
  if (earliestDue === null) return { open: false, why: 'noInvoice' }
  const min = plusDays(today, 1)
  if (earliestDue >= min) return { open: true, min, max: earliestDue, why: 'dueDate' }
  if (overdueDays <= 0) return { open: false, why: 'overdueNotAllowed' }
  return { open: true, min, max: plusDays(today, overdueDays), why: 'overdue' }
}

export function inWindow(window: ScheduleWindow, day: string): boolean {
  return window.open && window.min <= day && day <= window.max
}
