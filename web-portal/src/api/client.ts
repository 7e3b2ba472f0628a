// The one HTTP client for the portal API, typed from openapi/openapi.json (src/api/schema.d.ts). The CSRF token,
// Idempotency-Key and problem handling are shared with the dashboard (web-shared/src/client.ts).
import createClient from 'openapi-fetch'
import { csrfMiddleware } from '@shared/client'
import type { paths } from './schema'

export { idempotencyKey, setCsrfToken, unwrap } from '@shared/client'

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' })
api.use(csrfMiddleware)
