// The one HTTP client for the /v1 API, typed from openapi/openapi.json (src/api/schema.d.ts, `npm run generate`).
// The dashboard session is an HttpOnly cookie; the CSRF token, Idempotency-Key and problems are handled as in the
// portal (web-shared/src/client.ts).
import createClient from 'openapi-fetch'
import { csrfMiddleware } from '@shared/client'
import type { components, paths } from './schema'

export { idempotencyKey, setCsrfToken, unwrap } from '@shared/client'

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' })
api.use(csrfMiddleware)

export type Schemas = components['schemas']
export type Role = Schemas['Role']
export type SignedIn = Schemas['SignedIn']
