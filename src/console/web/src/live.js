// The command centre's live feed (GET /api/v1/events, Server-Sent Events).
// EventSource cannot send a bearer token, so the feed is read with fetch;
// the library resends Last-Event-ID when it reconnects, and the server
// replays from there. Delivery is at least once: ids already seen are
// dropped here.
import { fetchEventSource } from '@microsoft/fetch-event-source'
import { reactive } from 'vue'
import { session } from './api.js'

export const feed = reactive({ connected: false, recent: [] })
const listeners = new Set()
const seen = new Set()
let controller = null

/** Calls `fn(event)` for every new feed event; returns the unsubscriber. */
export function onFeed(fn) {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

export function startFeed() {
  stopFeed()
  const ctrl = new AbortController()
  controller = ctrl
  fetchEventSource('/api/v1/events', {
    headers: { Authorization: 'Bearer ' + session.token },
    signal: ctrl.signal,
    openWhenHidden: true,
    async onopen(res) {
      if (!res.ok) throw new Error('feed refused: ' + res.status)
      feed.connected = true
    },
    onmessage(msg) {
      if (!msg.data || seen.has(msg.id)) return
      seen.add(msg.id)
      if (seen.size > 5000) seen.delete(seen.values().next().value)
      const e = JSON.parse(msg.data)
      feed.recent.unshift(e)
      feed.recent.splice(30)
      listeners.forEach((fn) => fn(e))
    },
    onclose() {
      feed.connected = false
      throw new Error('feed closed') // reconnect
    },
    onerror() {
      feed.connected = false
      if (!session.token || ctrl.signal.aborted) throw new Error('stopped')
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
}
