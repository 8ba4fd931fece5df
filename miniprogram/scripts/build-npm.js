#!/usr/bin/env node
/**
 * "构建 npm" without WeChat DevTools.
 *
 * For every entry in package.json "dependencies" whose package.json declares a
 * "miniprogram" field (TDesign: "miniprogram_dist"), copy that directory to
 * src/miniprogram_npm/<name>, exactly like DevTools' "工具 → 构建 npm"
 * does for component packages. The copy is verbatim (ES module syntax is kept;
 * DevTools compiles it, scripts/build-dist.js compiles it for Node).
 *
 * Packages without a "miniprogram" field would need bundling of their "main"
 * entry (DevTools does that); this prototype only reports them.
 */
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const MP_ROOT = path.join(ROOT, 'src');
const NPM_OUT = path.join(MP_ROOT, 'miniprogram_npm');

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const deps = Object.keys(pkg.dependencies || {});

fs.rmSync(NPM_OUT, { recursive: true, force: true });
fs.mkdirSync(NPM_OUT, { recursive: true });

for (const name of deps) {
  const pkgDir = path.dirname(require.resolve(`${name}/package.json`, { paths: [ROOT] }));
  const depPkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  const mpDir = depPkg.miniprogram ? path.join(pkgDir, depPkg.miniprogram) : path.join(pkgDir, 'miniprogram_dist');
  if (!fs.existsSync(mpDir)) {
    console.warn(`[build-npm] skip ${name}: no "miniprogram" dir (pure-JS packages need bundling, not done here)`);
    continue;
  }
  const dest = path.join(NPM_OUT, name);
  fs.cpSync(mpDir, dest, { recursive: true });
  console.log(`[build-npm] ${name}@${depPkg.version}: ${path.relative(ROOT, mpDir)} -> ${path.relative(ROOT, dest)}`);
}
