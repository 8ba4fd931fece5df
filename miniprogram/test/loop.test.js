'use strict';
/**
 * The whole loop through the pages: a citizen agrees to the privacy guide,
 * is located, files a report with two photos and finds it in 我的; a unit's
 * field worker logs in, binds their WeChat, claims the case from the inbox
 * and resolves it with an after-photo; the city closes it; the citizen
 * rates it and reads the timeline. Then the field worker logs in again
 * with one tap.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { createMiniProgram } = require('./helpers/mp');
const { api, PHOTO, SECOND_PHOTO } = require('./helpers/server');
const { text, tap, tapButton, type, agreePrivacy, waitFor } = require('./helpers/pages');

let mp;
const state = {};

before(() => {
  mp = createMiniProgram({
    mediaFiles: [PHOTO, SECOND_PHOTO],
    behave: { baseUrl: api.base, openid: 'loop-citizen', privacyNeeded: true, subscribeTemplateIds: ['tmpl-status'], place: { latitude: 40.7912, longitude: 111.7062 } },
  });
});

after(() => mp.destroy());

test('nothing asks for the location before the privacy guide is agreed', async () => {
  const page = await mp.loadPage('/pages/report/index');
  await mp.idle();
  assert.match(text(page), /用户隐私保护提示/);
  assert.equal(mp.wx.__mpsim.called('getLocation').length, 0, 'no location before the guide');
  assert.equal(page.data.locState, 'waiting');

  agreePrivacy(mp, page);
  await waitFor(() => page.data.locState === 'ok');

  assert.equal(mp.wx.__mpsim.called('getLocation').length, 1);
  assert.equal(mp.wx.__mpsim.called('getLocation')[0][1].type, 'gcj02');
  assert.equal(mp.wx.__mpsim.calls.filter(([n]) => n.endsWith(':blocked-by-privacy')).length, 0);
  assert.doesNotMatch(text(page), /用户隐私保护提示/);
});

test('a citizen files a report with two photos and finds it in 我的', async () => {
  const page = mp.currentPage;
  // The category: 大类, then 小类, with its time limit in words.
  await waitFor(() => page.data.groups.length > 0);
  await tap(page, '#group-02');
  await waitFor(() => page.data.subs.length > 0);
  await tap(page, '#sub-0201');
  await waitFor(() => page.data.subCode === '0201');
  assert.match(page.querySelector('#category-hint').dom.textContent, /内处理/);

  // Two photos from the camera, compressed on the phone, uploaded with progress.
  await tap(page, '#take-photo');
  await waitFor(() => page.data.photos.length === 2 && page.data.photos.every((p) => p.status === 'done'), { timeout: 20000 });
  assert.deepEqual(mp.wx.__mpsim.called('chooseMedia')[0][1].sourceType, ['camera']);
  assert.equal(mp.wx.__mpsim.called('compressImage').length, 2, 'a 4000×3000 photo is recompressed');
  assert.ok(page.data.photos.every((p) => p.progress === 100 && p.mediaId));

  type(page, 'description', '人行道电线杆上贴满了小广告');
  await waitFor(() => page.data.count === 13);
  assert.match(page.querySelector('#count').dom.textContent, /13\/1000/);

  // Act
  await tapButton(page, 'submit');
  await waitFor(() => mp.currentPage !== page && mp.currentPage.data.report, { timeout: 10000 });

  // Assert: the subscribe request came from the tap, before the report was sent.
  const names = mp.wx.__mpsim.calls.map(([n, o]) => (n === 'request' && o.url.endsWith('/api/v1/reports') ? 'report' : n));
  assert.deepEqual(mp.wx.__mpsim.called('requestSubscribeMessage').map(([, o]) => o.tmplIds), [['tmpl-status']]);
  assert.ok(names.indexOf('requestSubscribeMessage') < names.indexOf('report'), names.join());
  // The report page, then 我的.
  const detail = mp.currentPage;
  const r = detail.data.report;
  assert.match(r.caseNo, /^SSP-\d{8}-\d{6}$/);
  assert.equal(r.photos.length, 2);
  assert.equal(r.location.coordSystem, 'gcj02');
  assert.ok(Math.abs(r.location.lat - 40.7912) < 1e-4 && Math.abs(r.location.lng - 111.7062) < 1e-4, JSON.stringify(r.location));
  assert.equal(r.description, '人行道电线杆上贴满了小广告');
  assert.equal(mp.wx.getStorageSync('ssp.draft'), '', 'the draft is gone once filed');
  assert.match(text(detail), /承诺办结时间/, 'an automatic category is dispatched with a deadline');
  state.caseNo = r.caseNo;
  state.id = r.id;

  const mine = await mp.loadPage('/pages/mine/index');
  await waitFor(() => mine.data.items.length > 0);
  assert.equal(mine.data.items[0].caseNo, state.caseNo);
  assert.ok(mine.querySelector(`#report-${state.caseNo}`));
  assert.match(text(mine), /已派遣|待接单|处置/);
});

test('a field worker logs in, binds WeChat, claims the case and resolves it with an after-photo', async () => {
  mp.wx.__mpsim.behave.openid = 'field-worker';
  const inbox0 = await mp.loadPage('/pages/field/inbox/index');
  await mp.idle();
  // No session: the inbox sends them to the login page.
  const login = mp.currentPage;
  assert.notEqual(login, inbox0);
  assert.match(text(login), /责任单位账号登录/);

  type(login, 'username', 'sh-cgj');
  type(login, 'password', 'Unit@2026');
  await waitFor(() => login.data.password === 'Unit@2026');
  await tapButton(login, 'login');
  await waitFor(() => login.data.offerBind);
  await tapButton(login, 'bind');
  await waitFor(() => mp.currentPage !== login && mp.currentPage.data.items && mp.currentPage.data.items.length > 0, { timeout: 10000 });

  const inbox = mp.currentPage;
  const row = inbox.data.items.find((c) => c.caseNo === state.caseNo);
  assert.ok(row, `the case is in the unit's inbox: ${JSON.stringify(inbox.data.items.map((c) => c.caseNo))}`);
  assert.match(row.left, /还剩|已超期/);
  await tap(inbox, `#case-${state.caseNo}`);
  await waitFor(() => mp.currentPage.data.c && mp.currentPage.data.c.id === state.id);

  const page = mp.currentPage;
  await tapButton(page, 'navigate');
  const nav = mp.wx.__mpsim.called('openLocation')[0][1];
  assert.ok(Math.abs(nav.latitude - 40.7912) < 1e-4, 'navigation in GCJ-02, where the citizen pinned it');

  await tapButton(page, 'claim');
  await waitFor(() => page.data.c.status === 'in_progress');

  // More time, asked for with a reason.
  await tapButton(page, 'open-extension');
  await waitFor(() => page.data.form === 'extension');
  type(page, 'extension-note', '需协调产权单位');
  await waitFor(() => page.data.note === '需协调产权单位');
  await tapButton(page, 'submit-extension');
  await waitFor(() => page.data.form === '' && page.data.c.extensions.length === 1);
  assert.equal(page.data.c.extensions[0].status, 'pending');

  await tapButton(page, 'open-resolve');
  await waitFor(() => page.data.form === 'resolve');
  mp.wx.__mpsim.behave.mediaFiles = [SECOND_PHOTO];
  await tap(page, '#shoot');
  await waitFor(() => page.data.after.length === 1 && page.data.after[0].status === 'done', { timeout: 20000 });
  type(page, 'resolve-note', '已清理干净');
  await waitFor(() => page.data.note === '已清理干净');
  await tapButton(page, 'submit-resolve');
  await waitFor(() => page.data.c.status === 'resolved');
  assert.equal(page.data.form, '');
});

test('the citizen rates the result and reads the timeline', async () => {
  // The city verifies and closes it (the console's work).
  const dispatcher = await api.staff('dispatcher', 'Dispatch@2026');
  const c = await api.call('GET', `/api/v1/cases/${state.id}`, dispatcher);
  await api.call('POST', `/api/v1/cases/${state.id}/verify`, dispatcher, { expectedVersion: c.version, outcome: 'close' });

  mp.wx.__mpsim.behave.openid = 'loop-citizen';
  const page = await mp.loadPage(`/pages/report-detail/index?id=${state.id}`);
  await waitFor(() => page.data.report && page.data.report.canRate);
  assert.equal(page.data.report.afterPhotos.length, 1, 'the after-photo');
  assert.ok(page.querySelector('#after-photos'));

  await tapButton(page, 'rate');
  await waitFor(() => page.data.rateError);
  assert.match(page.data.rateError, /满意程度/);
  await tap(page, '#star-5');
  type(page, 'comment', '处理很及时');
  await waitFor(() => page.data.comment === '处理很及时');
  await tapButton(page, 'rate');
  await waitFor(() => page.data.report.rating === 5);

  assert.equal(page.data.report.canRate, false);
  // Steps shown to the minute share it here; the field the page's list is
  // keyed by must still differ from step to step, or the list re-renders
  // wrongly when a step is added (j-component throws).
  assert.ok(page.data.steps.length > new Set(page.data.steps.map((s) => s.at)).size, 'two steps share a minute here');
  const wxml = fs.readFileSync(path.join(__dirname, '../src/pages/report-detail/index.wxml'), 'utf8');
  const field = /wx:for="\{\{steps\}\}"\s+wx:key="(\w+)"/.exec(wxml)[1];
  const keys = page.data.steps.map((s) => s[field]);
  assert.equal(new Set(keys).size, keys.length, `keyed by ${field}: ${JSON.stringify(page.data.steps)}`);
  const t = text(page);
  assert.match(t, /您的评价：5 星/);
  for (const step of ['您的反映已提交', '已派给负责单位处理', '负责单位已接单', '负责单位已处理完毕', '核查通过，已办结']) {
    assert.match(t, new RegExp(step), step);
  }
});

test('next time the field worker logs in with one tap', async () => {
  mp.wx.removeStorageSync('ssp.staff');
  mp.wx.__mpsim.behave.openid = 'field-worker';
  const login = await mp.loadPage('/pages/field/login/index');
  await tapButton(login, 'wechat-login');
  await waitFor(() => mp.currentPage !== login, { timeout: 10000 });
  assert.equal(mp.currentPage.instance.route, 'pages/field/inbox/index');
  assert.equal(mp.wx.getStorageSync('ssp.staff').user.username, 'sh-cgj');
});
