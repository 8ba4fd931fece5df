// @ts-check
// The board's reads: plain GETs of the public API, no token. The server
// sends ETag and Cache-Control; the browser's cache does the rest.

/** @typedef {import('../api-schema').components['schemas']} Schemas */

/**
 * GET /api/v1{path}?query as JSON; throws an Error whose message can be shown.
 * @param {string} path
 * @param {Record<string, string | number | undefined | null>} [query]
 */
export async function get(path, query = {}) {
  const u = new URL('/api/v1' + path, location.origin)
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v))
  }
  let r
  try {
    r = await fetch(u)
  } catch {
    throw new Error('网络不通，请稍后再试')
  }
  const body = await r.json().catch(() => null)
  if (!r.ok) throw new Error(body?.message || `加载失败（HTTP ${r.status}）`)
  return body
}

/** @param {string} ts an RFC 3339 time → 12月6日 14:05 (China time). */
export function when(ts) {
  const d = new Date(new Date(ts).getTime() + 8 * 3600e3)
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0')
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`
}

/** @param {number} h hours → "3.5 小时" or "2 天 4 小时". */
export function took(h) {
  if (h < 24) return `${h} 小时`
  const days = Math.floor(h / 24)
  const rest = Math.round(h - days * 24)
  return rest ? `${days} 天 ${rest} 小时` : `${days} 天`
}

/**
 * The ranked figure of a district, in words.
 * @param {Schemas['DistrictView']} d
 * @param {Schemas['RankByParam']} by
 */
export function figure(d, by) {
  const pct = (/** @type {number | null | undefined} */ v) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`)
  switch (by) {
    case 'closeRate':
      return pct(d.closeRate)
    case 'satisfactionRate':
      return pct(d.satisfactionRate)
    case 'casesPer10k':
      return d.casesPer10k === null || d.casesPer10k === undefined ? '—' : `${d.casesPer10k} 件/万人`
    default:
      return pct(d.onTimeCloseRate)
  }
}

export const RANK_BY = /** @type {const} */ ([
  ['onTimeCloseRate', '按期结案率'],
  ['closeRate', '结案率'],
  ['satisfactionRate', '满意率'],
  ['casesPer10k', '万人案件数'],
])
