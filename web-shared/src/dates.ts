// Shared by the portal (web-portal) and the dashboard (web-partner): imported as `@shared/dates`.
// Dates from the API: `YYYY-MM-DD` calendar dates (shown as they are, in no time zone) and ISO instants.
// Formatters are kept: building an Intl.DateTimeFormat costs milliseconds on a slow phone and lists show dozens.
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`
  let format = formatters.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options)
    formatters.set(key, format)
  }
  return format
}

const CALENDAR_DATE: Record<'medium' | 'long', Intl.DateTimeFormatOptions> = {
  medium: { dateStyle: 'medium', timeZone: 'UTC' },
  long: { dateStyle: 'long', timeZone: 'UTC' },
}

/**
 * Builds the calendar-date formatter ahead of use. The first Intl.DateTimeFormat of a page loads the locale's
 * calendar data (about 100 ms on a throttled CPU): done while a screen's code downloads, it costs no wait.
 */
export function warmDateFormat(locale: string): void {
  formatter(locale, CALENDAR_DATE.medium)
}

export function formatDate(value: string, locale: string, style: 'medium' | 'long' = 'medium'): string {
  if (DATE_ONLY.test(value)) {
    return formatter(locale, CALENDAR_DATE[style]).format(new Date(`${value}T00:00:00Z`))
  }
  return formatter(locale, { dateStyle: style }).format(new Date(value))
}

export function formatDateTime(value: string, locale: string): string {
  return formatter(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(value))
}

/** Today's calendar date in the browser's time zone, as `YYYY-MM-DD`. */
export function todayIso(now: Date = new Date()): string {
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60_000)
  return local.toISOString().slice(0, 10)
}
