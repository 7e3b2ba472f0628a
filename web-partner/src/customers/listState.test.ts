import { describe, expect, it } from 'vitest'
import { apiQuery, EMPTY, listSearch, nextPage, parseListState, previousPage, withFilters } from './listState'

describe('customer list state ↔ URL', () => {
  it('round-trips filters and page', () => {
    const state = { q: 'acme', email: 'ap@acme.example', tag: 'vip', archived: true, cursor: 'abc_1', back: ['-'] }
    expect(listSearch(state)).toBe('?q=acme&email=ap%40acme.example&tag=vip&archived=1&page=abc_1&back=-')
    expect(parseListState(listSearch(state))).toEqual(state)
  })
  it('reads an empty address as the first unfiltered page', () => {
    expect(parseListState('')).toEqual(EMPTY)
    expect(listSearch(EMPTY)).toBe('')
  })
  it('ignores a cursor that is not one', () => {
    expect(parseListState('?page=<script>&back=-').cursor).toBeNull()
    expect(parseListState('?page=<script>&back=-').back).toEqual([])
    expect(parseListState('?page=ok&back=-.bad!.c2').back).toEqual(['-', 'c2'])
  })
  it('goes forward and back through pages', () => {
    const first = withFilters(EMPTY, { tag: 'vip' })
    const second = nextPage(first, 'c2')
    const third = nextPage(second, 'c3')
    expect(third).toMatchObject({ cursor: 'c3', back: ['-', 'c2'], tag: 'vip' })
    expect(previousPage(third)).toEqual(second)
    expect(previousPage(second)).toEqual(first)
    expect(previousPage(first)).toEqual(first)
    expect(parseListState(listSearch(third))).toEqual(third)
  })
  it('keeps the search text trimmed and bounded', () => {
    expect(parseListState('?q=%20%20north%20').q).toBe('north')
    expect(parseListState(`?q=${'x'.repeat(300)}`).q).toHaveLength(100)
  })
  it('starts again at the first page when a filter changes', () => {
    const paged = nextPage(EMPTY, 'c2')
    expect(withFilters(paged, { email: 'x@y.example' })).toEqual({ ...EMPTY, email: 'x@y.example' })
  })
  it('asks the API for exactly the filters set', () => {
    expect(apiQuery(EMPTY)).toEqual({ limit: 25 })
    expect(apiQuery({ q: 'nor', email: 'a@b.example', tag: 't', archived: true, cursor: 'c', back: ['-'] }, 10)).toEqual({
      limit: 10,
      cursor: 'c',
      q: 'nor',
      email: 'a@b.example',
      tag: 't',
      archived: true,
    })
  })
})
