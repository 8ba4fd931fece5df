'use strict';
/**
 * 曝光台 · 红黑榜 through its page, read without signing in: a closed
 * case is on the 曝光台 with no photos until staff review them, then with
 * its before and after thumbnails (the blurred derivatives' public URLs),
 * its time and its rating; the 红黑榜 ranks the case's district by the
 * figure the citizen picks and says how each is counted; 文明瞬间 shows
 * the published moments. Opened from 我的 and from the report page.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { createMiniProgram } = require('./helpers/mp');
const { api, PHOTO, SECOND_PHOTO } = require('./helpers/server');
const { text, tap, tapCell, waitFor } = require('./helpers/pages');

/**
 * The unit's after photo: a file no unit account uploads elsewhere (the
 * same bytes from the same account are the same photo, already used).
 */
const WEBP = path.resolve(__dirname, '../../tests/fixtures/cups-1280.webp');
/** A point in 赛罕区 as WeChat's map gives it (GCJ-02). */
const PLACE = { latitude: 40.7912, longitude: 111.7062 };
const PUBLIC = /\/api\/v1\/public\/photos\//;

let mp;
const state = {};

/** A case action as the console takes it, on the case's current version. */
async function act(token, action, body) {
  const c = await api.call('GET', `/api/v1/cases/${state.id}`, state.dispatcher);
  return api.call('POST', `/api/v1/cases/${state.id}/${action}`, token, { ...body, expectedVersion: c.version });
}

/** The board's requests the page made, and whether any carried a token. */
const boardCalls = () => mp.wx.__mpsim.called('request').map(([, o]) => o).filter((o) => /\/api\/v1\/(board\/|moments\b)/.test(o.url));

before(async () => {
  // Arrange: a citizen's report, dispatched to the district's unit, which
  // claims and resolves it with a photo of the fix; the city closes it and
  // the citizen rates it. And a good moment, approved and published.
  state.dispatcher = await api.staff('dispatcher', 'Dispatch@2026');
  const citizen = await api.citizen(`board-reporter-${Date.now()}`);
  const filed = await api.report(citizen, '0201', PLACE, PHOTO);
  state.id = filed.id;
  state.caseNo = filed.caseNo;
  const c = await api.call('GET', `/api/v1/cases/${state.id}`, state.dispatcher);
  assert.ok(c.unit, `0201 is dispatched automatically: ${JSON.stringify(c.status)}`);
  state.category = c.category.name;
  const unit = await api.staff(c.unit.code, 'Unit@2026');
  await act(unit, 'claim', {});
  const fix = await api.photo(unit, WEBP);
  await act(unit, 'resolve', { note: '已清理干净', mediaIds: [fix] });
  await act(state.dispatcher, 'verify', { outcome: 'close' });
  await api.call('POST', `/api/v1/reports/${state.id}/rating`, citizen, { score: 4 });

  const moment = await api.call('POST', '/api/v1/moments', citizen, {
    text: '志愿者清理了公园长椅上的口香糖',
    location: { lat: PLACE.latitude, lng: PLACE.longitude, coordSystem: 'gcj02' },
    mediaIds: [await api.photo(citizen, SECOND_PHOTO)],
  });
  await api.call('POST', `/api/v1/admin/moments/${moment.id}/review`, state.dispatcher, { approve: true, publish: true });
  for (const p of await api.pendingPhotos(state.dispatcher, (x) => x.momentId === moment.id)) {
    await api.review(state.dispatcher, p.photo.id, { publish: true });
  }
  state.moment = moment.id;

  mp = createMiniProgram({ behave: { baseUrl: api.base, openid: `board-reader-${Date.now()}`, place: PLACE } });
});

after(() => mp.destroy());

test('the 曝光台 shows a closed case, its photos only once staff reviewed them', async () => {
  const mine = await mp.loadPage('/pages/mine/index');
  await mp.idle();
  await tapCell(mine, 'open-board');
  await waitFor(() => mp.currentPage !== mine && mp.currentPage.data.tab === 'cases', { timeout: 10000 });
  const page = mp.currentPage;
  await waitFor(() => page.data.cases.some((c) => c.caseNo === state.caseNo), { timeout: 10000 });

  // The case: what, where, when closed, how long, kept its deadline, rated.
  const row = page.data.cases.find((c) => c.caseNo === state.caseNo);
  assert.equal(row.onTime, true, 'resolved right away: within its deadline');
  assert.equal(row.selfFixed, false);
  assert.equal(row.rating, 4);
  assert.equal(row.district && row.district.name, '赛罕区');
  const card = () => page.querySelector(`#case-${state.caseNo}`).dom.textContent.replace(/\s+/g, ' ');
  assert.match(card(), new RegExp(state.category));
  assert.match(card(), /赛罕区 · .+ 办结 · 用时/);
  assert.match(card(), /按期/);
  assert.doesNotMatch(card(), /超期|随手治/);
  assert.match(card(), /★★★★☆/);
  // Not reviewed: no photo at all, before or after.
  assert.equal(row.beforePhotos.length, 0);
  assert.equal(row.afterPhotos.length, 0);
  assert.doesNotMatch(card(), /处置前|处置后/);
  assert.ok(!page.querySelector(`#before-${state.caseNo}-0`));

  // Read with no sign-in: no token on the board's requests.
  assert.ok(boardCalls().length > 0);
  assert.ok(boardCalls().every((o) => !o.header.Authorization), 'the board is read without a token');

  // Staff review both: the before photo with a region blurred.
  const photos = await api.pendingPhotos(state.dispatcher, (p) => p.caseId === state.id);
  assert.deepEqual(photos.map((p) => p.subject).sort(), ['case_after', 'case_before']);
  for (const p of photos) {
    const regions = p.subject === 'case_before' ? [{ x: 0.1, y: 0.1, width: 0.3, height: 0.3 }] : [];
    await api.review(state.dispatcher, p.photo.id, { publish: true, regions });
  }

  // Pulled down: before and after side by side, at the public URLs.
  const stops = mp.wx.__mpsim.called('stopPullDownRefresh').length;
  page.instance.onPullDownRefresh();
  await waitFor(() => {
    const r = page.data.cases.find((c) => c.caseNo === state.caseNo);
    return r && r.beforePhotos.length === 1 && r.afterPhotos.length === 1;
  }, { timeout: 10000 });
  await waitFor(() => mp.wx.__mpsim.called('stopPullDownRefresh').length === stops + 1);
  const shown = page.data.cases.find((c) => c.caseNo === state.caseNo);
  const [b, a] = [shown.beforePhotos[0], shown.afterPhotos[0]];
  for (const p of [b, a]) {
    assert.match(p.url, PUBLIC);
    assert.match(p.thumbnailUrl, PUBLIC);
  }
  assert.notEqual(b.url, a.url);
  assert.match(card(), /处置前.*处置后/);
  const before = page.querySelector(`#before-${state.caseNo}-0`);
  const afterImg = page.querySelector(`#after-${state.caseNo}-0`);
  assert.ok(before && afterImg, 'a thumbnail on each side');
  assert.equal(before.dom.getAttribute('data-url'), b.url);
  assert.equal(afterImg.dom.getAttribute('data-url'), a.url);
  // The public derivative is there for anyone, without a signature.
  const r = await fetch(new URL(b.url, api.base));
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') || '', /^image\//);

  // A tap opens both, the tapped one first.
  await tap(page, `#after-${state.caseNo}-0`);
  await waitFor(() => mp.wx.__mpsim.called('previewImage').length === 1);
  const preview = mp.wx.__mpsim.called('previewImage')[0][1];
  assert.deepEqual(preview.urls, [b.url, a.url]);
  assert.equal(preview.current, a.url);

  // Shared, it opens where the citizen was.
  assert.deepEqual(page.instance.onShareAppMessage().path, '/pages/board/index?tab=cases');
});

test('the 红黑榜 ranks the case\'s district by the figure picked, and says how each is counted', async () => {
  const page = mp.currentPage;
  // The district as the 曝光台 gives it (the point's district).
  const cases = await api.call('GET', '/api/v1/board/cases?limit=50');
  const district = cases.items.find((c) => c.caseNo === state.caseNo).district;
  assert.equal(district.name, '赛罕区');

  await tap(page, '#tab-districts');
  await waitFor(() => page.data.tab === 'districts' && page.data.districts.length > 0, { timeout: 10000 });
  const board = await api.call('GET', '/api/v1/board/districts?rankBy=onTimeCloseRate');
  const [y, m] = board.month.split('-');
  assert.match(page.querySelector('#month').dom.textContent, new RegExp(`${y}年${Number(m)}月`));
  assert.deepEqual(page.data.districts.map((d) => d.code), board.districts.map((d) => d.code), 'in the board\'s order');
  const mine = board.districts.find((d) => d.code === district.code);
  assert.ok(mine.dispatched >= 1 && mine.closedOnTime >= 1, JSON.stringify(mine));
  assert.ok(mine.onTimeCloseRate > 0 && mine.rank >= 1, JSON.stringify(mine));
  const shown = (what) => page.querySelector(`#${what}-${district.code}`).dom.textContent.trim();
  assert.match(shown('district'), /赛罕区/);
  assert.equal(shown('place'), String(mine.rank));
  assert.equal(shown('figure'), `${(mine.onTimeCloseRate * 100).toFixed(1)}%`);

  // Ranked by cases per 10,000 people instead: asked again, shown per 10,000.
  const asked = boardCalls().length;
  await tap(page, '#rank-casesPer10k');
  await waitFor(() => page.data.rankBy === 'casesPer10k' && page.data.districts.length > 0, { timeout: 10000 });
  assert.ok(boardCalls().slice(asked).some((o) => /rankBy=casesPer10k/.test(o.url)), 'reloaded by the new figure');
  const per10k = (await api.call('GET', '/api/v1/board/districts?rankBy=casesPer10k')).districts.find((d) => d.code === district.code);
  assert.ok(per10k.casesPer10k > 0, JSON.stringify(per10k));
  assert.equal(shown('place'), String(per10k.rank));
  assert.equal(shown('figure'), `${per10k.casesPer10k} 件/万人`);
  assert.ok(page.querySelector('#rank-casesPer10k').dom.className.includes('on'));

  // How each figure is counted, in words.
  const formulas = page.querySelector('#formulas').dom.textContent;
  assert.match(formulas, /按期结案率：本月派遣的案件中/);
  assert.match(formulas, /万人案件数：/);
  assert.equal(page.instance.onShareAppMessage().path, '/pages/board/index?tab=districts');
});

test('文明瞬间 shows the published moments, and a way to share one', async () => {
  const page = mp.currentPage;
  await tap(page, '#tab-moments');
  await waitFor(() => page.data.moments.some((x) => x.id === state.moment), { timeout: 10000 });
  assert.match(text(page), /志愿者清理了公园长椅上的口香糖/);
  const shown = page.data.moments.find((x) => x.id === state.moment);
  assert.equal(shown.photos.length, 1);
  assert.match(shown.photos[0].url, PUBLIC);
  assert.ok(boardCalls().every((o) => !o.header.Authorization), 'the board is read without a token');
  assert.ok(page.querySelector('#share-moment'));
});

test('the report page leads to the board too', async () => {
  const report = await mp.loadPage('/pages/report/index');
  await mp.idle();
  await tap(report, '#open-board');
  await waitFor(() => mp.currentPage !== report && mp.currentPage.instance.route === 'pages/board/index', { timeout: 10000 });
  await waitFor(() => mp.currentPage.data.cases.some((c) => c.caseNo === state.caseNo), { timeout: 10000 });
});
