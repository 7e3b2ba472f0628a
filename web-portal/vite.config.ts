/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'

// The app is served by the API at /pay/{slug}/…; its files live under /portal-assets/ so that no
// partner slug can shadow them.
const api = process.env.REMIT_API ?? 'http://127.0.0.1:8000'

/**
 * Marks every chunk for eager compilation (V8's explicit compile hints): V8 then compiles its functions on a
 * background thread while the file streams in, instead of on the main thread when each is first called. A chunk
 * is only ever loaded to run it, and the cold first load spent most of its time compiling the runtime.
 */
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
    assetsDir: 'portal-assets',
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    proxy: Object.fromEntries(['/portal', '/sandbox', '/v1', '/pay-button.js'].map((p) => [p, api])),
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test-setup.ts'],
  },
})
