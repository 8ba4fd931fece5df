'use strict';
/**
 * A citizen who does not agree to the privacy guide can still report: the
 * map opens on the city and the place is where they drag the pin; WeChat's
 * own location picker, which needs the agreement, says why it cannot open.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { createMiniProgram } = require('./helpers/mp');
const { api, PHOTO } = require('./helpers/server');
const { text, tap, tapButton, waitFor } = require('./helpers/pages');

const DRAGGED_TO = { latitude: 40.8401, longitude: 111.7502 };
let mp;

before(() => {
  mp = createMiniProgram({
    mediaFiles: [PHOTO],
    behave: { baseUrl: api.base, openid: 'says-no', privacyNeeded: true, place: DRAGGED_TO },
  });
});

after(() => mp.destroy());

test('refusing the privacy guide leaves the map to pin the place', async () => {
  const page = await mp.loadPage('/pages/report/index');
  await mp.idle();
  page.querySelector('#privacy >>> #privacy-disagree').dispatchEvent('tap');
  await waitFor(() => page.data.locState === 'denied');

  assert.equal(mp.wx.__mpsim.called('getLocation').length, 0, 'no location asked after a refusal');
  assert.ok(page.querySelector('#report-map'), 'the map is there to drag');
  assert.match(text(page), /请拖动地图/);

  // WeChat's picker needs the agreement: the page says what to do instead.
  await tapButton(page, 'pick-place');
  await waitFor(() => /无法打开地图选点/.test(page.data.locMessage));

  // Dragging the map puts the pin's place in the report.
  page.querySelector('#report-map').dispatchEvent('regionchange', { detail: { type: 'end', causedBy: 'drag' } });
  await waitFor(() => page.data.locState === 'ok');
  assert.equal(page.data.lat, DRAGGED_TO.latitude);
  assert.equal(page.data.lng, DRAGGED_TO.longitude);
});
