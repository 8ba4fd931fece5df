// The command centre's live feed (GET /api/v1/events, Server-Sent Events).
// EventSource cannot send a bearer token, so the feed is read with fetch;
// the library resends Last-Event-ID when it reconnects, and the server
// replays from there. Delivery is at least once: ids already seen are
// dropped here.
import { fetchEventSource } from '@microsoft/fetch-event-source'
import { reactive } from 'vue'
import { freshToken, logout, session, settings } from './api.js'

export const feed = reactive({ connected: false, recent: [] })
const listeners = new Set()
const seen = new Set()
let controller = null
let lastId = null

/** Calls `fn(event)` for every new feed event; returns the unsubscriber. */
export function onFeed(fn) {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

/** Opens the feed, in the datum of the basemap (GCJ-02 over AMap tiles). */
export async function startFeed(resume = false) {
  if (!resume) stopFeed()
  else controller?.abort()
  const ctrl = new AbortController()
  controller = ctrl
  const s = await settings().catch(() => ({}))
  const cs = s.tile_url ? s.tile_coord_system : 'wgs84'
  await freshToken()
  if (ctrl.signal.aborted || !session.token) return
  const headers = { Authorization: 'Bearer ' + session.token }
  if (resume && lastId) headers['Last-Event-ID'] = lastId
  fetchEventSource('/api/v1/events?coordSystem=' + cs, {
    headers,
    signal: ctrl.signal,
    openWhenHidden: true,
    async onopen(res) {
      if (res.status === 401) {
        // The token ran out while the feed was away: refresh and resume
        // from the last event with the new token.
        if (await freshToken(true)) setTimeout(() => startFeed(true))
        else logout()
        throw new Refused()
      }
      if (res.status >= 400 && res.status < 500) throw new Refused()
      if (!res.ok) throw new Error('feed answered ' + res.status)
      feed.connected = true
    },
    onmessage(msg) {
      if (!msg.data || seen.has(msg.id)) return
      seen.add(msg.id)
      lastId = msg.id
      if (seen.size > 5000) seen.delete(seen.values().next().value)
      const e = JSON.parse(msg.data)
      // A reset (the replay could not give everything since the last id)
      // is no case's event: the listeners reload what they show.
      if (e.kind !== 'reset') {
        feed.recent.unshift(e)
        feed.recent.splice(30)
      }
      // A view that fails on an event must not break the feed for the others.
      for (const fn of [...listeners]) {
        try {
          fn(e)
        } catch (err) {
          console.error('feed listener failed', err)
        }
      }
    },
    onclose() {
      feed.connected = false
      throw new Error('feed closed') // reconnect
    },
    onerror(err) {
      feed.connected = false
      if (err instanceof Refused || !session.token || ctrl.signal.aborted) throw err
      console.warn('live feed interrupted; reconnecting', err?.message)
      return 3000 // retry after 3 s, resuming from the last id
    },
  }).catch(() => {
    feed.connected = false
  })
}

export function stopFeed() {
  controller?.abort()
  controller = null
  feed.connected = false
  feed.recent.splice(0)
  seen.clear()
  lastId = null
}

/** The server refused the feed (logged out, or not allowed): no retry. */
class Refused extends Error {}
