// Fails when src/api-schema.d.ts is not what `npm run gen` makes of
// api-docs/openapi.json: the console's types must be the spec's.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const fresh = join(mkdtempSync(join(tmpdir(), 'ssp-console-gen-')), 'api-schema.d.ts')
execFileSync(process.execPath, [join(root, 'node_modules/openapi-typescript/bin/cli.js'), join(root, '../../../api-docs/openapi.json'), '-o', fresh], {
  stdio: ['ignore', 'ignore', 'inherit'],
})
const committed = join(root, 'src/api-schema.d.ts')
if (!existsSync(committed) || readFileSync(committed, 'utf8') !== readFileSync(fresh, 'utf8')) {
  console.error('src/console/web/src/api-schema.d.ts is stale: run `npm run gen` there and commit it.')
  process.exit(1)
}
console.log('[gen-check] the console\'s api-schema.d.ts matches api-docs/openapi.json')
