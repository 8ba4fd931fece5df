// Writes src/labels.gen.js from api-docs/openapi.json: the words of each
// enum value (`x-labels` on its schema, written once in the Rust code
// beside the enum). With --check, fails when the file is not what it would
// write.
import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const spec = JSON.parse(readFileSync(join(root, '../../../api-docs/openapi.json'), 'utf8'))
const out = join(root, 'src/labels.gen.js')

let text =
  '// Generated from api-docs/openapi.json (x-labels) by scripts/gen-labels.mjs: do not edit; run `npm run gen`.\n' +
  "/** @typedef {import('./api-schema').components['schemas']} Schemas */\n"
for (const [name, schema] of Object.entries(spec.components.schemas)) {
  if (!schema['x-labels']) continue
  text += `\n/** @type {Record<Schemas['${name}'], string>} */\n`
  text += `export const ${name} = ${JSON.stringify(schema['x-labels'], null, 2)}\n`
}

if (process.argv.includes('--check')) {
  if (!existsSync(out) || readFileSync(out, 'utf8') !== text) {
    console.error('src/console/web/src/labels.gen.js is stale: run `npm run gen` there and commit it.')
    process.exit(1)
  }
  console.log("[gen-check] the console's labels.gen.js matches api-docs/openapi.json")
} else {
  writeFileSync(out, text)
}
