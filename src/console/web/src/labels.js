// @ts-check
// Chinese labels and colours shared by the views. Each table is typed by
// the spec's enum (src/api-schema.d.ts, generated from api-docs/openapi.json):
// a value the API gains or loses fails `npm run typecheck` until labelled.

/** @typedef {import('./api-schema').components['schemas']} Schemas */

/** @type {Record<Schemas['CaseStatus'], string>} */
export const STATUS = {
  submitted: '待受理',
  rejected: '不予受理',
  duplicate: '重复',
  accepted: '已立案',
  dispatched: '已派遣',
  returned: '已回退',
  in_progress: '处置中',
  resolved: '已处置',
  closed: '已结案',
  reopened: '返工',
  suspended: '挂账',
}

// Dark enough for white text (contrast ≥ 4.5:1).
/** @type {Record<Schemas['CaseStatus'], string>} */
export const STATUS_COLOR = {
  submitted: '#6d28d9',
  rejected: '#4b5563',
  duplicate: '#57534e',
  accepted: '#1d4ed8',
  dispatched: '#0e7490',
  returned: '#b45309',
  in_progress: '#0f766e',
  resolved: '#15803d',
  closed: '#374151',
  reopened: '#be185d',
  suspended: '#92400e',
}

/** @type {Record<Schemas['Role'], string>} */
export const ROLE = {
  integrator: '对接系统',
  admin: '管理员',
  dispatcher: '派遣员',
  supervisor: '督办员',
  unit_member: '责任单位',
  citizen: '市民',
}

/** @type {Record<Schemas['CaseAction'], string>} */
export const ACTION = {
  accept: '受理立案',
  reject: '不予受理',
  mark_duplicate: '标记重复',
  dispatch: '派遣',
  claim: '接单',
  return: '回退',
  resolve: '处置反馈',
  close: '核查结案',
  reopen: '返工',
  suspend: '挂账',
  resume: '恢复',
  escalate: '督办',
  request_extension: '申请延期',
  decide_extension: '审批延期',
}

/** Timeline action names as stored. */
export const EVENT = {
  ...ACTION,
  submit: '上报',
  auto_dispatch: '自动派遣',
  warning: '预警',
  overdue: '超期',
  accept_overdue: '接单超时',
  rate: '评价',
  extension_requested: '申请延期',
  request_extension: '申请延期',
  extension_approved: '同意延期',
  extension_refused: '驳回延期',
  verify: '核查',
}

/** @type {Record<Schemas['LimitUnit'], string>} */
export const LIMIT_UNIT = { work_hours: '工作时', work_days: '工作日', natural_hours: '自然小时' }

/** @type {Record<Schemas['FeedKind'], string>} */
export const FEED = {
  new_case: '新上报',
  status_changed: '状态变更',
  warning: '预警',
  overdue: '超期',
  accept_overdue: '接单超时',
  escalation: '督办',
  updated: '更新',
  reset: '已重新同步',
}

const fmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
})
/** A time in China time, to the minute. */
export function time(t) {
  return t ? fmt.format(new Date(t)).replace(/\//g, '-') : '—'
}

/** Minutes as 「3小时20分」. */
export function duration(min) {
  const m = Math.abs(min)
  const h = Math.floor(m / 60)
  return (h ? `${h}小时` : '') + `${m % 60}分`
}

/** A rate as a percentage, or — with no denominator. */
export function pct(r) {
  return r && r.value != null ? (r.value * 100).toFixed(1) + '%' : '—'
}

/** Today and the first of this month in China time, as YYYY-MM-DD. */
export function chinaDate(d = new Date()) {
  return new Date(d.getTime() + 8 * 3600e3).toISOString().slice(0, 10)
}

// Content security (内容安全).
/** @type {Record<Schemas['CheckSubject'], string>} */
export const CHECK_SUBJECT = { description: '问题描述', comment: '评价内容', photo: '照片' }
/** @type {Record<Schemas['CheckStatus'], string>} */
export const CHECK_STATUS = {
  pending: '待检测',
  pass: '正常',
  review: '疑似违规',
  risky: '违规',
  unchecked: '未能检测',
}
