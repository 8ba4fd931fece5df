'use strict';
/**
 * A `wx` shim for Node. Network APIs do REAL I/O (Node fetch) to the server
 * node the test runs; `wx.login` returns a code the test's WeChat stand-in
 * accepts; `wx.getLocation` a fixed GCJ-02 place; `wx.chooseMedia` the
 * repository's fixture photos. Privacy-guarded APIs fail, as on a phone,
 * until the privacy guide is agreed. Everything async is tracked so tests
 * can `await wx.__mpsim.idle()`.
 *
 * `opts.behave` steers what a phone would do: `openid`, `place` ({latitude,
 * longitude}), `denyLocation`, `denyCamera`, `chosenPlace`, and
 * `loseAnswer(method, url)`: true to send the request and then fail as a
 * dropped connection would, without the answer.
 */
const fs = require('fs');
const path = require('path');

function createWx(opts = {}) {
  const calls = []; // [name, options] of every shimmed call, for assertions
  const storage = new Map();
  const files = new Map(); // what getFileSystemManager().writeFile wrote
  const tempFiles = new Map(); // virtual temp path ("http://tmp/..") -> real file
  let inflight = 0;
  let tempSeq = 0;
  const idleWaiters = [];
  const systemInfo = {
    SDKVersion: opts.SDKVersion || '3.8.0',
    brand: 'devtools', model: 'iPhone 12/13', pixelRatio: 3, platform: 'devtools', system: 'iOS 16.0',
    language: 'zh_CN', version: '8.0.50', theme: 'light', fontSizeSetting: 16,
    screenWidth: 390, screenHeight: 844, windowWidth: 390, windowHeight: 844, statusBarHeight: 47,
    screenTop: 0, safeArea: { left: 0, right: 390, top: 47, bottom: 810, width: 390, height: 763 },
  };

  function track(promise) {
    inflight++;
    const done = () => {
      inflight--;
      if (inflight === 0) setImmediate(flushIdle);
    };
    promise.then(done, done);
    return promise;
  }
  function flushIdle() {
    if (inflight !== 0) return;
    idleWaiters.splice(0).forEach((fn) => fn());
  }
  /** Resolves once no wx async call is in flight and the resulting callbacks/setData ran. */
  async function idle(timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (inflight > 0) {
        let timer;
        await Promise.race([
          new Promise((r) => idleWaiters.push(r)),
          new Promise((r) => { timer = setTimeout(r, Math.max(0, deadline - Date.now())); }),
        ]);
        clearTimeout(timer);
        if (inflight > 0 && Date.now() >= deadline) throw new Error(`wx still has ${inflight} call(s) in flight`);
      }
      // let user continuations (await chains, setData) and j-component's microtasks run
      await new Promise((r) => setTimeout(r, 0));
      if (inflight === 0) return;
    }
  }

  /** wx async-API convention: callbacks if any given, otherwise a Promise. */
  function asyncApi(name, impl) {
    return (options = {}) => {
      calls.push([name, options]);
      const p = track(Promise.resolve().then(() => impl(options)).then(
        (res) => ({ errMsg: `${name}:ok`, ...res }),
        (err) => {
          throw { errMsg: `${name}:fail ${err && err.message ? err.message : err}` };
        },
      ));
      if (options.success || options.fail || options.complete) {
        p.then(
          (res) => { options.success && options.success(res); options.complete && options.complete(res); },
          (err) => { options.fail && options.fail(err); options.complete && options.complete(err); },
        );
        return undefined;
      }
      return p;
    };
  }
  /** wx.request/uploadFile style: callbacks + returns a Task (never a Promise). */
  function taskApi(name, impl) {
    return (options = {}) => {
      calls.push([name, options]);
      const ac = new AbortController();
      const listeners = [];
      const task = {
        abort: () => ac.abort(),
        onHeadersReceived() {}, offHeadersReceived() {},
        onChunkReceived() {}, offChunkReceived() {},
        onProgressUpdate(fn) { listeners.push(fn); }, offProgressUpdate() {},
        progress(p) { listeners.forEach((fn) => fn(p)); },
      };
      const timer = setTimeout(() => ac.abort(new Error('timeout')), options.timeout || 60000);
      track(
        Promise.resolve()
          .then(() => new Promise((r) => setTimeout(r, 0))) // the caller attaches its listeners first
          .then(() => impl(options, ac.signal, task))
          .then(
            (res) => {
              res = { errMsg: `${name}:ok`, ...res };
              options.success && options.success(res);
              options.complete && options.complete(res);
            },
            (err) => {
              const res = { errMsg: `${name}:fail ${ac.signal.aborted ? 'abort' : (err && err.message) || err}`, errno: 600001 };
              options.fail && options.fail(res);
              options.complete && options.complete(res);
            },
          )
          .finally(() => clearTimeout(timer)),
      );
      return task;
    };
  }
  const noop = (name, res = {}) => asyncApi(name, () => res);
  const behave = opts.behave || {};
  const privacy = { agreed: !behave.privacyNeeded, prompts: [] };
  /** A privacy-guarded API called before agreement fails as WeChat's does. */
  function guarded(name) {
    if (privacy.agreed) return;
    calls.push([`${name}:blocked-by-privacy`, {}]);
    privacy.prompts.forEach((p) => p(() => undefined, { referrer: name }));
    const e = new Error('privacy permission is not authorized');
    e.errno = 104;
    throw e;
  }
  const realPath = (p) => tempFiles.get(p) || p;
  const headersToObject = (h) => Object.fromEntries(h.entries());

  const wx = {
    // ---- system info: TDesign reads these at module-load time (common/utils.js)
    getSystemInfoSync: () => ({ ...systemInfo }),
    getWindowInfo: () => ({ ...systemInfo }),
    getAppBaseInfo: () => ({ SDKVersion: systemInfo.SDKVersion, version: systemInfo.version, language: 'zh_CN', theme: 'light', host: { env: 'WeChat' } }),
    getDeviceInfo: () => ({ brand: 'devtools', model: systemInfo.model, system: systemInfo.system, platform: systemInfo.platform, benchmarkLevel: 1 }),
    getSystemInfo: asyncApi('getSystemInfo', () => ({ ...systemInfo })),
    getMenuButtonBoundingClientRect: () => ({ bottom: 80, height: 32, left: 281, right: 368, top: 48, width: 87 }),
    canIUse: () => true,
    nextTick: (fn) => setTimeout(fn, 0),

    // ---- storage (in memory, JSON round-trip like the real thing)
    getStorageSync: (key) => (storage.has(key) ? JSON.parse(storage.get(key)) : ''),
    setStorageSync: (key, value) => { storage.set(key, JSON.stringify(value === undefined ? null : value)); },
    removeStorageSync: (key) => { storage.delete(key); },
    clearStorageSync: () => storage.clear(),
    getStorageInfoSync: () => ({ keys: [...storage.keys()], currentSize: 0, limitSize: 10240 }),
    getStorage: asyncApi('getStorage', ({ key }) => {
      if (!storage.has(key)) throw new Error('data not found');
      return { data: JSON.parse(storage.get(key)) };
    }),
    setStorage: asyncApi('setStorage', ({ key, data }) => { storage.set(key, JSON.stringify(data)); }),
    removeStorage: asyncApi('removeStorage', ({ key }) => { storage.delete(key); }),

    // ---- UI: recorded no-ops
    showToast: noop('showToast'),
    hideToast: noop('hideToast'),
    showLoading: noop('showLoading'),
    hideLoading: noop('hideLoading'),
    showModal: asyncApi('showModal', () => ({ confirm: true, cancel: false, content: '' })),
    shareFileMessage: noop('shareFileMessage'),

    // ---- files (in memory)
    env: { USER_DATA_PATH: 'wxfile://usr' },
    getFileSystemManager: () => ({
      writeFile: (o) => {
        files.set(o.filePath, o.data);
        calls.push(['writeFile', o]);
        setTimeout(() => (o.success && o.success({ errMsg: 'writeFile:ok' }), o.complete && o.complete()), 0);
      },
      readFileSync: (p) => {
        if (!files.has(p)) throw new Error(`readFileSync:fail no such file ${p}`);
        return files.get(p);
      },
    }),
    showActionSheet: asyncApi('showActionSheet', () => ({ tapIndex: 0 })),
    setNavigationBarTitle: noop('setNavigationBarTitle'),
    stopPullDownRefresh: noop('stopPullDownRefresh'),
    vibrateShort: noop('vibrateShort'),

    // ---- network: real HTTP
    request: taskApi('request', async (o, signal) => {
      const lose = behave.loseAnswer && behave.loseAnswer((o.method || 'GET').toUpperCase(), o.url);
      const method = (o.method || 'GET').toUpperCase();
      const header = { 'content-type': 'application/json', ...(o.header || {}) };
      let url = o.url;
      let body;
      if (o.data !== undefined && o.data !== null) {
        if (method === 'GET' && typeof o.data === 'object') {
          const u = new URL(url);
          for (const [k, v] of Object.entries(o.data)) u.searchParams.append(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
          url = u.toString();
        } else if (typeof o.data === 'string' || o.data instanceof ArrayBuffer) {
          body = o.data;
        } else if (/urlencoded/i.test(header['content-type'])) {
          body = new URLSearchParams(o.data).toString();
        } else {
          body = JSON.stringify(o.data);
        }
      }
      const res = await fetch(url, { method, headers: header, body, signal });
      if (lose) {
        await res.arrayBuffer();
        throw new Error('timeout');
      }
      let data;
      if (o.responseType === 'arraybuffer') data = await res.arrayBuffer();
      else {
        data = await res.text();
        if ((o.dataType || 'json') === 'json') {
          try { data = JSON.parse(data); } catch { /* wx keeps the string */ }
        }
      }
      return { data, statusCode: res.status, header: headersToObject(res.headers), cookies: [] };
    }),
    uploadFile: taskApi('uploadFile', async (o, signal, task) => {
      const file = realPath(o.filePath);
      const size = fs.statSync(file).size;
      task.progress({ progress: 0, totalBytesSent: 0, totalBytesExpectedToSend: size });
      const form = new FormData();
      for (const [k, v] of Object.entries(o.formData || {})) form.append(k, String(v));
      form.append(o.name, await fs.openAsBlob(file), path.basename(o.filePath));
      const res = await fetch(o.url, { method: 'POST', headers: o.header || {}, body: form, signal });
      task.progress({ progress: 100, totalBytesSent: size, totalBytesExpectedToSend: size });
      return { data: await res.text(), statusCode: res.status }; // wx never parses uploadFile data
    }),
    downloadFile: taskApi('downloadFile', async (o, signal) => {
      const res = await fetch(o.url, { signal });
      const buf = Buffer.from(await res.arrayBuffer());
      const tmp = path.join(require('os').tmpdir(), `mpsim-dl-${process.pid}-${++tempSeq}`);
      fs.writeFileSync(tmp, buf);
      const virtual = `http://tmp/download-${tempSeq}`;
      tempFiles.set(virtual, tmp);
      return { tempFilePath: virtual, statusCode: res.status };
    }),

    // ---- media: returns fixture files under DevTools-like virtual temp paths
    chooseMedia: asyncApi('chooseMedia', (o) => {
      guarded('chooseMedia');
      if (behave.denyCamera && (o.sourceType || []).includes('camera')) throw new Error('auth deny');
      const files = (behave.mediaFiles || opts.mediaFiles || []).slice(0, o.count || 9);
      if (!files.length) throw new Error('cancel');
      return {
        type: 'image',
        tempFiles: files.map((f) => {
          const virtual = `http://tmp/${++tempSeq}-${path.basename(f)}`;
          tempFiles.set(virtual, f);
          return { tempFilePath: virtual, size: fs.statSync(f).size, fileType: 'image', width: 4000, height: 3000, duration: 0, thumbTempFilePath: '' };
        }),
      };
    }),
    // Files from a chat: `behave.messageFiles`, under temporary paths with
    // no name of their own (the name comes separately, as on a phone).
    chooseMessageFile: asyncApi('chooseMessageFile', (o) => {
      const files = (behave.messageFiles || []).slice(0, o.count || 9);
      if (!files.length) throw new Error('cancel');
      return {
        tempFiles: files.map((f) => {
          const virtual = `http://tmp/${++tempSeq}-message-file`;
          tempFiles.set(virtual, f);
          return { path: virtual, name: path.basename(f), size: fs.statSync(f).size, type: 'file', time: 0 };
        }),
      };
    }),
    chooseImage: asyncApi('chooseImage', () => {
      const files = opts.mediaFiles || [];
      const paths = files.map((f) => { const v = `http://tmp/${++tempSeq}-${path.basename(f)}`; tempFiles.set(v, f); return v; });
      return { tempFilePaths: paths, tempFiles: paths.map((p, i) => ({ path: p, size: fs.statSync(files[i]).size })) };
    }),

    compressImage: asyncApi('compressImage', (o) => {
      // The phone's recompression; here the file is kept (the server resizes).
      const virtual = `http://tmp/${++tempSeq}-compressed.jpg`;
      tempFiles.set(virtual, realPath(o.src));
      return { tempFilePath: virtual };
    }),
    previewImage: noop('previewImage'),

    // ---- login, privacy, location, messages
    login: asyncApi('login', () => ({ code: `ok-${behave.openid || 'citizen'}` })),
    getExtConfigSync: () => ({ baseUrl: behave.baseUrl, subscribeTemplateIds: behave.subscribeTemplateIds }),
    getPrivacySetting: asyncApi('getPrivacySetting', () => ({ needAuthorization: !privacy.agreed, privacyContractName: '《随手拍小程序隐私保护指引》' })),
    onNeedPrivacyAuthorization: (fn) => { privacy.prompts.push(fn); },
    openPrivacyContract: noop('openPrivacyContract'),
    getLocation: asyncApi('getLocation', (o) => {
      guarded('getLocation');
      if (behave.denyLocation) throw new Error('auth deny');
      const p = behave.place || { latitude: 40.7912, longitude: 111.7062 };
      return { latitude: p.latitude, longitude: p.longitude, accuracy: 15, type: o.type };
    }),
    chooseLocation: asyncApi('chooseLocation', () => {
      guarded('chooseLocation');
      const p = behave.chosenPlace || { latitude: 40.7915, longitude: 111.7065 };
      return { name: '中山东路', address: '内蒙古呼和浩特市赛罕区中山东路', latitude: p.latitude, longitude: p.longitude };
    }),
    openLocation: noop('openLocation'),
    createMapContext: () => ({
      getCenterLocation: (o) => {
        const p = behave.place || { latitude: 40.7912, longitude: 111.7062 };
        setTimeout(() => o.success && o.success({ latitude: p.latitude, longitude: p.longitude }), 0);
      },
    }),
    requestSubscribeMessage: asyncApi('requestSubscribeMessage', (o) => Object.fromEntries((o.tmplIds || []).map((id) => [id, 'accept']))),

    // ---- navigation: wired to the page stack by createMiniProgram()
    navigateTo: asyncApi('navigateTo', (o) => opts.router.navigateTo(o.url)),
    redirectTo: asyncApi('redirectTo', (o) => opts.router.redirectTo(o.url)),
    reLaunch: asyncApi('reLaunch', (o) => opts.router.reLaunch(o.url)),
    switchTab: asyncApi('switchTab', (o) => opts.router.reLaunch(o.url)),
    navigateBack: asyncApi('navigateBack', (o) => opts.router.navigateBack(o.delta || 1)),
  };

  Object.defineProperty(wx, '__mpsim', {
    enumerable: false,
    value: {
      calls, storage, tempFiles, idle, behave, privacy,
      get inflight() { return inflight; },
      /** What the person taps on the guide: agreed from now on. */
      agree() { privacy.agreed = true; },
      called: (name) => calls.filter(([n]) => n === name),
    },
  });
  return wx;
}

module.exports = { createWx };
