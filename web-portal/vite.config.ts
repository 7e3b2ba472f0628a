/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The app is served by the API at /pay/{slug}/…; its files live under /portal-assets/ so that no
// partner slug can shadow them.
const api = process.env.REMIT_API ?? 'http://127.0.0.1:8000'

export default defineConfig({
  plugins: [react()],
  base: '/',
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
