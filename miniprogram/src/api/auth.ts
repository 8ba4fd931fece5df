/**
 * Sessions. A citizen logs in with `wx.login` → `POST /auth/wechat`, again
 * whenever the token is missing, near its end or refused, without a word to
 * the person. A unit's field worker logs in with a password (or, once their
 * WeChat is bound, with one tap), and the session goes on with the refresh
 * token; when it cannot, `NeedStaffLogin` sends them to the login page.
 */
import { ApiError, As, answer, setTokenSource, url } from './client';
import type { TokenResponse } from './types';

const CITIZEN = 'ssp.citizen';
const STAFF = 'ssp.staff';
/** Renew this long before the end (ms). */
const MARGIN = 60_000;

interface Stored {
  token: string;
  expiresAt: string;
  refreshToken?: string;
  refreshExpiresAt?: string;
  user: TokenResponse['user'];
}

function load(key: string): Stored | undefined {
  const v = wx.getStorageSync(key) as Stored | '';
  return v ? v : undefined;
}

function fresh(s: Stored): boolean {
  return Date.parse(s.expiresAt) - MARGIN > Date.now();
}

function post(path: string, data: unknown): Promise<TokenResponse> {
  return new Promise((resolve, reject) => {
    wx.request({
      url: url(path),
      method: 'POST',
      data: data as WechatMiniprogram.IAnyObject,
      header: { 'content-type': 'application/json' },
      timeout: 20000,
      success: (r) => {
        try {
          resolve(answer<TokenResponse>({ status: r.statusCode, data: r.data, header: r.header as Record<string, string> }));
        } catch (e) {
          reject(e);
        }
      },
      fail: () => reject(new ApiError('network', 0, '网络不给力，请检查网络后重试')),
    });
  });
}

/** A `wx.login` code. */
export function wxCode(): Promise<string> {
  return new Promise((resolve, reject) =>
    wx.login({
      success: (r) => (r.code ? resolve(r.code) : reject(new ApiError('wechat_login', 0, '微信登录失败，请重试'))),
      fail: () => reject(new ApiError('wechat_login', 0, '微信登录失败，请检查网络后重试')),
    }),
  );
}

function keep(key: string, t: TokenResponse): Stored {
  const s: Stored = {
    token: t.token,
    expiresAt: t.expiresAt,
    refreshToken: t.refreshToken,
    refreshExpiresAt: t.refreshExpiresAt,
    user: t.user,
  };
  wx.setStorageSync(key, s);
  return s;
}

let citizenLogin: Promise<Stored> | undefined;

/** The citizen's token, logging in (once, however many calls wait) if needed. */
async function citizenToken(): Promise<string> {
  const s = load(CITIZEN);
  if (s && fresh(s)) return s.token;
  if (!citizenLogin) {
    citizenLogin = (async () => keep(CITIZEN, await post('/api/v1/auth/wechat', { code: await wxCode() })))();
    citizenLogin.then(
      () => (citizenLogin = undefined),
      () => (citizenLogin = undefined),
    );
  }
  return (await citizenLogin).token;
}

/** The field worker's session has ended: log in again. */
export class NeedStaffLogin extends ApiError {
  constructor() {
    super('staff_login', 401, '请先登录单位账号');
  }
}

let staffRefresh: Promise<Stored> | undefined;

async function staffToken(): Promise<string> {
  const s = load(STAFF);
  if (!s) throw new NeedStaffLogin();
  if (fresh(s)) return s.token;
  const canRefresh = s.refreshToken && s.refreshExpiresAt && Date.parse(s.refreshExpiresAt) > Date.now();
  if (!canRefresh) {
    wx.removeStorageSync(STAFF);
    throw new NeedStaffLogin();
  }
  if (!staffRefresh) {
    staffRefresh = (async () => {
      try {
        return keep(STAFF, await post('/api/v1/auth/refresh', { refreshToken: s.refreshToken }));
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) {
          wx.removeStorageSync(STAFF);
          throw new NeedStaffLogin();
        }
        throw e;
      }
    })();
    staffRefresh.then(
      () => (staffRefresh = undefined),
      () => (staffRefresh = undefined),
    );
  }
  return (await staffRefresh).token;
}

setTokenSource({
  token: (as: As) => (as === 'staff' ? staffToken() : citizenToken()),
  refused(as: As, token?: string) {
    const key = as === 'staff' ? STAFF : CITIZEN;
    const s = load(key);
    // Renewed meanwhile by another call: try again with the new one.
    if (s && token && s.token !== token) return true;
    if (as === 'citizen') {
      wx.removeStorageSync(CITIZEN);
      return true;
    }
    // A refused staff token: the refresh token may still continue the session.
    if (s) wx.setStorageSync(STAFF, { ...s, expiresAt: new Date(0).toISOString() });
    return !!s;
  },
});

/** Logs a field worker in with the unit account's password. */
export async function staffPasswordLogin(username: string, password: string): Promise<Stored> {
  return keep(STAFF, await post('/api/v1/auth/password', { username, password }));
}

/** One tap: the WeChat bound to a unit account logs it in. */
export async function staffWechatLogin(): Promise<Stored> {
  return keep(STAFF, await post('/api/v1/auth/wechat/staff', { code: await wxCode() }));
}

export function staffSession(): Stored | undefined {
  return load(STAFF);
}

/**
 * 退出: the session ends on the server (its tokens are refused from then
 * on, on a lost phone too) and is forgotten here at once, whether or not
 * the server could be reached.
 */
export function staffLogout(): void {
  const s = load(STAFF);
  wx.removeStorageSync(STAFF);
  if (!s) return;
  // The refresh token names the session even after the token's hour.
  wx.request({
    url: url('/api/v1/auth/logout'),
    method: 'POST',
    header: { authorization: `Bearer ${s.token}` },
    data: { refreshToken: s.refreshToken },
    timeout: 10000,
  });
}

/** Makes sure the citizen is logged in (at start, before anything else). */
export async function ensureCitizen(): Promise<void> {
  await citizenToken();
}
