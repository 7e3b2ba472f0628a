import type { RouteObject } from 'react-router'

function SignInPlaceholder() {
  return <p>Sign-in is being built.</p>
}

/** Pages for people who are not signed in yet (inside the bare layout). */
export const authRoutes: RouteObject[] = [{ path: 'sign-in', Component: SignInPlaceholder }]

/** Signed-in pages about the person's own security (inside the shell). */
export const securityRoutes: RouteObject[] = []
