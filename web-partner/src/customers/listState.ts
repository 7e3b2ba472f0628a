// The customer list's filters and page live in the address (`?q=…&email=…&tag=…&archived=1&page=…`), so a view can be
// bookmarked, shared and reloaded. Pages are the API's cursors: `page` is the current one, `back` the ones before it
// (so Previous needs no request), both absent on the first page. A change of filter starts again at the first page.

export interface ListState {
  /** The search box: the API matches a name, a word of it, an email or an external id by prefix. */
  q: string
  email: string
  tag: string
  archived: boolean
  cursor: string | null
  back: string[]
}

const CURSOR = /^[A-Za-z0-9_-]{1,200}$/
const FIRST = '-' // in `back`: the first page, which has no cursor

export const EMPTY: ListState = { q: '', email: '', tag: '', archived: false, cursor: null, back: [] }

export function parseListState(search: string): ListState {
  const params = new URLSearchParams(search)
  const cursor = params.get('page')
  const back = (params.get('back') ?? '').split('.').filter((c) => c === FIRST || CURSOR.test(c))
  const valid = cursor !== null && CURSOR.test(cursor)
  return {
    q: (params.get('q') ?? '').trim().slice(0, 100),
    email: (params.get('email') ?? '').trim().slice(0, 320),
    tag: (params.get('tag') ?? '').trim().slice(0, 50),
    archived: params.get('archived') === '1',
    cursor: valid ? cursor : null,
    back: valid ? back.slice(-50) : [],
  }
}

export function listSearch(state: ListState): string {
  const params = new URLSearchParams()
  if (state.q) params.set('q', state.q)
  if (state.email) params.set('email', state.email)
  if (state.tag) params.set('tag', state.tag)
  if (state.archived) params.set('archived', '1')
  if (state.cursor) {
    params.set('page', state.cursor)
    if (state.back.length) params.set('back', state.back.join('.'))
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}

export function withFilters(state: ListState, filters: Partial<Pick<ListState, 'q' | 'email' | 'tag' | 'archived'>>): ListState {
  return { ...state, ...filters, cursor: null, back: [] }
}

export function nextPage(state: ListState, next: string): ListState {
  return { ...state, cursor: next, back: [...state.back, state.cursor ?? FIRST] }
}

export function previousPage(state: ListState): ListState {
  if (!state.back.length) return { ...state, cursor: null, back: [] }
  const before = state.back[state.back.length - 1]!
  return before === FIRST ? { ...state, cursor: null, back: [] } : { ...state, cursor: before, back: state.back.slice(0, -1) }
}

/** The API's query for this state. */
export function apiQuery(state: ListState, limit = 25) {
  return {
    limit,
    ...(state.cursor ? { cursor: state.cursor } : {}),
    ...(state.q ? { q: state.q } : {}),
    ...(state.email ? { email: state.email } : {}),
    ...(state.tag ? { tag: state.tag } : {}),
    ...(state.archived ? { archived: true } : {}),
  }
}
