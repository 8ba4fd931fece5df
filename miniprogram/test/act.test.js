'use strict';
/**
 * 文明行动 through its pages: a volunteer opens 文明劝导 from 志愿服务 and
 * records one that stopped (with a photo) and one that did not, which
 * becomes a case; files a 随手治 with photos before and after, which the
 * city closes; and anyone shares a good moment from 我的, which the city
 * approves and publishes on the board the page shows; a leader sees who is
 * on patrol and removes a member.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { createMiniProgram } = require('./helpers/mp');
const path = require('path');
const { api, PHOTO, SECOND_PHOTO } = require('./helpers/server');

/** Photos not used before in this file (a photo uploaded again is the same photo, already used). */
const FIXTURES = path.resolve(__dirname, '../../tests/fixtures');
const WEBP = path.join(FIXTURES, 'cups-1280.webp');
const PORTRAIT = path.join(FIXTURES, 'phone-12mp-orientation6.jpg');
const { text, tap, tapButton, tapCell, type, waitFor } = require('./helpers/pages');

/** The spot's centre as WeChat's map gives it (GCJ-02), in the city. */
const SPOT = { latitude: 40.7912, longitude: 111.7062 };
let mp;
const state = {};

const token = () => mp.wx.getStorageSync('ssp.citizen').token;

before(async () => {
  const admin = await api.staff('admin', 'Admin@2026');
  const team = await api.call('POST', '/api/v1/admin/teams', admin, { name: `文明劝导队-${Date.now()}` });
  state.spot = await api.call('POST', `/api/v1/admin/teams/${team.id}/spots`, admin, {
    name: '新华广场',
    radiusM: 100,
    location: { lat: SPOT.latitude, lng: SPOT.longitude, coordSystem: 'gcj02' },
    times: [],
  });
  state.admin = admin;
  state.team = team;
  state.dispatcher = await api.staff('dispatcher', 'Dispatch@2026');
  mp = createMiniProgram({ mediaFiles: [PHOTO], behave: { baseUrl: api.base, openid: `act-${Date.now()}`, place: SPOT } });
});

after(() => mp.destroy());

test('a volunteer records a 劝导 that stopped and one that did not, which becomes a case', async () => {
  await mp.loadPage('/pages/mine/index');
  await mp.idle();
  await api.call('POST', '/api/v1/me/team', token(), { joinCode: state.team.joinCode, name: '冯劝导' });
  const volunteer = await mp.loadPage('/pages/volunteer/index');
  await waitFor(() => volunteer.data.state === 'team', { timeout: 10000 });
  await tapButton(volunteer, 'open-persuasion');
  await waitFor(() => mp.currentPage !== volunteer && mp.currentPage.data.kind === 'persuasion', { timeout: 10000 });
  const page = mp.currentPage;
  await waitFor(() => page.data.groups.length > 0 && page.data.located);
  assert.match(text(page), /文明劝导/);

  // Nothing goes without the behaviour and the outcome, said in words.
  await tapButton(page, 'submit');
  assert.equal(page.data.error, '请选择类别');
  await tap(page, '#group-03');
  await waitFor(() => page.data.subs.length > 0);
  await tap(page, '#sub-0301');
  await tapButton(page, 'submit');
  assert.equal(page.data.error, '请选择劝导结果');

  // Stopped, with a photo.
  await tap(page, '#outcome-stopped');
  await tap(page, '#add-photo');
  await waitFor(() => page.data.sets[0].photos.length === 1 && !page.data.sets[0].uploading, { timeout: 20000 });
  type(page, 'text', '劝阻了在广场乱扔烟头的行为');
  await waitFor(() => page.data.text !== '');
  await tapButton(page, 'submit');
  await waitFor(() => page.data.done !== null, { timeout: 10000 });
  assert.equal(page.data.error, '');
  assert.match(text(page), /劝导已记录/);

  // Another that did not stop: a case for the unit, its number shown.
  await tapButton(page, 'again');
  await waitFor(() => page.data.done === null);
  await tap(page, '#outcome-failed');
  await tapButton(page, 'submit');
  await waitFor(() => page.data.done !== null, { timeout: 10000 });
  assert.match(text(page), /已转交处理/);

  const mine = await api.call('GET', '/api/v1/me/persuasions', token());
  assert.equal(mine.items.length, 2);
  const [failed, stopped] = mine.items;
  assert.equal(stopped.persuaded, true);
  assert.ok(stopped.photo, 'the photo is the record\'s');
  assert.equal(stopped.note, '劝阻了在广场乱扔烟头的行为');
  assert.equal(stopped.category.code, '0301');
  assert.equal(failed.persuaded, false);
  assert.match(text(page), new RegExp(failed.case.caseNo));
  const reports = await api.call('GET', '/api/v1/me/reports', token());
  assert.equal(reports.items[0].id, failed.case.id);
});

test('a 随手治 with photos before and after waits for the check, and counts once closed', async () => {
  const page = await mp.loadPage('/pages/act/index', { kind: 'self_fix' });
  await waitFor(() => page.data.groups.length > 0 && page.data.located);
  assert.match(text(page), /处置前/);
  await tap(page, '#group-02');
  await waitFor(() => page.data.subs.length > 0);
  await tap(page, '#sub-0201');

  // The after photo is missing: said so.
  mp.wx.__mpsim.behave.mediaFiles = [SECOND_PHOTO];
  await tap(page, '#add-before');
  await waitFor(() => page.data.sets[0].photos.length === 1 && !page.data.sets[0].uploading, { timeout: 20000 });
  await tapButton(page, 'submit');
  assert.equal(page.data.error, '请添加处置后照片');
  mp.wx.__mpsim.behave.mediaFiles = [WEBP];
  await tap(page, '#add-after');
  await waitFor(() => page.data.sets[1].photos.length === 1 && !page.data.sets[1].uploading, { timeout: 20000 });
  await tapButton(page, 'submit');
  await waitFor(() => page.data.done !== null, { timeout: 10000 });
  assert.match(text(page), /随手治已提交/);

  const reports = await api.call('GET', '/api/v1/me/reports', token());
  const fixed = await api.call('GET', `/api/v1/reports/${reports.items[0].id}`, token());
  assert.equal(fixed.status, 'resolved');
  assert.equal(fixed.channel, 'self_fix');
  assert.equal(fixed.photos.length, 1);
  assert.equal(fixed.afterPhotos.length, 1);
  assert.match(text(page), new RegExp(fixed.caseNo));

  // The city closes it: the volunteer's 随手治 points.
  const staffView = await api.call('GET', `/api/v1/cases/${fixed.id}`, state.dispatcher);
  await api.call('POST', `/api/v1/cases/${fixed.id}/verify`, state.dispatcher, { outcome: 'close', expectedVersion: staffView.version });
  const points = await api.call('GET', '/api/v1/me/points', token());
  assert.ok(points.entries.some((e) => e.reason === 'self_fix'), JSON.stringify(points.entries));
});

test('anyone shares a good moment from 我的; approved and published, the board shows it', async () => {
  mp.wx.__mpsim.behave.mediaFiles = [PORTRAIT];
  const mine = await mp.loadPage('/pages/mine/index');
  await mp.idle();
  await tapCell(mine, 'open-moments');
  await waitFor(() => mp.currentPage !== mine && mp.currentPage.data.tab === 'board', { timeout: 10000 });
  const board = mp.currentPage;
  await tapButton(board, 'share');
  await waitFor(() => mp.currentPage !== board && mp.currentPage.data.kind === 'moment', { timeout: 10000 });
  const page = mp.currentPage;
  await waitFor(() => page.data.located);
  await tap(page, '#add-photos');
  await waitFor(() => page.data.sets[0].photos.length === 1 && !page.data.sets[0].uploading, { timeout: 20000 });
  await tapButton(page, 'submit');
  assert.equal(page.data.error, '请写几句话说说这一幕');
  type(page, 'text', '公交车上小学生给老人让座');
  await waitFor(() => page.data.text !== '');
  await tapButton(page, 'submit');
  await waitFor(() => page.data.done !== null, { timeout: 10000 });
  assert.match(text(page), /已提交审核/);

  // My moments say it waits; the city approves and publishes it.
  const minePage = await mp.loadPage('/pages/moments/index', { tab: 'mine' });
  await waitFor(() => minePage.data.items.length === 1, { timeout: 10000 });
  assert.match(text(minePage), /待审核/);
  const queue = await api.call('GET', '/api/v1/admin/moments?status=pending', state.dispatcher);
  const filed = queue.items.find((m) => m.text === '公交车上小学生给老人让座');
  assert.equal(filed.authorName, '冯劝导', 'a volunteer shares under their team name');
  await api.call('POST', `/api/v1/admin/moments/${filed.id}/review`, state.dispatcher, { approve: true, publish: true });
  // Its photo reaches the board once staff reviewed it for publication.
  const photos = await api.pendingPhotos(state.dispatcher, (p) => p.momentId === filed.id);
  assert.equal(photos.length, 1, 'the moment\'s photo waits for review');
  for (const p of photos) await api.review(state.dispatcher, p.photo.id, { publish: true });

  const boardPage = await mp.loadPage('/pages/moments/index');
  await waitFor(() => boardPage.data.items.some((m) => m.id === filed.id), { timeout: 10000 });
  assert.match(text(boardPage), /公交车上小学生给老人让座/);
  assert.match(text(boardPage), /冯\*/);
  const shown = boardPage.data.items.find((m) => m.id === filed.id).photos;
  assert.equal(shown.length, 1);
  assert.match(shown[0].url, /\/api\/v1\/public\/photos\//, 'the published derivative');
});

test('a leader sees the members and removes one, whose records stay', async () => {
  const me = await api.call('GET', '/api/v1/me', token());
  await api.call('PUT', `/api/v1/admin/teams/${state.team.id}/leader`, state.admin, { userId: me.id });
  const other = await api.citizen(`act-member-${Date.now()}`);
  await api.call('POST', '/api/v1/me/team', other, { joinCode: state.team.joinCode, name: '陈队员' });
  // The member is on patrol this morning: the leader sees who, and where.
  await api.call('POST', '/api/v1/me/patrols', other, {
    spotId: state.spot.id,
    location: { lat: SPOT.latitude, lng: SPOT.longitude, coordSystem: 'gcj02' },
  });
  const page = await mp.loadPage('/pages/volunteer/index');
  await waitFor(() => page.data.state === 'team' && page.data.team.role === 'leader', { timeout: 10000 });
  assert.match(page.querySelector('#members').dom.textContent, /冯劝导[\s\S]*队长[\s\S]*陈队员/);
  assert.match(page.querySelector('#members').dom.textContent, /陈队员[\s\S]*巡访中 · 新华广场/);
  assert.match(page.querySelector('#on-patrol-count').dom.textContent, /今日巡访中 1 人/);
  assert.ok(!page.querySelector('#remove-0'), 'the leader is not removed');

  await tapButton(page, 'remove-1');
  await waitFor(() => page.data.team.members.length === 1, { timeout: 10000 });
  assert.doesNotMatch(page.querySelector('#members').dom.textContent, /陈队员/);
  const detail = await api.call('GET', `/api/v1/admin/teams/${state.team.id}`, state.admin);
  assert.deepEqual(detail.members.map((m) => m.name), ['冯劝导']);
});
