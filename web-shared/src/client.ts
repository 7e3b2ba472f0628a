// Shared by the portal (web-portal) and the dashboard (web-partner): what every openapi-fetch client of Remit's API
// needs around it. The session lives in an HttpOnly cookie the app never sees; every change carries the CSRF token
// the API handed out (kept in memory only); failures become a `Problem`. Each app bundles its own copy of this
// module, so each keeps its own token.
import { Problem, isProblemBody } from './problem'

let csrfToken: string | null = null

/** Remember the CSRF token from `GET …/me` or a sign-in answer (null forgets it, e.g. after signing out). */
export function setCsrfToken(token: string | null | undefined): void {
  csrfToken = token ?? null
}

export function currentCsrfToken(): string | null {
  return csrfToken
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** An openapi-fetch middleware (`client.use(csrfMiddleware)`): adds `X-CSRF-Token` to every change. */
export const csrfMiddleware = {
  onRequest({ request }: { request: Request }): Request {
    if (UNSAFE.has(request.method) && csrfToken && !request.headers.has('X-CSRF-Token')) {
      request.headers.set('X-CSRF-Token', csrfToken)
    }
    return request
  },
}

/** A fresh Idempotency-Key: one per attempt, reused when the same attempt is retried. */
export function idempotencyKey(): string {
  return crypto.randomUUID()
}

type Result<T> = { data?: T; error?: unknown; response: Response }

/** The data of an openapi-fetch answer, or a thrown Problem (so TanStack Query sees the failure). */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>
  try {
    result = await call
  } catch {
    throw Problem.offline()
  }
  if (result.response.ok) return result.data as T
  const body = result.error
  throw isProblemBody(body) ? new Problem(result.response.status, body, result.response) : Problem.unknown(result.response.status)
}
