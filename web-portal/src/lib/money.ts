// Money is shared with the dashboard: web-shared/src/money.ts.
export * from '@shared/money'
