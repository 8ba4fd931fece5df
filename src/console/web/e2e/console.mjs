// The console end to end in headless Chromium (Debian's package, driven by
// playwright-core): a dispatcher watches a case submitted through the API
// appear on the map, opens and dispatches it; the unit claims it and
// resolves it with an after-photo uploaded through the page; the
// dispatcher closes it; the indicators page counts it; a content flag is
// reviewed and a redemption code checked off; a team and its spot are
// created, a good moment approved and published, the spot's coverage shown
// in a table and on the map. A screenshot of each page
// goes to $SCREENSHOTS.
//
// Run by tests/console.rs against an app it started:
//   BASE_URL=http://127.0.0.1:PORT CHROMIUM=/usr/bin/chromium PHOTO=a.jpg AFTER_PHOTO=b.png node e2e/console.mjs
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { chromium } from 'playwright-core'

const base = process.env.BASE_URL
const shots = process.env.SCREENSHOTS || 'console-e2e'
const photo = process.env.PHOTO
const afterPhoto = process.env.AFTER_PHOTO
assert.ok(base && photo && afterPhoto, 'BASE_URL, PHOTO and AFTER_PHOTO are required')
mkdirSync(shots, { recursive: true })

const DISPATCHER = ['dispatcher', 'Dispatch@2026']
const UNIT = ['sh-cgj', 'Unit@2026']
const ADMIN = ['admin', 'Admin@2026']
const SUPERVISOR = ['supervisor', 'Supervise@2026']
const AT = { lat: 40.7903, lng: 111.7004 }

async function http(path, { token, body, form, method } = {}) {
  const headers = token ? { Authorization: 'Bearer ' + token } : {}
  let payload
  if (form) payload = form
  else if (body) {
    headers['Content-Type'] = 'application/json'
    payload = JSON.stringify(body)
  }
  const res = await fetch(base + '/api/v1' + path, { method: method || (payload ? 'POST' : 'GET'), headers, body: payload })
  const json = await res.json()
  assert.ok(res.ok, `${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

/** Submits a 占道经营 report (manual review) as a citizen, through the API. */
async function submit() {
  const { token } = await http('/auth/dev', { body: { openid: 'e2e-citizen' } })
  const form = new FormData()
  form.append('file', new Blob([readFileSync(photo)], { type: 'image/jpeg' }), basename(photo))
  const media = await http('/media', { token, form })
  return http('/reports', {
    token,
    body: {
      categoryCode: '0301',
      description: '人行道上有流动摊贩占道经营（浏览器测试）',
      location: { ...AT, coordSystem: 'wgs84' },
      address: '大学西路 1 号',
      mediaIds: [media.id],
    },
  })
}

function today() {
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)
}
// The indicators' period starts the day before the test does, so that a
// run across China's midnight (or a month's end) still counts its case.
const SINCE = new Date(Date.now() + 8 * 3600e3 - 86400e3).toISOString().slice(0, 10)
async function closedSince(token) {
  const t = await http(`/stats/indicators?groupBy=unit&from=${SINCE}&to=${today()}`, { token })
  return t.total.closed
}

let step = 0
async function shot(page, name) {
  step += 1
  await page.screenshot({ path: join(shots, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: false })
}

async function login(page, [user, pass], who) {
  await page.goto(base + '/console/')
  await page.getByLabel('用户名').fill(user)
  await page.getByLabel('密码').fill(pass)
  await shot(page, 'login-' + user)
  await page.getByRole('button', { name: '登录' }).click()
  await page.getByTestId('who').filter({ hasText: who }).waitFor()
}

/** Logs out, and checks that the session ended on the server too. */
async function logout(page) {
  const token = await page.evaluate(() => localStorage.getItem('ssp.token'))
  await page.getByRole('button', { name: '退出' }).click()
  await page.getByLabel('用户名').waitFor()
  let after
  for (let i = 0; i < 50; i++) {
    after = await fetch(base + '/api/v1/me', { headers: { Authorization: 'Bearer ' + token } })
    if (after.status === 401) break
    await new Promise((r) => setTimeout(r, 100))
  }
  const body = await after.json()
  if (after.status !== 401 || body.code !== 'session_ended')
    throw new Error(`the old token still works after logout: ${after.status} ${JSON.stringify(body)}`)
}

/** Confirms the open action dialog and waits for the case to reach `status`. */
async function act(page, action, status, fill) {
  await page.locator(`[data-action="${action}"]`).click()
  const dialog = page.getByRole('dialog')
  await dialog.waitFor()
  if (fill) await fill(dialog)
  await dialog.getByTestId('confirm').click()
  await page.getByTestId('case-status').filter({ hasText: status }).waitFor({ timeout: 15000 })
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
})
const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
/** Errors the page threw: the run fails on any. */
const pageErrors = []
page.on('pageerror', (e) => {
  pageErrors.push(e.message)
  console.error('page error:', e.message)
})
page.on('console', (m) => ['error', 'warning'].includes(m.type()) && console.error(`browser ${m.type()}:`, m.text()))
try {
  const staff = (await http('/auth/password', { body: { username: DISPATCHER[0], password: DISPATCHER[1] } })).token
  const closedBefore = await closedSince(staff)

  // 1. The dispatcher logs in and watches the map around the place.
  await login(page, DISPATCHER, '派遣员')
  await page.goto(`${base}/console/#/map?lat=${AT.lat}&lng=${AT.lng}&z=17`)
  await page.getByTestId('map-total').filter({ hasText: /\d/ }).waitFor()
  await page.locator('.leaflet-overlay-pane path:not([d="M0 0"])').first().waitFor() // the areas are drawn
  await page.getByTestId('warned-count').filter({ hasText: /\d/ }).waitFor()
  await shot(page, 'map')

  // 2. A citizen reports through the API; the case appears without a reload.
  const report = await submit()
  const marker = page.locator(`[data-case-no="${report.caseNo}"]`)
  await marker.waitFor({ timeout: 10000 })
  await page.getByTestId('feed').getByText(report.caseNo).waitFor()
  await shot(page, 'map-new-case')

  // 3. Open it from the map and dispatch it.
  await marker.click()
  await page.getByTestId('case-no').filter({ hasText: report.caseNo }).waitFor()
  await shot(page, 'case-submitted')
  await act(page, 'dispatch', '已派遣', async (d) => {
    await d.getByLabel('派遣至').selectOption(UNIT[0])
    await shot(page, 'dispatch-dialog')
  })
  await shot(page, 'case-dispatched')

  // 4. The unit sees it in its inbox, claims it and resolves it with a photo.
  await logout(page)
  await login(page, UNIT, '')
  await page.waitForURL(/#\/inbox/)
  const row = page.getByRole('row').filter({ hasText: report.caseNo })
  await row.waitFor()
  await shot(page, 'unit-inbox')
  await row.click()
  await page.getByTestId('case-no').filter({ hasText: report.caseNo }).waitFor()
  await act(page, 'claim', '处置中')
  await act(page, 'resolve', '已处置', async (d) => {
    await d.locator('input[type=file]').setInputFiles(afterPhoto)
    await d.getByLabel('备注（可选）').fill('摊贩已劝离，人行道恢复通行')
  })
  await page.getByTestId('after-photos').locator('img').first().waitFor()
  await shot(page, 'case-resolved')

  // 5. The dispatcher verifies and closes it.
  await logout(page)
  await login(page, DISPATCHER, '派遣员')
  await page.goto(`${base}/console/#/cases/${report.id}`)
  await page.getByTestId('case-no').filter({ hasText: report.caseNo }).waitFor()
  await act(page, 'close', '已结案')
  await shot(page, 'case-closed')

  // 6. The indicators page counts it.
  await page.goto(`${base}/console/#/stats?groupBy=unit&pf=${SINCE}&pt=${today()}`)
  const total = page.getByTestId('indicators').locator('tr[data-key="total"] td[data-col="closed"]')
  await total.filter({ hasText: String(closedBefore + 1) }).waitFor()
  assert.equal(await closedSince(staff), closedBefore + 1)
  await page.locator('.chart canvas').first().waitFor()
  await shot(page, 'indicators')

  // 7. The case list, and the map in its other modes.
  await page.goto(`${base}/console/#/cases`)
  await page.getByRole('row').filter({ hasText: report.caseNo }).waitFor()
  await shot(page, 'case-list')
  await page.goto(`${base}/console/#/map?mode=areas&level=district&z=11&lat=40.8&lng=111.7`)
  await page.getByTestId('map-total').filter({ hasText: /\d/ }).waitFor()
  await page.getByRole('table', { name: /各区域案卷/ }).waitFor()
  await shot(page, 'map-areas')
  await page.getByLabel('热力').check()
  await page.locator('.leaflet-overlay-pane path:not([d="M0 0"])').first().waitFor()
  await shot(page, 'map-heatmap')
  // Leaving the map while it is still zooming throws nothing.
  await page.goto(`${base}/console/#/map?lat=${AT.lat}&lng=${AT.lng}&z=15`)
  await page.getByTestId('map-total').filter({ hasText: /\d/ }).waitFor()
  for (let i = 0; i < 3; i++) {
    await page.locator('.leaflet-control-zoom-in').click()
    await page.goto(`${base}/console/#/cases`)
    await page.waitForTimeout(400)
    await page.goBack()
    await page.getByTestId('map-total').filter({ hasText: /\d/ }).waitFor()
  }
  assert.deepEqual(pageErrors, [], 'the map threw on the way out')

  // 8. A tablet, portrait: the panel moves above the map, nothing is cut off.
  await page.setViewportSize({ width: 820, height: 1180 })
  await page.goto(`${base}/console/#/map?lat=${AT.lat}&lng=${AT.lng}&z=16`)
  await page.locator(`[data-case-no="${report.caseNo}"]`).waitFor()
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px on a tablet`)
  await shot(page, 'tablet-map')
  // 9. Review and check-off: the dispatcher closes a content flag, and
  // checks a citizen's redemption code off, once.
  await page.setViewportSize({ width: 1366, height: 768 })
  await page.goto(`${base}/console/#/review`)
  const flagRow = page.getByTestId('flags').getByRole('row').filter({ hasText: process.env.FLAGGED_CASE_NO })
  await flagRow.waitFor()
  await shot(page, 'review-flags')
  // More than a page: the rest comes with 加载更多.
  const rows = page.getByTestId('flags').locator('tbody tr')
  assert.equal(await rows.count(), 50)
  await page.getByTestId('more-flags').click()
  await rows.nth(55).waitFor()
  assert.equal(await rows.count(), 56)
  await page.getByTestId('more-flags').waitFor({ state: 'detached' })
  await flagRow.getByRole('button', { name: '处理' }).click()
  await page.getByLabel('审核意见').fill('已核实，描述无违规内容')
  await page.getByRole('button', { name: '确认' }).click()
  await flagRow.waitFor({ state: 'detached' })
  const code = process.env.REDEEM_CODE
  await page.getByTestId('redeem-code').fill(code.toLowerCase())
  await page.getByRole('button', { name: '核销' }).click()
  await page.getByTestId('checked-off').filter({ hasText: '环保袋' }).waitFor()
  await shot(page, 'redemption-checked-off')
  await page.getByTestId('redeem-code').fill(code)
  await page.getByRole('button', { name: '核销' }).click()
  await page.getByRole('alert').filter({ hasText: '不能重复核销' }).waitFor()

  // 10. 志愿服务: the dispatcher creates a team and gives it a spot; a
  // citizen's good moment is approved and published from the page; the
  // spot shows unvisited, on the coverage tab and on the map.
  await page.goto(`${base}/console/#/volunteers?tab=teams`)
  const teamName = `浏览器测试服务队-${Date.now()}`
  await page.getByTestId('new-team').fill(teamName)
  await page.getByRole('button', { name: '创建' }).click()
  await page.getByTestId('team-detail').filter({ hasText: teamName }).waitFor()
  const joinCode = (await page.getByTestId('join-code').textContent()).trim()
  assert.match(joinCode, /^[A-Z2-9]{8}$/)
  await page.getByTestId('spot-name').fill('大学西路口')
  await page.getByTestId('spot-lat').fill(String(AT.lat))
  await page.getByTestId('spot-lng').fill(String(AT.lng))
  await page.getByRole('button', { name: '新增点位' }).click()
  await page.getByTestId('spots').getByText('大学西路口').waitFor()
  await shot(page, 'volunteers-team')
  const citizen = (await http('/auth/dev', { body: { openid: 'e2e-moment' } })).token
  const form = new FormData()
  form.append('file', new Blob([readFileSync(afterPhoto)], { type: 'image/png' }), basename(afterPhoto))
  const media = await http('/media', { token: citizen, form })
  const words = `浏览器测试：志愿者帮老人过马路 ${Date.now()}`
  const moment = await http('/moments', {
    token: citizen,
    body: { text: words, location: { ...AT, coordSystem: 'wgs84' }, mediaIds: [media.id] },
  })
  await page.getByTestId('tab-moments').click()
  const card = page.locator(`[data-moment="${moment.id}"]`)
  await card.waitFor()
  await card.locator('img').waitFor()
  await shot(page, 'volunteers-moments')
  await card.getByTestId('approve-publish').click()
  await card.waitFor({ state: 'detached' })
  const board = await http('/moments')
  assert.ok(board.items.some((m) => m.id === moment.id && m.text === words), 'the approved moment is on the board')
  await page.getByTestId('tab-coverage').click()
  const spotRow = page.getByTestId('coverage').getByRole('row').filter({ hasText: '大学西路口' })
  await spotRow.filter({ hasText: '未巡访' }).waitFor()
  await shot(page, 'volunteers-coverage')
  await page.goto(`${base}/console/#/map?mode=patrols&lat=${AT.lat}&lng=${AT.lng}&z=16`)
  await page.getByTestId('patrol-coverage').filter({ hasText: '未巡访' }).waitFor()
  await page.locator('.leaflet-overlay-pane path[stroke="#dc2626"]').first().waitFor()
  await shot(page, 'map-patrol-coverage')

  // 11. 照片发布审核: the closed case's two photos and the moment's wait
  // for review; the dispatcher boxes a region on the first and publishes
  // each.
  await page.goto(`${base}/console/#/review`)
  const queue = page.getByTestId('photo-queue')
  const ofCase = queue.locator(`[data-case-no="${report.caseNo}"]`)
  await ofCase.first().waitFor()
  assert.equal(await ofCase.count(), 2, 'the case has a photo before and one after')
  await ofCase.first().click()
  const frame = page.getByTestId('photo-frame')
  await frame.locator('img').waitFor()
  await page.waitForFunction(() => document.querySelector('[data-testid=photo-frame] img')?.naturalWidth > 0)
  await frame.scrollIntoViewIfNeeded()
  const box = await frame.boundingBox()
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.2)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.6, { steps: 5 })
  await page.mouse.up()
  assert.equal(await page.getByTestId('region').count(), 1)
  await shot(page, 'photo-review-box')
  await page.getByTestId('publish-photo').click()
  await ofCase.nth(1).waitFor({ state: 'detached' })
  await ofCase.first().click()
  await page.getByTestId('publish-photo').click()
  await ofCase.first().waitFor({ state: 'detached' })
  await queue.locator(`[data-photo="${media.id}"]`).click()
  await page.getByTestId('publish-photo').click()
  await page.locator(`[data-published="${media.id}"] img`).waitFor()
  await shot(page, 'photo-review-published')

  // 12. The public board on a phone, no sign-in: the case with its photos
  // before and after, the districts' month, the moment.
  await page.evaluate(() => localStorage.clear())
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto(`${base}/board/`)
  const caseCard = page.locator(`[data-case-no="${report.caseNo}"]`)
  await caseCard.waitFor()
  await caseCard.locator('img').nth(1).waitFor()
  await page.waitForFunction(
    (no) => [...document.querySelectorAll(`[data-case-no="${no}"] img`)].every((i) => i.naturalWidth > 0),
    report.caseNo,
  )
  const srcs = await caseCard.locator('img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src')))
  assert.ok(srcs.every((s) => s.includes('/api/v1/public/photos/')), `published derivatives: ${srcs}`)
  await shot(page, 'board-cases')
  await page.getByTestId('board-tab-districts').click()
  const saihan = page.getByRole('table', { name: '各区排名' }).getByRole('row').filter({ hasText: '赛罕区' })
  await saihan.waitFor()
  // The only district with a case closed this month ranks first; the rest are not ranked.
  assert.equal((await saihan.locator('td.rank').textContent()).trim(), '1')
  assert.deepEqual(
    await page.locator('tr[data-district]:not([data-district="150105"]) td.rank').allTextContents(),
    ['—', '—', '—'],
  )
  await page.getByTestId('board-formulas').getByText('按期结案率').waitFor()
  await page.getByTestId('board-rank-by').selectOption('satisfactionRate')
  await page.getByRole('columnheader', { name: '满意率' }).waitFor()
  await shot(page, 'board-districts')
  await page.getByTestId('board-tab-moments').click()
  const momentCard = page.locator(`[data-moment="${moment.id}"]`)
  await momentCard.locator('img').waitFor()
  await shot(page, 'board-moments')
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  assert.ok(sideways <= 0, `the board scrolls sideways by ${sideways}px on a phone`)

  // 13. 创建日历: the admin imports a sheet of indicators (a bad one is
  // refused row by row first); the unit hands in its task due today with
  // a note; the supervisor accepts it; the completion rates count it.
  await page.setViewportSize({ width: 1366, height: 768 })
  await login(page, ADMIN, '系统管理员')
  const adminToken = await page.evaluate(() => localStorage.getItem('ssp.token'))
  // Today by the server's clock, which a test may set apart from the browser's.
  const { today: day } = await http('/calendar/tasks', { token: adminToken })
  const header = '指标编码,指标名称,上级编码,完成标准,责任单位,关键节点,节点说明,提前工作日\n'
  const sheet = (rows) => ({ name: '测评指标.csv', mimeType: 'text/csv', buffer: Buffer.from(header + rows.join('\n') + '\n') })
  await page.goto(`${base}/console/#/calendar?tab=items`)
  await page.getByTestId('sheet-input').setInputFiles(
    sheet(['E9,迎检准备,,,,,,', `E9.1,背街小巷整治,E9,无暴露垃圾,sh-cgj、no-such-unit,${day},背街小巷自查,0`]),
  )
  await page.getByTestId('sheet-errors').getByRole('row').filter({ hasText: 'no-such-unit' }).waitFor()
  assert.equal(await page.locator('[data-item="E9.1"]').count(), 0, 'nothing of a refused sheet is imported')
  await shot(page, 'calendar-sheet-refused')
  await page.getByTestId('sheet-input').setInputFiles(
    sheet(['E9,迎检准备,,,,,,', `E9.1,背街小巷整治,E9,无暴露垃圾,sh-cgj,${day},背街小巷自查,0`]),
  )
  await page.locator('[data-item="E9.1"]').waitFor()
  await shot(page, 'calendar-items')
  const month = day.slice(0, 7)
  await page.goto(`${base}/console/#/calendar?month=${month}`)
  const chip = page.locator(`td[data-day="${day}"] .chip`).filter({ hasText: '背街小巷自查' })
  await chip.waitFor()
  const taskId = await chip.getAttribute('data-task')
  await shot(page, 'calendar-month')
  await logout(page)
  await login(page, UNIT, '')
  await page.goto(`${base}/console/#/calendar?month=${month}`)
  await page.locator(`[data-task="${taskId}"]`).click()
  await page.getByTestId('task-note').fill('已完成背街小巷自查，整改 3 处（浏览器测试）')
  await page.getByTestId('task-submit').click()
  await page.getByTestId('task-state').filter({ hasText: '待验收' }).waitFor()
  await shot(page, 'calendar-submitted')
  await logout(page)
  await login(page, SUPERVISOR, '督办员')
  await page.goto(`${base}/console/#/calendar?month=${month}`)
  await page.locator(`[data-task="${taskId}"][data-state="submitted"]`).click()
  await page.getByTestId('task-accept').click()
  await page.getByTestId('task-state').filter({ hasText: '已验收' }).waitFor()
  await page.locator(`[data-task="${taskId}"][data-state="accepted"]`).waitFor()
  await page.getByTestId('tab-completion').click()
  const unitRow = page.getByTestId('completion-units').locator('tr[data-unit="sh-cgj"]')
  await unitRow.waitFor()
  assert.equal((await unitRow.locator('td.rate').textContent()).trim(), '100.0%')
  await shot(page, 'calendar-completion')

  assert.deepEqual(pageErrors, [], 'the page threw')
  console.log(`console e2e: ${report.caseNo} went through the loop; ${step} screenshots in ${shots}`)
} catch (e) {
  await page.screenshot({ path: join(shots, 'failure.png') }).catch(() => {})
  console.error('failed at', page.url())
  throw e
} finally {
  await browser.close()
}
