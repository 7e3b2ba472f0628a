import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createBrowserRouter, RouterProvider } from 'react-router'
import { meKey, sessionQuery } from './api/me'
import { routes } from './app/routes'
import { I18nProvider } from './i18n/i18n'
import './ui/ui.css'

/** A 401 on any page means the session ended (timed out, signed out elsewhere): ask who is signed in again, and
 * RequireSession sends the person to sign in, then back to this page. */
function sessionEnded(error: unknown): void {
  if ((error as { status?: number }).status === 401) void queryClient.invalidateQueries({ queryKey: meKey })
}

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: (error, query) => query.queryKey[0] !== meKey[0] && sessionEnded(error) }),
  mutationCache: new MutationCache({ onError: sessionEnded }),
  defaultOptions: {
    queries: {
      // A problem the API answered (4xx) will not change by asking again; only network failures are retried.
      retry: (count, error) => count < 2 && !((error as { status?: number }).status ?? 0),
      refetchOnWindowFocus: true,
    },
    mutations: { retry: false },
  },
})

// Ask who is signed in before the first render, while the page's code is still loading.
void queryClient.prefetchQuery(sessionQuery)

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={createBrowserRouter(routes)} />
      </QueryClientProvider>
    </I18nProvider>
  </StrictMode>,
)
