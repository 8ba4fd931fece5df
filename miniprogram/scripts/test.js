#!/usr/bin/env node
/**
 * Runs the page tests (test/*.test.js, or the files given) one file at a
 * time, each in its own process (the simulator's globals are per process).
 * The spec reporter repeats every failure, with its error, at the end, so
 * the tail of a CI log says which wait or assertion failed.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const dir = path.resolve(__dirname, '../test');
const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : fs.readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort().map((f) => path.join('test', f));
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], { stdio: 'inherit', cwd: path.resolve(__dirname, '..') });
process.exit(r.status === null ? 1 : r.status);
