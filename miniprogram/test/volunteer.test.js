'use strict';
/**
 * 志愿服务 through its page: staff create a team with a spot; a citizen
 * joins it with the code from 我的, sees the spot and its patrol times, is
 * refused a check-in a kilometre away (in words, with the distance), checks
 * in on site with the time running, checks out, and finds the patrol and
 * the hours; the leader sees the join code; a member leaves.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { createMiniProgram } = require('./helpers/mp');
const { api } = require('./helpers/server');
const { text, tap, tapButton, tapCell, type, waitFor } = require('./helpers/pages');

/** The spot's centre as WeChat's map gives it (GCJ-02). */
const SPOT = { latitude: 40.7912, longitude: 111.7062 };
let mp;
const state = {};

before(async () => {
  const admin = await api.staff('admin', 'Admin@2026');
  const team = await api.call('POST', '/api/v1/admin/teams', admin, { name: `新华志愿服务队-${Date.now()}` });
  await api.call('POST', `/api/v1/admin/teams/${team.id}/spots`, admin, {
    name: '新华广场',
    radiusM: 100,
    location: { lat: SPOT.latitude, lng: SPOT.longitude, coordSystem: 'gcj02' },
    times: [{ weekdays: [6, 7], from: '08:00', to: '11:00' }],
  });
  state.admin = admin;
  state.team = team;
  mp = createMiniProgram({ behave: { baseUrl: api.base, openid: `volunteer-${Date.now()}`, place: { latitude: 40.8012, longitude: 111.7062 } } });
});

after(() => mp.destroy());

test('a citizen joins a team with its code from 我的', async () => {
  const mine = await mp.loadPage('/pages/mine/index');
  await mp.idle();
  await tapCell(mine, 'open-volunteer');
  await waitFor(() => mp.currentPage !== mine && mp.currentPage.data.state === 'join', { timeout: 10000 });
  const page = mp.currentPage;
  assert.match(text(page), /加入志愿服务队/);

  type(page, 'join-code', state.team.joinCode.toLowerCase());
  type(page, 'volunteer-name', '李四');
  await waitFor(() => page.data.name === '李四');
  await tapButton(page, 'join');
  await waitFor(() => page.data.state === 'team', { timeout: 10000 });

  assert.equal(page.data.team.team.id, state.team.id);
  assert.match(text(page), /队员/);
  assert.match(text(page), /新华广场/);
  assert.match(text(page), /周六、周日 08:00–11:00/);
  assert.ok(!page.querySelector('#join-code-shown'), 'a member does not see the join code');
});

test('a check-in far from the spot is refused in words; on site it starts the time, and check-out counts it', async () => {
  const page = mp.currentPage;
  // A kilometre north.
  await tapButton(page, 'check-in-0');
  await waitFor(() => page.data.error !== '' && !page.data.busy, { timeout: 10000 });
  assert.match(page.data.error, /您距离点位约1\d{3}米，请到点位150米范围内再签到/);
  assert.match(text(page), /您距离点位约/);
  assert.equal(page.data.current, null);
  assert.equal(mp.wx.__mpsim.called('getLocation').slice(-1)[0][1].type, 'gcj02');

  // On site.
  mp.wx.__mpsim.behave.place = SPOT;
  await tapButton(page, 'check-in-0');
  await waitFor(() => page.data.current !== null, { timeout: 10000 });
  assert.equal(page.data.error, '');
  assert.match(text(page), /巡访中 · 新华广场/);
  assert.ok(!page.querySelector('#check-in-0'), 'no second check-in while one is open');

  await tapButton(page, 'check-out');
  await waitFor(() => page.data.current === null && page.data.patrols.length === 1, { timeout: 10000 });
  assert.equal(page.data.patrols[0].endedBy, 'checked_out');
  assert.match(text(page), /已签退/);
  assert.equal(page.querySelector('#total-hours').dom.textContent, '0.0');
  // This month's board names the volunteer by the first character only.
  await waitFor(() => page.data.ranking && page.data.ranking.volunteers.length > 0, { timeout: 10000 });
  assert.match(page.querySelector('#ranking').dom.textContent, /本月光荣榜[\s\S]*李\*/);
});

test('the leader sees the join code; a member leaves and their record stays', async () => {
  const me = await api.call('GET', '/api/v1/me', mp.wx.getStorageSync('ssp.citizen').token);
  // Staff make the member the leader; the page shows the code.
  await api.call('PUT', `/api/v1/admin/teams/${state.team.id}/leader`, state.admin, { userId: me.id });
  const page = await mp.loadPage('/pages/volunteer/index');
  await waitFor(() => page.data.state === 'team', { timeout: 10000 });
  assert.equal(page.querySelector('#join-code-shown').dom.textContent, state.team.joinCode);
  assert.match(text(page), /队长/);
  assert.ok(!page.querySelector('#leave'), 'a leader cannot leave');

  // Another leader named, the citizen leaves as a member.
  const other = await api.citizen(`volunteer-other-${Date.now()}`);
  const joined = await api.call('POST', '/api/v1/me/team', other, { joinCode: state.team.joinCode, name: '王五' });
  const otherMe = await api.call('GET', '/api/v1/me', other);
  await api.call('PUT', `/api/v1/admin/teams/${state.team.id}/leader`, state.admin, { userId: otherMe.id });
  assert.equal(joined.role, 'member');
  const again = await mp.loadPage('/pages/volunteer/index');
  await waitFor(() => again.data.state === 'team' && again.data.team.role === 'member', { timeout: 10000 });
  await tap(again, '#leave');
  await waitFor(() => again.data.state === 'join', { timeout: 10000 });
  const patrols = await api.call('GET', '/api/v1/me/patrols', mp.wx.getStorageSync('ssp.citizen').token);
  assert.equal(patrols.items.length, 1, 'the patrol stays after leaving');
});
