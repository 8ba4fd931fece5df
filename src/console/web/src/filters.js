// The filters every view shares, kept as strings (so they live in the URL)
// and turned into the API's query parameters.
export const FILTER_KEYS = ['status', 'category', 'unit', 'area', 'overdue', 'warned', 'escalated', 'from', 'to']

export function pickFilters(query) {
  return Object.fromEntries(FILTER_KEYS.map((k) => [k, query[k] || '']))
}

function nextDay(d) {
  const t = new Date(d + 'T00:00:00+08:00')
  t.setUTCDate(t.getUTCDate() + 1)
  return new Date(t.getTime() + 8 * 3600e3).toISOString().slice(0, 10)
}

/** The API parameters of a filter (dates are China days, `to` inclusive). */
export function toApi(f) {
  return {
    status: f.status ? f.status.split(',') : undefined,
    category: f.category,
    unit: f.unit,
    area: f.area,
    overdue: f.overdue,
    warned: f.warned,
    escalated: f.escalated,
    createdFrom: f.from ? f.from + 'T00:00:00+08:00' : undefined,
    createdTo: f.to ? nextDay(f.to) + 'T00:00:00+08:00' : undefined,
  }
}

/** Non-empty entries only, for the URL. */
export function compact(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== '' && v != null))
}
