// The API client: the bearer token, JSON in and out, and the API's error
// body ({code, message}) turned into an ApiError the views show as it is.
import { reactive } from 'vue'

export const session = reactive({
  token: localStorage.getItem('ssp.token'),
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

export async function api(path, { method = 'GET', body, query, raw = false } = {}) {
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
    if (res.status === 401 && session.token) logout()
    throw new ApiError(res.status, b)
  }
  if (raw) return res
  return res.status === 204 ? null : res.json()
}

export async function login(username, password) {
  const t = await api('/auth/password', { method: 'POST', body: { username, password } })
  if (t.user.role === 'citizen') throw new ApiError(403, { message: '市民账号请使用小程序' })
  session.token = t.token
  session.me = t.user
  localStorage.setItem('ssp.token', t.token)
  localStorage.setItem('ssp.me', JSON.stringify(t.user))
}

export function logout() {
  session.token = null
  session.me = null
  localStorage.removeItem('ssp.token')
  localStorage.removeItem('ssp.me')
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
