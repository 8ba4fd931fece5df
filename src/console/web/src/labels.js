// @ts-check
// Chinese labels and colours shared by the views. The words of the API's
// enums come from the spec (labels.gen.js, generated from the `x-labels`
// the Rust code writes once beside each enum); the tables here are typed
// by the spec's enums (src/api-schema.d.ts): a value the API gains or
// loses fails `npm run typecheck` until it is labelled.
import * as spec from './labels.gen.js'

/** @typedef {import('./api-schema').components['schemas']} Schemas */

export const STATUS = spec.CaseStatus
export const ROLE = spec.Role
export const ACTION = spec.CaseAction
export const LIMIT_UNIT = spec.LimitUnit
export const FEED = spec.FeedKind

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

/** Timeline actions, as the spec's EventAction labels them. */
export const EVENT = spec.EventAction

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
export const CHECK_SUBJECT = spec.CheckSubject
export const CHECK_STATUS = spec.CheckStatus

// The command centre's area levels and indicator groupings.
export const LEVEL = spec.AreaLevel
export const GROUP = spec.GroupBy

// Volunteers (志愿服务).
export const PATROL_END = spec.PatrolEnd
export const TEAM_ROLE = spec.TeamRole
export const MOMENT_STATUS = spec.MomentStatus

// 创建日历.
export const TASK_STATUS = spec.TaskStatus
export const CHANNEL = spec.Channel
