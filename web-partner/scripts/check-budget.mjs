// Fails the build when the JavaScript the first page load needs is over budget (gzipped).
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const BUDGET = 200 * 1024
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist')
const html = readFileSync(join(dist, 'index.html'), 'utf8')
const initial = new Set()
for (const m of html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)) initial.add(m[1])
for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)) initial.add(m[1])
let total = 0
for (const src of initial) {
  const size = gzipSync(readFileSync(join(dist, src))).length
  total += size
  console.log(`  ${src}  ${(size / 1024).toFixed(1)} KB gzipped`)
}
const line = `initial JavaScript: ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET / 1024} KB)`
if (initial.size === 0 || total > BUDGET) {
  console.error(initial.size === 0 ? 'no script found in dist/index.html' : `over budget: ${line}`)
  process.exit(1)
}
console.log(line)
