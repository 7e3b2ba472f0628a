// Dates are shared with the dashboard: web-shared/src/dates.ts.
export * from '@shared/dates'
