'use strict';
/**
 * 创建日历 for a unit's liaison through its page: from the inbox to the
 * unit's tasks; the task due today handed in with a note, a photo from the
 * camera and a ledger from a chat; returned by the supervisor, it comes
 * back first in the list with why; a reminder's link (`?id=`) opens it.
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { createMiniProgram } = require('./helpers/mp');
const { api, SECOND_PHOTO } = require('./helpers/server');
const { tap, tapButton, type, waitFor } = require('./helpers/pages');

/** A unit no other page test signs in as. */
const UNIT = 'yq-cgj';
let mp;
const state = {};

before(async () => {
  state.admin = await api.staff('admin', 'Admin@2026');
  state.supervisor = await api.staff('supervisor', 'Supervise@2026');
  // Today by the server's clock; a key date on it, reminded on the day.
  state.day = (await api.call('GET', '/api/v1/calendar/tasks', state.admin)).today;
  state.code = `MP-${Date.now()}`;
  await api.call('POST', '/api/v1/admin/assessment-items', state.admin, {
    code: state.code,
    name: '公益广告宣传',
    criterion: '主次干道公益广告不少于 25%',
    unitCodes: [UNIT],
    keyDates: [{ title: '公益广告更新', rule: state.day, leadWorkingDays: 0 }],
  });
  const list = await api.call('GET', `/api/v1/calendar/tasks?from=${state.day}&to=${state.day}&item=${state.code}`, state.admin);
  assert.equal(list.items.length, 1, JSON.stringify(list));
  state.id = list.items[0].id;
  state.ledger = path.join(os.tmpdir(), `台账-${process.pid}.pdf`);
  fs.writeFileSync(state.ledger, '%PDF-1.4 公益广告更新台账');
  mp = createMiniProgram({ behave: { baseUrl: api.base, openid: `liaison-${Date.now()}` } });
});

after(() => {
  mp.destroy();
  fs.rmSync(state.ledger, { force: true });
});

test('a liaison finds the task from the inbox and hands it in with a note, a photo and a file', async () => {
  const first = await mp.loadPage('/pages/field/tasks/index');
  await mp.idle();
  // No session: the login page, then the inbox.
  const login = mp.currentPage;
  assert.notEqual(login, first);
  type(login, 'username', UNIT);
  type(login, 'password', 'Unit@2026');
  await waitFor(() => login.data.password === 'Unit@2026');
  await tapButton(login, 'login');
  await waitFor(() => login.data.offerBind);
  await tapButton(login, 'skip-bind');
  await waitFor(() => mp.currentPage !== login && mp.currentPage.instance.route === 'pages/field/inbox/index');
  await tap(mp.currentPage, '#open-tasks');
  await waitFor(() => mp.currentPage.instance.route === 'pages/field/tasks/index' && mp.currentPage.data.todo.some((t) => t.id === state.id), {
    timeout: 10000,
  });
  const page = mp.currentPage;
  const row = page.data.todo.find((t) => t.id === state.id);
  assert.equal(row.dueOn, state.day);
  assert.equal(row.unit.code, UNIT);
  await tap(page, `#task-${state.id}`);
  await waitFor(() => page.data.t && page.data.t.id === state.id);
  assert.equal(page.data.canSubmit, true);

  type(page, 'task-note', '已更新 12 处公益广告');
  await waitFor(() => page.data.note === '已更新 12 处公益广告');
  mp.wx.__mpsim.behave.mediaFiles = [SECOND_PHOTO];
  await tap(page, '#shoot');
  await waitFor(() => page.data.photos.length === 1 && page.data.photos[0].status === 'done', { timeout: 20000 });
  mp.wx.__mpsim.behave.messageFiles = [state.ledger];
  await tapButton(page, 'attach');
  await waitFor(() => page.data.files.length === 1 && page.data.files[0].status === 'done', { timeout: 10000 });
  await tapButton(page, 'submit-task');
  await waitFor(() => page.data.t.status === 'submitted');
  assert.equal(page.data.canSubmit, false);

  // What the city sees: the note, the photo, the file under its own name.
  const t = await api.call('GET', `/api/v1/calendar/tasks/${state.id}`, state.supervisor);
  assert.equal(t.note, '已更新 12 处公益广告');
  assert.equal(t.photos.length, 1);
  assert.equal(t.files.length, 1);
  assert.equal(t.files[0].name, path.basename(state.ledger));
  assert.equal(t.files[0].contentType, 'application/pdf');
});

test('a returned task comes back first, with why, and a reminder link opens it', async () => {
  await api.call('POST', `/api/v1/calendar/tasks/${state.id}/decision`, state.supervisor, { accept: false, note: '缺少点位照片' });
  const page = mp.currentPage;
  await tapButton(page, 'back');
  const returnedFirst = () => page.data.todo.length > 0 && page.data.todo[0].id === state.id && page.data.todo[0].status === 'returned';
  await waitFor(() => !page.data.t && returnedFirst(), { timeout: 10000 });
  assert.equal(page.data.todo[0].statusLabel, '已退回');

  const linked = await mp.loadPage(`/pages/field/tasks/index?id=${state.id}`);
  await waitFor(() => linked.data.t && linked.data.t.id === state.id, { timeout: 10000 });
  assert.equal(linked.data.t.decisionNote, '缺少点位照片');
  assert.equal(linked.data.canSubmit, true, 'returned: the unit may hand it in again');
  assert.ok(linked.querySelector('#decision-note'), 'the supervisor\'s note is on the page');
});
