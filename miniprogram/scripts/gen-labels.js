#!/usr/bin/env node
/**
 * Writes src/api/labels.ts from api-docs/openapi.json: the words of each
 * enum value (`x-labels` on its schema, written once in the Rust code
 * beside the enum), typed by the spec's enums. With --check, fails when
 * the file is not what it would write.
 */
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const spec = JSON.parse(fs.readFileSync(path.join(ROOT, '../api-docs/openapi.json'), 'utf8'));
const out = path.join(ROOT, 'src/api/labels.ts');

let text =
  '// Generated from api-docs/openapi.json (x-labels) by scripts/gen-labels.js: do not edit; run `npm run gen`.\n' +
  "import type { components } from './schema';\n\n" +
  "type S = components['schemas'];\n";
for (const [name, schema] of Object.entries(spec.components.schemas)) {
  if (!schema['x-labels']) continue;
  const entries = Object.entries(schema['x-labels'])
    .map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`)
    .join('\n');
  text += `\nexport const ${name}: Record<S['${name}'], string> = {\n${entries}\n};\n`;
}

if (process.argv.includes('--check')) {
  if (!fs.existsSync(out) || fs.readFileSync(out, 'utf8') !== text) {
    console.error('miniprogram/src/api/labels.ts is stale: run `npm run gen` in miniprogram/ and commit it.');
    process.exit(1);
  }
  console.log('[gen-check] src/api/labels.ts matches api-docs/openapi.json');
} else {
  fs.writeFileSync(out, text);
}
