// The API client: the bearer token, JSON in and out, and the API's error
// body ({code, message}) turned into an ApiError the views show as it is.
import { reactive } from 'vue'

// Staff tokens live an hour; the refresh token continues the session until
// its end (12 hours after the password was given), then the password again.
export const session = reactive({
  token: localStorage.getItem('ssp.token'),
  expiresAt: Number(localStorage.getItem('ssp.expiresAt') || 0),
  refreshToken: localStorage.getItem('ssp.refresh'),
  me: JSON.parse(localStorage.getItem('ssp.me') || 'null'),
})

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `请求失败（HTTP ${status}）`)
    this.status = status
    this.code = body?.code || 'http_' + status
  }
}

/** Builds `/api/v1{path}?query`: arrays repeat, empty values are left out. */
export function apiUrl(path, query = {}) {
  const u = new URL('/api/v1' + path, location.origin)
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    if (Array.isArray(v)) v.forEach((x) => u.searchParams.append(k, x))
    else u.searchParams.set(k, v)
  }
  return u
}

let refreshing = null
/**
 * A token good for at least another minute: refreshed when close to its
 * expiry (one refresh at a time for every caller). `force` refreshes now.
 * Resolves to false when the session has ended (then logged out).
 */
export function freshToken(force = false) {
  if (!session.token) return Promise.resolve(false)
  if (!force && session.expiresAt - Date.now() > 60_000) return Promise.resolve(true)
  if (!session.refreshToken) return Promise.resolve(!force)
  refreshing ??= fetch(apiUrl('/auth/refresh'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ refreshToken: session.refreshToken }),
  })
    .then(async (res) => {
      if (res.ok) {
        keep(await res.json())
        return true
      }
      if (res.status === 401) logout()
      return false
    })
    .catch(() => !force) // offline: keep the token and let the call say so
    .finally(() => (refreshing = null))
  return refreshing
}

export async function api(path, { method = 'GET', body, query, raw = false, retried = false } = {}) {
  await freshToken()
  const headers = {}
  if (session.token) headers.Authorization = 'Bearer ' + session.token
  let payload = body
  if (body !== undefined && !(body instanceof FormData)) {
    headers['Content-Type'] = 'application/json'
    payload = JSON.stringify(body)
  }
  let res
  try {
    res = await fetch(apiUrl(path, query), { method, headers, body: payload })
  } catch {
    throw new ApiError(0, { code: 'network', message: '网络连接失败，请检查网络后重试' })
  }
  if (!res.ok) {
    let b = null
    try {
      b = await res.json()
    } catch {
      /* not JSON */
    }
    if (res.status === 401 && session.token) {
      // Revoked or expired early: one refresh, then the request once more.
      if (!retried && b?.code !== 'account_disabled' && (await freshToken(true)))
        return api(path, { method, body, query, raw, retried: true })
      logout()
    }
    throw new ApiError(res.status, b)
  }
  if (raw) return res
  return res.status === 204 ? null : res.json()
}

export async function login(username, password) {
  const t = await api('/auth/password', { method: 'POST', body: { username, password } })
  if (t.user.role === 'citizen') throw new ApiError(403, { message: '市民账号请使用小程序' })
  keep(t)
}

/** Keeps a login's or a refresh's answer (the session survives a reload). */
function keep(t) {
  session.token = t.token
  session.expiresAt = Date.parse(t.expiresAt)
  session.refreshToken = t.refreshToken || null
  session.me = t.user
  localStorage.setItem('ssp.token', t.token)
  localStorage.setItem('ssp.expiresAt', String(session.expiresAt))
  localStorage.setItem('ssp.refresh', session.refreshToken || '')
  localStorage.setItem('ssp.me', JSON.stringify(t.user))
}

export function logout() {
  session.token = null
  session.expiresAt = 0
  session.refreshToken = null
  session.me = null
  for (const k of ['ssp.token', 'ssp.expiresAt', 'ssp.refresh', 'ssp.me']) localStorage.removeItem(k)
}

/** Uploads one photo (multipart `file`) and returns its media id. */
export async function upload(file) {
  const fd = new FormData()
  fd.append('file', file, file.name)
  return (await api('/media', { method: 'POST', body: fd })).id
}

/** Downloads an export with the token and saves it under `name`. */
export async function download(path, query, name) {
  const res = await api(path, { query, raw: true })
  const blob = await res.blob()
  const a = document.createElement('a')
  a.href = URL.createObjectURL(blob)
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(a.href), 10000)
}

let settingsPromise
/** The console's settings (basemap), read once. */
export function settings() {
  settingsPromise ??= fetch('/console/settings.json')
    .then((r) => {
      if (!r.ok) throw new ApiError(r.status, { message: '读取地图设置失败' })
      return r.json()
    })
    .catch((e) => {
      settingsPromise = null
      throw e
    })
  return settingsPromise
}

/** Escapes text for HTML built as a string (Leaflet icons and tooltips). */
export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

const cache = new Map()
/** A reference list read once per login (categories, units, areas). */
export function cached(key, load) {
  if (!cache.has(key)) cache.set(key, load().catch((e) => { cache.delete(key); throw e }))
  return cache.get(key)
}
export const categories = () => cached('categories', () => api('/categories'))
export const units = () => cached('units', () => api('/units'))
export const areaList = () =>
  cached('areas', async () => {
    const out = []
    for (const level of ['district', 'street']) {
      const fc = await api('/map/areas', { query: { level, zoom: 8 } })
      for (const f of fc.features) out.push({ code: f.properties.code, name: f.properties.name, level })
    }
    return out
  })
export function clearCache() {
  cache.clear()
}
