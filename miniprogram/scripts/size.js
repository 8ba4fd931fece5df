#!/usr/bin/env node
/**
 * The size of the main package as WeChat counts it, on the built package
 * (`npm run build` → build/): every file reachable from app.json — pages,
 * components (TDesign's included, through their own usingComponents),
 * scripts they require, templates and wxs they import, styles they
 * @import — which is what DevTools uploads with 过滤无依赖文件
 * (`ignoreUploadUnusedFiles`). Fails above WeChat's 2 MB limit.
 */
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '../build');
const LIMIT = 2 * 1024 * 1024;
const seen = new Set();

const exists = (p) => fs.existsSync(p) && fs.statSync(p).isFile();

function add(file) {
  if (!exists(file) || seen.has(file)) return;
  seen.add(file);
  const dir = path.dirname(file);
  const src = fs.readFileSync(file, 'utf8');
  const ext = path.extname(file);
  if (ext === '.json') {
    const j = JSON.parse(src);
    for (const spec of Object.values(j.usingComponents || {})) component(spec.startsWith('/') ? path.join(ROOT, spec) : path.resolve(dir, spec));
  } else if (ext === '.js' || ext === '.wxs') {
    for (const m of src.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)) script(dir, m[1]);
  } else if (ext === '.wxml') {
    for (const m of src.matchAll(/<(?:import|include|wxs)[^>]*\bsrc=["']([^"']+)["']/g)) {
      const p = m[1].startsWith('/') ? path.join(ROOT, m[1]) : path.resolve(dir, m[1]);
      add(p);
      add(`${p}.wxml`);
    }
  } else if (ext === '.wxss') {
    for (const m of src.matchAll(/@import\s+["']([^"']+)["']/g)) add(path.resolve(dir, m[1]));
  }
}

function script(dir, spec) {
  if (!spec.startsWith('.') && !spec.startsWith('/')) return; // resolved to relative paths by the build
  const p = spec.startsWith('/') ? path.join(ROOT, spec) : path.resolve(dir, spec);
  for (const c of [p, `${p}.js`, `${p}.wxs`, path.join(p, 'index.js')]) if (exists(c)) return add(c);
}

function component(base) {
  for (const ext of ['.json', '.js', '.wxml', '.wxss']) add(base + ext);
}

const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));
for (const f of ['app.json', 'app.js', 'app.wxss', 'sitemap.json']) add(path.join(ROOT, f));
for (const p of app.pages) component(path.join(ROOT, p));
for (const spec of Object.values(app.usingComponents || {})) {
  // app.json's global components, resolved as the build resolved them for pages.
  const npm = path.join(ROOT, 'miniprogram_npm', spec);
  component(spec.startsWith('/') ? path.join(ROOT, spec) : exists(`${npm}.json`) ? npm : path.join(ROOT, spec));
}

const total = [...seen].reduce((n, f) => n + fs.statSync(f).size, 0);
const npm = [...seen].filter((f) => f.includes(`${path.sep}miniprogram_npm${path.sep}`));
const npmBytes = npm.reduce((n, f) => n + fs.statSync(f).size, 0);
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`[size] main package: ${seen.size} files, ${kib(total)} (npm components ${npm.length} files, ${kib(npmBytes)}); limit ${kib(LIMIT)}`);
if (total > LIMIT) {
  console.error('[size] the main package is over WeChat\'s 2 MB limit');
  process.exit(1);
}
