'use strict';
/**
 * A weak network: the submission reaches the server but its answer is lost.
 * The page says so in words and keeps everything typed; the retry sends the
 * same Idempotency-Key, and the report is filed once.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { createMiniProgram } = require('./helpers/mp');
const { api, PHOTO } = require('./helpers/server');
const { text, tap, tapButton, type, waitFor } = require('./helpers/pages');

let mp;
let lost = 0;

before(() => {
  mp = createMiniProgram({
    mediaFiles: [PHOTO],
    behave: {
      baseUrl: api.base,
      openid: 'weak-network',
      place: { latitude: 40.8101, longitude: 111.6802 },
      // The first answer to the report is lost on the way back.
      loseAnswer: (method, url) => method === 'POST' && url.endsWith('/api/v1/reports') && lost++ === 0,
    },
  });
});

after(() => mp.destroy());

test('a submission whose first answer is lost is retried and files once', async () => {
  const page = await mp.loadPage('/pages/report/index');
  await waitFor(() => page.data.locState === 'ok' && page.data.groups.length > 0);
  await tap(page, '#group-02');
  await waitFor(() => page.data.subs.length > 0);
  await tap(page, '#sub-0201');
  await tap(page, '#take-photo');
  await waitFor(() => page.data.photos.length === 1 && page.data.photos[0].status === 'done', { timeout: 20000 });
  type(page, 'description', '公交站牌上有小广告');
  await waitFor(() => page.data.description === '公交站牌上有小广告');

  // Act 1: the answer is lost.
  await tapButton(page, 'submit');
  await waitFor(() => page.data.error);

  // Assert: said in words; nothing typed is lost; the key is kept.
  assert.match(page.data.error, /网络/);
  assert.equal(page.data.canRetry, true);
  const draft = mp.wx.getStorageSync('ssp.draft');
  assert.equal(draft.description, '公交站牌上有小广告');
  assert.equal(draft.photos.length, 1);
  assert.match(draft.key, /^[0-9a-f-]{36}$/);
  assert.match(text(page), /重新提交/);

  // The app is closed and opened again: the form comes back as it was.
  mp.destroy();
  const again = await mp.loadPage('/pages/report/index');
  await waitFor(() => again.data.groups.length > 0 && again.data.subCode === '0201');
  assert.equal(again.data.description, '公交站牌上有小广告');
  assert.equal(again.data.photos.length, 1);
  assert.equal(again.data.photos[0].status, 'done');

  // Act 2: the retry.
  await tapButton(again, 'submit');
  await waitFor(() => mp.currentPage !== again && mp.currentPage.data.report, { timeout: 10000 });

  // Assert: one report on the server, the one the retry was answered with.
  const token = mp.wx.getStorageSync('ssp.citizen').token;
  const mine = await api.call('GET', '/api/v1/me/reports', token);
  assert.equal(mine.items.length, 1, JSON.stringify(mine.items.map((r) => r.caseNo)));
  assert.equal(mine.items[0].id, mp.currentPage.data.report.id);
  const keys = mp.wx.__mpsim.called('request').filter(([, o]) => o.url.endsWith('/api/v1/reports')).map(([, o]) => o.header['Idempotency-Key']);
  assert.equal(keys.length, 2);
  assert.equal(keys[0], keys[1], 'the same Idempotency-Key both times');
});
