// Sign-in pages (bare layout) and the signed-in security page (shell). Each page is its own lazy chunk.
import type { RouteObject } from 'react-router'

/** Pages for people who are not signed in yet (inside the bare layout). */
export const authRoutes: RouteObject[] = [
  { path: 'sign-in', lazy: async () => ({ Component: (await import('./SignInPage')).SignInPage }) },
  { path: 'sign-in/mfa', lazy: async () => ({ Component: (await import('./MfaPage')).MfaPage }) },
  { path: 'sign-in/link', lazy: async () => ({ Component: (await import('./LinkPages')).LinkSignInPage }) },
  { path: 'impersonate', lazy: async () => ({ Component: (await import('./LinkPages')).ImpersonatePage }) },
  { path: 'forgot-password', lazy: async () => ({ Component: (await import('./ForgotPasswordPage')).ForgotPasswordPage }) },
  { path: 'reset-password', lazy: async () => ({ Component: (await import('./SetPasswordPage')).ResetPasswordPage }) },
  { path: 'activate', lazy: async () => ({ Component: (await import('./SetPasswordPage')).ActivatePage }) },
  { path: 'request-access', lazy: async () => ({ Component: (await import('./AccessPages')).RequestAccessPage }) },
  { path: 'awaiting-approval', lazy: async () => ({ Component: (await import('./AccessPages')).AwaitingApprovalPage }) },
]

/** Signed-in pages about the person's own security (inside the shell). */
export const securityRoutes: RouteObject[] = [
  { path: 'security', lazy: async () => ({ Component: (await import('../security/SecurityPage')).SecurityPage }) },
]
