// Shared by the portal (web-portal) and the dashboard (web-partner): imported as `@shared/problem`.
// RFC 9457 problem details from the API, turned into something a person can act on.
export interface ProblemBody {
  type?: string
  title?: string
  status?: number
  detail?: string
  code?: string
  errors?: { field: string; message: string; code?: string }[]
  decline_code?: string
  payment_id?: string
  [extra: string]: unknown
}

export function isProblemBody(body: unknown): body is ProblemBody {
  return typeof body === 'object' && body !== null && ('code' in body || 'title' in body || 'detail' in body)
}

export class Problem extends Error {
  readonly status: number
  readonly body: ProblemBody
  readonly retryAfter: number | null

  constructor(status: number, body: ProblemBody, response?: Response) {
    super(body.detail ?? body.title ?? `HTTP ${status}`)
    this.name = 'Problem'
    this.status = status
    this.body = body
    const after = response?.headers.get('Retry-After')
    this.retryAfter = after && /^\d+$/.test(after) ? Number(after) : null
  }

  get code(): string {
    return this.body.code ?? (this.status === 0 ? 'offline' : 'unknown')
  }

  /** The message for one field, when the API named it (e.g. `email`, `allocations[0].amount`). */
  fieldError(field: string): string | undefined {
    return this.body.errors?.find((e) => e.field === field || e.field.endsWith(`.${field}`))?.message
  }

  static offline(): Problem {
    return new Problem(0, { code: 'offline' })
  }

  static unknown(status: number): Problem {
    return new Problem(status, { code: status >= 500 ? 'internal_error' : 'unknown' })
  }
}

export function asProblem(error: unknown): Problem {
  return error instanceof Problem ? error : new Problem(0, { code: 'unknown', detail: String(error) })
}
