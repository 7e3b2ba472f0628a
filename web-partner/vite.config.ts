/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'

// The dashboard is served by the API at /dashboard/…; its files live under /dashboard-assets/ (api/web_dashboard.py).
const api = process.env.REMIT_API ?? 'http://127.0.0.1:8000'

/** Marks every chunk for eager compilation, as the portal does (docs/decisions/0012-portal-web-app.md). */
function compileHints(): Plugin {
  return {
    name: 'remit:compile-hints',
    apply: 'build',
    enforce: 'post',
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        for (const file of Object.values(bundle)) {
          if (file.type === 'chunk') file.code = `//# allFunctionsCalledOnLoad\n${file.code}`
        }
      },
    },
  }
}

export default defineConfig({
  plugins: [react(), compileHints()],
  base: '/',
  // What the dashboard shares with the portal (formatting, problems, the client's CSRF): web-shared/src.
  resolve: { alias: { '@shared': fileURLToPath(new URL('../web-shared/src', import.meta.url)) } },
  build: {
    assetsDir: 'dashboard-assets',
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    proxy: Object.fromEntries(['/v1'].map((p) => [p, api])),
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test-setup.ts'],
  },
})
