'use strict';
/**
 * Mini-program harness on top of miniprogram-simulate:
 *   - jsdom globals, `wx` shim, App/getApp/Page/getCurrentPages globals
 *   - loadPage(route, query): loads a `Page({...})` file (+ its usingComponents,
 *     incl. TDesign from miniprogram_npm) and renders/attaches it
 *   - a page stack so wx.navigateTo / redirectTo / navigateBack work
 *
 * miniprogram-simulate itself only knows Component(): it registers global.Component
 * at require time and `load()` runs each component's JS expecting a Component()
 * call. So global.Page below converts a Page definition into a Component one.
 */
const path = require('path');
const fs = require('fs');
const { installDom } = require('./dom');
const { createWx } = require('./wx');

const DEFAULT_ROOT = path.resolve(__dirname, '../../build');

function parseUrl(url, fromRoute) {
  const [p, qs = ''] = url.split('?');
  let route = p.startsWith('/') ? p.slice(1) : path.posix.join(path.posix.dirname(fromRoute || ''), p);
  route = route.replace(/\.(js|ts|wxml)$/, '');
  const query = {};
  for (const [k, v] of new URLSearchParams(qs)) query[k] = v;
  return { route, query };
}

function createMiniProgram(options = {}) {
  const root = options.root || DEFAULT_ROOT;
  if (!fs.existsSync(path.join(root, 'app.json'))) throw new Error(`${root}/app.json missing - run "npm run build"`);
  const appJson = JSON.parse(fs.readFileSync(path.join(root, 'app.json'), 'utf8'));
  const pageStack = []; // [{ route, query, comp, parent }]

  // 1. DOM
  installDom();

  // 2. wx (must exist before any TDesign / page module is evaluated)
  const router = {
    navigateTo: async (url) => { hideTop(); await loadPage(url); return {}; },
    redirectTo: async (url) => { unload(1); await loadPage(url); return {}; },
    reLaunch: async (url) => { unload(pageStack.length); await loadPage(url); return {}; },
    navigateBack: async (delta) => {
      unload(Math.min(delta, pageStack.length - 1));
      const top = pageStack[pageStack.length - 1];
      top.comp.triggerPageLifeTime('show');
      return {};
    },
  };
  const wx = createWx({ router, mediaFiles: options.mediaFiles, SDKVersion: options.SDKVersion, behave: options.behave });
  global.wx = wx;

  // 3. simulate (defines global.Component/Behavior, merges its mock wx API under ours)
  const simulate = require('miniprogram-simulate');
  const simulateApi = global.wx === wx ? null : global.wx;
  if (simulateApi) Object.setPrototypeOf(wx, simulateApi); // unshimmed APIs fall back to simulate's mocks
  global.wx = wx;

  // 4. App / getApp / getCurrentPages / Page
  let appInstance = null;
  global.App = (def) => { appInstance = def; };
  global.getApp = () => appInstance;
  global.getCurrentPages = () => pageStack.map((p) => p.comp.instance);

  let loading = null; // { route, query } of the page currently being loaded
  global.Page = (def) => {
    if (!loading) throw new Error('Page() called outside loadPage()');
    const { route, query } = loading;
    const methods = {};
    const fields = {};
    for (const key of Object.keys(def)) {
      if (key === 'data' || key === 'behaviors' || key === 'options') continue;
      if (typeof def[key] === 'function') methods[key] = def[key];
      else fields[key] = def[key];
    }
    const call = (self, name, ...args) => (typeof self[name] === 'function' ? self[name](...args) : undefined);
    return global.Component({
      data: def.data || {},
      behaviors: def.behaviors || [],
      options: def.options,
      methods,
      lifetimes: {
        created() {
          Object.assign(this, JSON.parse(JSON.stringify(fields)));
          this.route = route;
          this.__route__ = route;
          this.options = { ...query };
        },
        attached() {
          call(this, 'onLoad', { ...query });
          call(this, 'onShow');
        },
        ready() { call(this, 'onReady'); },
        detached() {
          call(this, 'onUnload');
          // WeChat drops a setData on a page that is gone (a request's
          // answer arriving after the user left); j-component would throw
          // on its detached tree instead, failing whichever test runs next.
          this.setData = () => {};
        },
      },
      pageLifetimes: {
        show() { call(this, 'onShow'); },
        hide() { call(this, 'onHide'); },
        resize(size) { call(this, 'onResize', size); },
      },
    });
  };

  // 5. app.js
  require(path.join(root, 'app.js'));
  if (!appInstance) throw new Error('app.js did not call App()');
  appInstance.globalData = appInstance.globalData || {};
  if (options.globalData) Object.assign(appInstance.globalData, options.globalData);
  const launch = { path: appJson.pages[0], query: {}, scene: 1001, referrerInfo: {} };
  if (typeof appInstance.onLaunch === 'function') appInstance.onLaunch(launch);
  if (typeof appInstance.onShow === 'function') appInstance.onShow(launch);

  function hideTop() {
    const top = pageStack[pageStack.length - 1];
    if (top) top.comp.triggerPageLifeTime('hide');
  }
  function unload(n) {
    for (let i = 0; i < n; i++) {
      const p = pageStack.pop();
      p.comp.detach(); // -> detached -> onUnload
      p.parent.remove();
    }
  }

  /** Load + render + attach a page. `url` may be "pages/x/index?a=1" or "/pages/x/index". */
  async function loadPage(url, extraQuery = {}) {
    const top = pageStack[pageStack.length - 1];
    const { route, query } = parseUrl(url, top && top.route);
    Object.assign(query, extraQuery);
    if (!appJson.pages.includes(route)) throw new Error(`page "${route}" is not found in app.json`);
    loading = { route, query };
    let comp;
    try {
      const id = simulate.load(path.join(root, route), {
        rootPath: root, // wcc compiles every .wxml/.wxs under rootPath once per process
        compilerOptions: { maxBuffer: 64 * 1024 * 1024 },
      });
      comp = simulate.render(id);
    } finally {
      loading = null;
    }
    const parent = document.createElement('page-wrapper');
    document.body.appendChild(parent);
    pageStack.push({ route, query, comp, parent });
    comp.attach(parent); // attached -> onLoad, onShow ; then ready -> onReady
    await tick();
    return comp;
  }

  return {
    simulate,
    wx,
    root,
    get app() { return appInstance; },
    get pages() { return pageStack.map((p) => p.comp); },
    get currentPage() { const t = pageStack[pageStack.length - 1]; return t && t.comp; },
    loadPage,
    /** unload every page (detached -> onUnload; TDesign clears its timers) */
    destroy: () => unload(pageStack.length),
    idle: (ms) => wx.__mpsim.idle(ms),
    waitFor,
    tick,
  };
}

/** one macrotask turn (j-component dispatches events in a microtask) */
const tick = () => new Promise((r) => setTimeout(r, 0));

/**
 * Polls until the predicate holds. The timeout is no speed target: it only
 * ends a wait that will never hold, and is generous because CI runs the
 * console's browser and the other outside tests beside these pages on two
 * cores. The error names the predicate, so a log says which wait it was.
 */
async function waitFor(predicate, { timeout = 10000, interval = 5, message } = {}) {
  const deadline = Date.now() + timeout;
  let lastErr;
  for (;;) {
    try {
      const v = await predicate();
      if (v) return v;
    } catch (e) { lastErr = e; }
    if (Date.now() > deadline) throw new Error(`waitFor timed out after ${timeout} ms: ${message || predicate.toString()}${lastErr ? ` (${lastErr.message})` : ''}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

module.exports = { createMiniProgram, waitFor, tick, parseUrl };
