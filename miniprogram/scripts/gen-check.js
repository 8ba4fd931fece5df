#!/usr/bin/env node
/**
 * Fails when src/api/schema.d.ts is not what `npm run gen` makes of
 * api-docs/openapi.json: the mini-program's types must be the spec's.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const committed = path.join(ROOT, 'src/api/schema.d.ts');
const fresh = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssp-gen-')), 'schema.d.ts');
execFileSync(
  process.execPath,
  [path.join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'), path.join(ROOT, '../api-docs/openapi.json'), '-o', fresh],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
const a = fs.existsSync(committed) ? fs.readFileSync(committed, 'utf8') : '';
const b = fs.readFileSync(fresh, 'utf8');
if (a !== b) {
  console.error('src/api/schema.d.ts is stale: run `npm run gen` in miniprogram/ and commit it.');
  process.exit(1);
}
console.log('[gen-check] src/api/schema.d.ts matches api-docs/openapi.json');
