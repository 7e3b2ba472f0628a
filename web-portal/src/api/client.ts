// The one HTTP client for the portal API, typed from openapi/openapi.json (src/api/schema.d.ts).
// The session lives in an HttpOnly cookie; every change carries the CSRF token the API handed out.
import createClient, { type Middleware } from 'openapi-fetch'
import type { paths } from './schema'
import { Problem, isProblemBody } from './problem'

let csrfToken: string | null = null

/** Remember the CSRF token from `GET /portal/v1/me` or a sign-in answer. */
export function setCsrfToken(token: string | null | undefined): void {
  csrfToken = token ?? null
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

const csrf: Middleware = {
  onRequest({ request }) {
    if (UNSAFE.has(request.method) && csrfToken && !request.headers.has('X-CSRF-Token')) {
      request.headers.set('X-CSRF-Token', csrfToken)
    }
    return request
  },
}

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' })
api.use(csrf)

/** A fresh Idempotency-Key: one per payment attempt, reused when the same attempt is retried. */
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
