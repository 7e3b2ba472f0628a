// API problems are shared with the dashboard: web-shared/src/problem.ts.
export * from '@shared/problem'
