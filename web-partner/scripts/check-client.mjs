// Fails when src/api/schema.d.ts no longer matches openapi/openapi.json (run `npm run generate`).
import { readFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { tmpdir } from 'node:os'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const fresh = join(tmpdir(), `remit-partner-schema-${process.pid}.d.ts`)
execFileSync(join(root, 'node_modules/.bin/openapi-typescript'), ['../openapi/openapi.json', '-o', fresh], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
})
const committed = readFileSync(join(root, 'src/api/schema.d.ts'), 'utf8')
if (readFileSync(fresh, 'utf8') !== committed) {
  console.error('web-partner/src/api/schema.d.ts is stale: run `npm run generate` in web-partner and commit it.')
  process.exit(1)
}
console.log('API client types match openapi/openapi.json')
