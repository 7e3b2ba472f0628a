import type { RouteObject } from 'react-router'

/** Signed-in pages: paying, confirmation, saved payment methods. */
export const payRoutes: RouteObject[] = []

/** Guest checkout from a pay link (inside the bare layout). */
export const guestRoutes: RouteObject[] = []
