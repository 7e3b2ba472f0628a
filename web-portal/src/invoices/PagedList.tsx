// The states every paged list goes through: loading, failed (with a retry), empty, then the rows with a
// "load more" button while the API has a next cursor, and a retry if a later page fails.
import type { ReactNode } from 'react'
import { Button, ErrorState, Loading } from '../ui/ui'

interface PagedQuery {
  isPending: boolean
  data?: unknown
  error: unknown
  refetch: () => unknown
  hasNextPage: boolean
  isFetchingNextPage: boolean
  isFetchNextPageError: boolean
  fetchNextPage: () => unknown
}

interface Props {
  query: PagedQuery
  count: number
  empty: ReactNode
  loadMoreLabel: string
  children: ReactNode
}

export function PagedList({ query, count, empty, loadMoreLabel, children }: Props) {
  if (query.isPending) return <Loading />
  if (!query.data) return <ErrorState error={query.error} onRetry={() => query.refetch()} />
  if (count === 0) return <>{empty}</>
  return (
    <>
      {children}
      {query.hasNextPage && (
        <div className="load-more">
          <Button variant="secondary" busy={query.isFetchingNextPage} onClick={() => query.fetchNextPage()}>
            {loadMoreLabel}
          </Button>
        </div>
      )}
      {query.isFetchNextPageError && <ErrorState error={query.error} onRetry={() => query.fetchNextPage()} />}
    </>
  )
}
