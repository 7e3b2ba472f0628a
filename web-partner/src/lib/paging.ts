// Paging through the API's cursors, kept in the address: `page` is the current cursor, `back` the ones before it (so
// Previous needs no request), both absent on the first page. Shared by every list; a change of filter starts again
// at the first page.

export interface Paged {
  cursor: string | null
  back: string[]
}

const CURSOR = /^[A-Za-z0-9_-]{1,200}$/
export const FIRST = '-' // in `back`: the first page, which has no cursor

export function parsePage(params: URLSearchParams): Paged {
  const cursor = params.get('page')
  const valid = cursor !== null && CURSOR.test(cursor)
  const back = (params.get('back') ?? '').split('.').filter((c) => c === FIRST || CURSOR.test(c))
  return { cursor: valid ? cursor : null, back: valid ? back.slice(-50) : [] }
}

export function setPage(params: URLSearchParams, state: Paged): void {
  if (!state.cursor) return
  params.set('page', state.cursor)
  if (state.back.length) params.set('back', state.back.join('.'))
}

export function nextPage<S extends Paged>(state: S, next: string): S {
  return { ...state, cursor: next, back: [...state.back, state.cursor ?? FIRST] }
}

export function previousPage<S extends Paged>(state: S): S {
  if (!state.back.length) return { ...state, cursor: null, back: [] }
  const before = state.back[state.back.length - 1]!
  return before === FIRST ? { ...state, cursor: null, back: [] } : { ...state, cursor: before, back: state.back.slice(0, -1) }
}
