'use strict';
/**
 * Sessions nobody notices: a citizen's refused token is replaced by a new
 * `wx.login` and the call made again; a field worker's expired token is
 * renewed with the refresh token; a session that cannot go on returns the
 * worker to the login page.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { createMiniProgram } = require('./helpers/mp');
const { api } = require('./helpers/server');
const { tap, text, waitFor } = require('./helpers/pages');

let mp;

before(() => {
  mp = createMiniProgram({ behave: { baseUrl: api.base, openid: 'returning-citizen' } });
});

after(() => mp.destroy());

const requests = (suffix) => mp.wx.__mpsim.called('request').filter(([, o]) => o.url.split('?')[0].endsWith(suffix));

test('a refused citizen token is replaced by a silent login and the call made again', async () => {
  mp.wx.setStorageSync('ssp.citizen', { token: 'revoked-or-forged', expiresAt: '2099-01-01T00:00:00Z', user: { role: 'citizen' } });
  const page = await mp.loadPage('/pages/mine/index');
  await mp.idle();
  await waitFor(() => !page.data.loading);

  assert.equal(page.data.error, '', text(page));
  assert.equal(mp.wx.__mpsim.called('login').length, 1, 'one wx.login');
  assert.equal(requests('/api/v1/auth/wechat').length, 1);
  assert.equal(requests('/api/v1/me/reports').length, 2, 'refused once, then answered');
  assert.notEqual(mp.wx.getStorageSync('ssp.citizen').token, 'revoked-or-forged');
});

test("a field worker's expired token is renewed with the refresh token", async () => {
  const t = await api.call('POST', '/api/v1/auth/password', null, { username: 'hm-cgj', password: 'Unit@2026' });
  mp.wx.setStorageSync('ssp.staff', { ...t, expiresAt: '2000-01-01T00:00:00Z' });
  const page = await mp.loadPage('/pages/field/inbox/index');
  await mp.idle();
  await waitFor(() => !page.data.loading);

  assert.equal(page.data.error, '', text(page));
  assert.equal(requests('/api/v1/auth/refresh').length, 1);
  const kept = mp.wx.getStorageSync('ssp.staff');
  assert.notEqual(kept.token, t.token);
  assert.ok(Date.parse(kept.expiresAt) > Date.now());
});

test('a session that cannot go on returns the worker to the login page', async () => {
  mp.wx.setStorageSync('ssp.staff', { token: 'x', expiresAt: '2000-01-01T00:00:00Z', refreshToken: 'not-a-token', refreshExpiresAt: '2099-01-01T00:00:00Z', user: { role: 'unit_member', displayName: '' } });
  await mp.loadPage('/pages/field/inbox/index');
  await mp.idle();
  await waitFor(() => mp.currentPage.instance.route === 'pages/field/login/index');
  assert.equal(mp.wx.getStorageSync('ssp.staff'), '', 'the dead session is forgotten');
});

test("退出 ends the field worker's session on the server", async () => {
  const t = await api.call('POST', '/api/v1/auth/password', null, { username: 'hm-cgj', password: 'Unit@2026' });
  mp.wx.setStorageSync('ssp.staff', t);
  const page = await mp.loadPage('/pages/field/inbox/index');
  await waitFor(() => !page.data.loading);
  await tap(page, '#logout');
  await waitFor(() => mp.currentPage.instance.route === 'pages/field/login/index');
  assert.equal(mp.wx.getStorageSync('ssp.staff'), '');

  // Neither the token nor its refresh token works any more.
  await waitFor(() => requests('/api/v1/auth/logout').length === 1);
  await mp.idle();
  await assert.rejects(api.call('GET', '/api/v1/me', t.token), /401.*session_ended/);
  await assert.rejects(api.call('POST', '/api/v1/auth/refresh', null, { refreshToken: t.refreshToken }), /401/);
});
