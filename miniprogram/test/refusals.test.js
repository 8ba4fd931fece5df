'use strict';
/**
 * A citizen who refuses location picks the place on the map; one who
 * refuses the camera is taken to the album.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { createMiniProgram } = require('./helpers/mp');
const { api, PHOTO } = require('./helpers/server');
const { text, tap, tapButton, waitFor } = require('./helpers/pages');

let mp;

before(() => {
  mp = createMiniProgram({
    mediaFiles: [PHOTO],
    behave: {
      baseUrl: api.base,
      openid: 'refuses',
      denyLocation: true,
      denyCamera: true,
      chosenPlace: { latitude: 40.8203, longitude: 111.6601 },
    },
  });
});

after(() => mp.destroy());

test('location refused leads to picking the place on the map', async () => {
  const page = await mp.loadPage('/pages/report/index');
  await waitFor(() => page.data.locState === 'denied');
  assert.match(text(page), /没有定位权限：请在地图上选择问题的位置/);

  await tapButton(page, 'pick-place');
  await waitFor(() => page.data.locState === 'ok');

  assert.equal(page.data.lat, 40.8203);
  assert.equal(page.data.address, '内蒙古呼和浩特市赛罕区中山东路');
  assert.ok(page.querySelector('#report-map'), 'the map shows the picked place');
});

test('camera refused leads to the album, and the report is filed where it was picked', async () => {
  const page = mp.currentPage;
  await tap(page, '#take-photo');
  await waitFor(() => page.data.photos.length === 1 && page.data.photos[0].status === 'done', { timeout: 20000 });
  const sources = mp.wx.__mpsim.called('chooseMedia').map(([, o]) => o.sourceType.join());
  assert.deepEqual(sources, ['camera', 'album']);

  await waitFor(() => page.data.groups.length > 0);
  await tap(page, '#group-02');
  await waitFor(() => page.data.subs.length > 0);
  await tap(page, '#sub-0201');
  await tapButton(page, 'submit');
  await waitFor(() => mp.currentPage !== page && mp.currentPage.data.report, { timeout: 10000 });

  const r = mp.currentPage.data.report;
  assert.ok(Math.abs(r.location.lat - 40.8203) < 1e-4 && Math.abs(r.location.lng - 111.6601) < 1e-4, JSON.stringify(r.location));
  assert.equal(r.address, '内蒙古呼和浩特市赛罕区中山东路');
});
