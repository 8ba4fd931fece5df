#!/usr/bin/env node
/**
 * Produce build/: what DevTools would feed to the runtime, in a form
 * miniprogram-simulate can load under Node.
 *
 *  1. copy miniprogram/ (incl. miniprogram_npm from build-npm.js) minus *.ts
 *  2. tsc -p tsconfig.json            (TS -> CommonJS JS, into build/)
 *  3. transpile ES-module JS in build/_npm -> CommonJS (TDesign ships
 *     `import`/`export`; DevTools' ES6->ES5 step does the same job)
 *  4. rewrite bare require("pkg/x") to relative paths using the mini-program
 *     lookup rule (nearest ancestor miniprogram_npm/), which Node doesn't know
 *  5. rewrite npm-style usingComponents ("tdesign-miniprogram/button/button")
 *     to relative paths and merge app.json global usingComponents into every
 *     page/component json, because miniprogram-simulate and the wcc compiler
 *     only understand relative or root-absolute paths and know nothing of app.json.
 */
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const ts = require('typescript');

const ROOT = path.resolve(__dirname, '..');
const SRC = path.join(ROOT, 'src');
const OUT = path.join(ROOT, 'build');

function walk(dir, out = []) {
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}
const toPosix = (p) => p.split(path.sep).join('/');
function relSpecifier(fromDir, target) {
  let rel = toPosix(path.relative(fromDir, target));
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel;
}

/** mini-program npm lookup: nearest ancestor `miniprogram_npm/<spec>` (up to OUT). */
function resolveNpm(fromDir, spec, exts) {
  let dir = fromDir;
  for (;;) {
    const base = path.join(dir, 'miniprogram_npm', spec);
    for (const ext of exts) {
      if (fs.existsSync(base + ext)) return base;
      if (fs.existsSync(path.join(base, 'index') + ext)) return path.join(base, 'index');
    }
    if (dir === OUT || dir === path.dirname(dir)) return null;
    dir = path.dirname(dir);
  }
}
const isBare = (s) => !/^(\.|\/|plugin:\/\/|plugin-private:\/\/)/.test(s);

// 1. copy
fs.rmSync(OUT, { recursive: true, force: true });
if (!fs.existsSync(path.join(SRC, 'miniprogram_npm'))) {
  throw new Error('src/miniprogram_npm missing: run `npm run build:npm` first');
}
fs.cpSync(SRC, OUT, {
  recursive: true,
  filter: (src) => !(src.endsWith('.ts') && !src.endsWith('.d.ts')),
});

// 2. tsc
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', ROOT], { stdio: 'inherit' });

// 3 + 4. JS
let transpiled = 0;
for (const file of walk(OUT)) {
  if (!file.endsWith('.js')) continue;
  let code = fs.readFileSync(file, 'utf8');
  if (file.includes(`${path.sep}miniprogram_npm${path.sep}`) && /\b(import|export)\b/.test(code)) {
    code = ts.transpileModule(code, {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2020,
        esModuleInterop: true,
        allowJs: true,
      },
    }).outputText;
    transpiled++;
  }
  code = code.replace(/\brequire\((["'])([^"']+)\1\)/g, (m, q, spec) => {
    if (!isBare(spec)) return m;
    const hit = resolveNpm(path.dirname(file), spec, ['.js']);
    if (!hit) return m; // leave it (e.g. node builtins in dead code)
    return `require(${q}${relSpecifier(path.dirname(file), hit)}${q})`;
  });
  fs.writeFileSync(file, code);
}

// 5. JSON usingComponents
const appJson = JSON.parse(fs.readFileSync(path.join(OUT, 'app.json'), 'utf8'));
const globalUsing = appJson.usingComponents || {};
const pages = new Set((appJson.pages || []).map((p) => path.join(OUT, `${p}.json`)));
let jsonRewritten = 0;
for (const file of walk(OUT)) {
  if (!file.endsWith('.json') || path.basename(file) === 'app.json') continue;
  let json;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    continue;
  }
  const inNpm = file.includes(`${path.sep}miniprogram_npm${path.sep}`);
  const isPageOrComp = pages.has(file) || json.component === true;
  if (!isPageOrComp) continue;
  const dir = path.dirname(file);
  const using = { ...(inNpm ? {} : resolveAll(globalUsing, OUT)), ...(json.usingComponents || {}) };
  json.usingComponents = resolveAll(using, dir, dir);
  fs.writeFileSync(file, JSON.stringify(json, null, 2));
  jsonRewritten++;

  // paths in app.json are relative to the app root; rebase them onto `dir`
  function resolveAll(map, baseDir, rebaseTo) {
    const res = {};
    for (const [tag, spec] of Object.entries(map)) {
      let target = null;
      if (isBare(spec)) {
        const hit = resolveNpm(baseDir, spec, ['.json']);
        if (!hit) throw new Error(`${file}: cannot resolve usingComponents ${tag}: ${spec}`);
        target = hit;
      } else if (spec.startsWith('/')) {
        target = path.join(OUT, spec);
      } else if (spec.startsWith('.')) {
        target = path.join(baseDir, spec);
      } else {
        res[tag] = spec; // plugin://
        continue;
      }
      res[tag] = relSpecifier(rebaseTo || dir, target);
    }
    return res;
  }
}
console.log(`[build-dist] ${path.relative(ROOT, OUT)}: ${transpiled} ESM files -> CJS, ${jsonRewritten} json files resolved`);
