// Hash routes (#/map, #/cases, #/cases/<id>, #/inbox, #/stats), so the
// binary serves one page and a view can be bookmarked or shared.
import { reactive } from 'vue'

// `visit` counts navigations (not setQuery), so a view re-reads its URL.
export const route = reactive({ name: '', id: null, query: {}, visit: 0 })

function parse() {
  const [path, qs] = location.hash.replace(/^#/, '').split('?')
  const parts = path.split('/').filter(Boolean)
  route.name = parts[0] || ''
  route.id = parts[1] || null
  route.query = Object.fromEntries(new URLSearchParams(qs || ''))
  route.visit += 1
}

window.addEventListener('hashchange', parse)
parse()

export function go(path, query) {
  const qs = query ? '?' + new URLSearchParams(query) : ''
  location.hash = '#/' + path + qs
}

/** Replaces the query of the current route without a new history entry. */
export function setQuery(query) {
  const path = location.hash.replace(/^#/, '').split('?')[0]
  history.replaceState(null, '', '#' + path + '?' + new URLSearchParams(query))
  route.query = { ...query }
}
