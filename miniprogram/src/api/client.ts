/**
 * Every call to the server: JSON in and out, the error body read into an
 * `ApiError` whose message a citizen can read, and a failed network said
 * in words. Tokens come from `auth.ts`; a 401 logs in again and retries
 * once, so an expired token never reaches the person holding the phone.
 */
import { config } from '../config';
import type { ErrorBody, ErrorCode } from './types';

/** Who a call is made as. */
export type As = 'citizen' | 'staff' | 'none';

/** The server's codes (from the spec), and the ones the phone makes itself. */
export type Code = ErrorCode | 'network' | 'bad_response' | 'wechat_login' | 'staff_login' | 'file';

export class ApiError extends Error {
  /** The server's `code` (snake_case), or `network` / `bad_response`. */
  readonly code: Code;
  /** HTTP status; 0 when no answer came. */
  readonly status: number;
  /** Worth trying again as it is (network, 429, 5xx). */
  readonly retryable: boolean;
  readonly details?: unknown;

  constructor(code: Code, status: number, message: string, details?: unknown) {
    super(message);
    this.code = code;
    this.status = status;
    this.details = details;
    this.retryable = status === 0 || status === 429 || status >= 500;
  }
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  data?: unknown;
  query?: Record<string, string | number | boolean | undefined | Array<string>>;
  header?: Record<string, string>;
  as?: As;
}

/** Supplies and renews tokens; set by `auth.ts` (kept apart to avoid a cycle). */
export interface TokenSource {
  token(as: As): Promise<string | undefined>;
  /** `token` was refused: forget it; true when a new one may help. */
  refused(as: As, token?: string): boolean;
}

let tokens: TokenSource = {
  token: async () => undefined,
  refused: () => false,
};

export function setTokenSource(t: TokenSource): void {
  tokens = t;
}

/** The token to send as `as` (none for `none`). */
export function currentToken(as: As): Promise<string | undefined> {
  return as === 'none' ? Promise.resolve(undefined) : tokens.token(as);
}

/** `token` was refused: true when a new one is worth a second try. */
export function renewToken(as: As, token?: string): boolean {
  return as !== 'none' && tokens.refused(as, token);
}

export function url(path: string, query?: CallOptions['query']): string {
  const q = Object.entries(query || {})
    .flatMap(([k, v]) =>
      v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(String(x))}`),
    )
    .join('&');
  return `${config().baseUrl}${path}${q ? `?${q}` : ''}`;
}

/** What a person reads when a call fails. */
export function words(status: number, body: Partial<ErrorBody> | undefined, retryAfter?: string): string {
  if (status === 0) return '网络不给力，请检查网络后重试';
  if (status === 429) return `操作太频繁，请${retryAfter ? `${retryAfter}秒后` : '稍后'}再试`;
  if (status >= 500) return '服务暂时不可用，请稍后重试';
  return (body && body.message) || `请求失败（${status}）`;
}

interface RawAnswer {
  status: number;
  data: unknown;
  header: Record<string, string>;
}

function send(path: string, o: CallOptions, token: string | undefined): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const header: Record<string, string> = { ...(o.header || {}) };
    if (token) header.Authorization = `Bearer ${token}`;
    if (o.data !== undefined) header['content-type'] = 'application/json';
    wx.request({
      url: url(path, o.query),
      method: o.method || 'GET',
      data: o.data as WechatMiniprogram.IAnyObject | undefined,
      header,
      timeout: 20000,
      success: (r) =>
        resolve({ status: r.statusCode, data: r.data, header: (r.header || {}) as Record<string, string> }),
      fail: () => resolve({ status: 0, data: undefined, header: {} }),
    });
  });
}

function headerOf(h: Record<string, string>, name: string): string | undefined {
  const k = Object.keys(h).find((x) => x.toLowerCase() === name);
  return k ? h[k] : undefined;
}

/** Reads an answer: the body on 2xx, an `ApiError` otherwise. */
export function answer<T>(r: RawAnswer): T {
  if (r.status >= 200 && r.status < 300) return r.data as T;
  const body = (typeof r.data === 'string' ? safeJson(r.data) : r.data) as Partial<ErrorBody> | undefined;
  throw new ApiError(
    r.status === 0 ? 'network' : (body && body.code) || 'bad_response',
    r.status,
    words(r.status, body, headerOf(r.header, 'retry-after')),
    body && body.details,
  );
}

export function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** One call; a refused token is renewed and the call made once more. */
export async function call<T>(path: string, o: CallOptions = {}): Promise<T> {
  const as = o.as || 'citizen';
  const token = await currentToken(as);
  let r = await send(path, o, token);
  if (r.status === 401 && renewToken(as, token)) {
    r = await send(path, o, await currentToken(as));
  }
  return answer<T>(r);
}
