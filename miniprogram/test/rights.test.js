'use strict';
/**
 * 个人信息保护法 in 我的: a citizen downloads their data as a file they can
 * send to themselves, and deletes their account; the next visit starts a
 * new, empty account.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { createMiniProgram } = require('./helpers/mp');
const { api } = require('./helpers/server');
const { tapCell, waitFor } = require('./helpers/pages');

let mp;

before(() => {
  mp = createMiniProgram({ behave: { baseUrl: api.base, openid: 'rights-citizen' } });
});

after(() => mp.destroy());

test('a citizen downloads their data and deletes their account', async () => {
  // Arrange: one report of theirs.
  const page = await mp.loadPage('/pages/mine/index');
  await waitFor(() => !page.data.loading);
  const token = mp.wx.getStorageSync('ssp.citizen').token;
  const report = await api.report(token, '0201', { latitude: 40.8302, longitude: 111.7203 });

  // Act: 下载我的数据.
  await tapCell(page, 'export-data');
  await waitFor(() => mp.wx.__mpsim.called('shareFileMessage').length === 1, { timeout: 10000 });

  // Assert: the file holds the report, and is offered to be sent.
  const [, shared] = mp.wx.__mpsim.called('shareFileMessage')[0];
  const saved = JSON.parse(mp.wx.getFileSystemManager().readFileSync(shared.filePath, 'utf8'));
  assert.equal(saved.reports[0].caseNo, report.caseNo);
  assert.equal(saved.account.openid, 'rights-citizen');

  // Act: 注销账号, confirmed.
  await tapCell(page, 'delete-account');
  await waitFor(() => page.data.deleted, { timeout: 10000 });

  // Assert: the old token is refused, and nobody is signed in again behind
  // the person's back; their next visit starts a new, empty account.
  await assert.rejects(api.call('GET', '/api/v1/me', token), /401/);
  assert.equal(mp.wx.getStorageSync('ssp.citizen'), '', 'signed out');
  assert.equal(page.data.items.length, 0);
  const again = await mp.loadPage('/pages/mine/index');
  await waitFor(() => !again.data.loading && mp.wx.getStorageSync('ssp.citizen'));
  const fresh = mp.wx.getStorageSync('ssp.citizen');
  assert.notEqual(fresh.token, token, 'a new login');
  assert.equal((await api.call('GET', '/api/v1/me/reports', fresh.token)).items.length, 0);
});
