'use strict';
/**
 * The real server the pages talk to: a node `cargo test` started for this
 * run (`tests/outside/miniprogram.rs` passes BASE_URL), or, to run `npm test` by
 * hand, `SSP_BASE_URL` of a node started with `cargo run` (dev login on).
 * These helpers arrange and check state over the same HTTP API.
 */
const fs = require('fs');
const path = require('path');

const BASE = (process.env.BASE_URL || process.env.SSP_BASE_URL || '').replace(/\/+$/, '');
if (!BASE) throw new Error('BASE_URL is not set: run these tests through `cargo test --test outside miniprogram`');

const FIXTURES = path.resolve(__dirname, '../../../tests/fixtures');
const PHOTO = process.env.PHOTO || path.join(FIXTURES, 'street-4mp.jpg');
const SECOND_PHOTO = process.env.AFTER_PHOTO || path.join(FIXTURES, 'cups-1280.png');

async function call(method, p, token, body) {
  const r = await fetch(`${BASE}${p}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  let data;
  try { data = JSON.parse(text); } catch { data = text; }
  if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${text}`);
  return data;
}

const api = {
  base: BASE,
  call,
  /** A citizen token by the embedded default's dev login. */
  citizen: async (openid) => (await call('POST', '/api/v1/auth/dev', null, { openid })).token,
  staff: async (username, password) => (await call('POST', '/api/v1/auth/password', null, { username, password })).token,
  async photo(token, file = PHOTO) {
    const form = new FormData();
    form.append('file', await fs.openAsBlob(file), path.basename(file));
    const r = await fetch(`${BASE}/api/v1/media`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    if (!r.ok) throw new Error(`upload: ${r.status} ${await r.text()}`);
    return (await r.json()).id;
  },
  /** The photos waiting for review (GET /admin/photo-reviews, every page) that `match` picks. */
  async pendingPhotos(token, match) {
    const found = [];
    let cursor = '';
    do {
      const page = await call('GET', `/api/v1/admin/photo-reviews?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, token);
      found.push(...page.items.filter(match));
      cursor = page.nextCursor || '';
    } while (cursor);
    return found;
  },
  /** A reviewer's decision on a photo: `{ publish, regions }`. */
  review: (token, photoId, body) => call('POST', `/api/v1/admin/photos/${photoId}/review`, token, body),
  async report(token, categoryCode, place, file) {
    const mediaIds = [await this.photo(token, file)];
    return call('POST', '/api/v1/reports', token, {
      categoryCode,
      description: '路边电线杆上贴满小广告',
      location: { lat: place.latitude, lng: place.longitude, coordSystem: 'gcj02' },
      mediaIds,
    });
  },
};

module.exports = { api, PHOTO, SECOND_PHOTO };
