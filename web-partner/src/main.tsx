import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createBrowserRouter, RouterProvider } from 'react-router'
import { sessionQuery } from './api/me'
import { routes } from './app/routes'
import { I18nProvider } from './i18n/i18n'
import './ui/ui.css'

const queryClient = new QueryClient({
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
