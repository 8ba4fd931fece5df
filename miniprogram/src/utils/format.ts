/** Words and times as a citizen reads them (China time, whatever the phone's zone). */
import * as labels from '../api/labels';
import type { CaseStatus, EventAction, Subcategory } from '../api/types';

const CHINA = 8 * 3600_000;

function china(iso: string): Date {
  return new Date(Date.parse(iso) + CHINA);
}

const pad = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** `12月4日 17:29`, with the year when it is not this year. */
export function when(iso?: string | null): string {
  if (!iso) return '';
  const d = china(iso);
  const now = new Date(Date.now() + CHINA);
  const day = `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return d.getUTCFullYear() === now.getUTCFullYear() ? day : `${d.getUTCFullYear()}年${day}`;
}

/** A 小类's time limit in words: 「2个工作时内处理」. */
export function limitWords(s: Pick<Subcategory, 'timeLimit' | 'limitUnit'>): string {
  const unit = labels.LimitUnit[s.limitUnit];
  return `${s.timeLimit}${unit ? `个${unit}` : ''}内处理`;
}

/** A span of whole minutes: 「1天2小时」, 「3小时20分」, 「5分钟」. */
function span(m: number): string {
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const mm = m % 60;
  return d > 0 ? `${d}天${h}小时` : h > 0 ? `${h}小时${mm}分` : `${mm}分钟`;
}

/** Time left to a deadline: 「还剩 3小时20分」 or 「已超期 1天2小时」. */
export function left(dueIso?: string | null, nowMs = Date.now()): string {
  if (!dueIso) return '';
  const ms = Date.parse(dueIso) - nowMs;
  const s = span(Math.floor(Math.abs(ms) / 60000));
  return ms >= 0 ? `还剩 ${s}` : `已超期 ${s}`;
}

/** Hours a case took, as the board gives them: 「用时 1天2小时」. */
export function took(hours: number): string {
  // One decimal: 0 is under 0.05 hours.
  return hours > 0 ? `用时 ${span(Math.round(hours * 60))}` : '用时不到3分钟';
}

/** A rate 0–1 as a percentage, 「87.5%」; none: 「—」. */
export function percent(rate?: number | null): string {
  return rate === undefined || rate === null ? '—' : `${(rate * 100).toFixed(1)}%`;
}

/** A tag theme for a status. */
export function theme(s: CaseStatus): 'default' | 'primary' | 'warning' | 'success' | 'danger' {
  switch (s) {
    case 'closed':
    case 'resolved':
      return 'success';
    case 'rejected':
    case 'duplicate':
      return 'default';
    case 'reopened':
    case 'returned':
      return 'warning';
    default:
      return 'primary';
  }
}

/**
 * What each step of the timeline means, in a citizen's words: sentences
 * for the citizen's own report, not the labels (`labels.EventAction`, the
 * staff's word for each action), which are the fallback.
 */
const STEPS: Partial<Record<EventAction, string>> = {
  submit: '您的反映已提交，等待受理',
  accept: '已受理，正在安排负责单位',
  reject: '未予受理',
  mark_duplicate: '已有人反映过同一问题，已并入该案件一并处理',
  dispatch: '已派给负责单位处理',
  redispatch: '已重新派给负责单位处理',
  return: '负责单位申请改派，正在重新安排',
  claim: '负责单位已接单，正在处理',
  resolve: '负责单位已处理完毕，等待核查',
  close: '核查通过，已办结',
  reopen: '核查未通过，已要求重新处理',
  suspend: '需要较长时间整改，已列入挂账',
  resume: '恢复处理',
  escalate: '已督办',
  rate: '您已评价',
};

export function stepWords(action: EventAction, label: string): string {
  return STEPS[action] || label;
}

/** An RFC 4122 version-4 id, for Idempotency-Key. */
export function uuid4(): string {
  const hex = '0123456789abcdef';
  let s = '';
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) s += '-';
    else if (i === 14) s += '4';
    else if (i === 19) s += hex[(Math.random() * 4) | 8];
    else s += hex[(Math.random() * 16) | 0];
  }
  return s;
}
