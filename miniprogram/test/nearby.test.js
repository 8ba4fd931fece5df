'use strict';
/**
 * 已有人反映: before filing, the page shows the open cases of the same
 * category nearby and offers 附议 instead of a duplicate.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { createMiniProgram } = require('./helpers/mp');
const { api, PHOTO } = require('./helpers/server');
const { text, tap, tapButton, waitFor } = require('./helpers/pages');

const PLACE = { latitude: 40.8302, longitude: 111.7203 };
let mp;
let existing;

before(async () => {
  // Another citizen reported the same problem 20 m away (0201 is dispatched
  // at once), and a dispatcher took it on: only then is it public.
  const other = await api.citizen('first-reporter');
  existing = await api.report(other, '0201', { latitude: PLACE.latitude + 0.00018, longitude: PLACE.longitude });
  const dispatcher = await api.staff('dispatcher', 'Dispatch@2026');
  const c = await api.call('GET', `/api/v1/cases/${existing.id}`, dispatcher);
  await api.call('POST', `/api/v1/cases/${existing.id}/dispatch`, dispatcher, { expectedVersion: c.version });
  mp = createMiniProgram({
    mediaFiles: [PHOTO],
    behave: { baseUrl: api.base, openid: 'second-reporter', place: PLACE },
  });
});

after(() => mp.destroy());

test('the nearby check offers 附议 for a case already there', async () => {
  const page = await mp.loadPage('/pages/report/index');
  await waitFor(() => page.data.locState === 'ok' && page.data.groups.length > 0);
  await tap(page, '#group-02');
  await waitFor(() => page.data.subs.length > 0);
  await tap(page, '#sub-0201');
  await waitFor(() => page.data.nearby.length > 0);

  assert.match(text(page), /已有人反映/);
  const n = page.data.nearby[0];
  assert.equal(n.id, existing.id);
  assert.ok(n.distanceM > 0 && n.distanceM < 50, String(n.distanceM));

  // Act: 附议 instead of filing.
  await tapButton(page, 'follow-0');
  await waitFor(() => mp.currentPage !== page && mp.currentPage.data.report, { timeout: 10000 });

  // Assert: following it, no report of one's own, and it is in 我的附议.
  assert.equal(mp.currentPage.data.report.id, existing.id);
  const token = mp.wx.getStorageSync('ssp.citizen').token;
  assert.equal((await api.call('GET', '/api/v1/me/reports', token)).items.length, 0);
  const mine = await mp.loadPage('/pages/mine/index');
  await tap(mine, '#tab-follows');
  await waitFor(() => mine.data.tab === 'follows' && mine.data.items.length > 0);
  assert.equal(mine.data.items[0].id, existing.id);
});
