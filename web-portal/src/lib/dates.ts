// Dates from the API: `YYYY-MM-DD` calendar dates (shown as they are, in no time zone) and ISO instants.
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/

export function formatDate(value: string, locale: string, style: 'medium' | 'long' = 'medium'): string {
  if (DATE_ONLY.test(value)) {
    return new Intl.DateTimeFormat(locale, { dateStyle: style, timeZone: 'UTC' }).format(new Date(`${value}T00:00:00Z`))
  }
  return new Intl.DateTimeFormat(locale, { dateStyle: style }).format(new Date(value))
}

export function formatDateTime(value: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(value))
}

/** Today's calendar date in the browser's time zone, as `YYYY-MM-DD`. */
export function todayIso(now: Date = new Date()): string {
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60_000)
  return local.toISOString().slice(0, 10)
}
