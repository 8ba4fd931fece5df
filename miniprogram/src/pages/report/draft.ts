/**
 * The 随手拍 form's draft in storage: everything typed, the photos with
 * their upload ids, and the Idempotency-Key once a submission was tried,
 * kept until the server has filed the report.
 */

const DRAFT = 'ssp.draft';
/** An upload this close to its expiry is sent again rather than used. */
const EXPIRY_MARGIN = 10 * 60_000;

export type PhotoStatus = 'compressing' | 'uploading' | 'done' | 'failed';

export interface PhotoItem {
  /** Stable while others are added or removed. */
  uid: string;
  path: string;
  status: PhotoStatus;
  progress: number;
  mediaId?: string;
  /** When the server forgets an upload not yet in a report. */
  expiresAt?: string;
  error?: string;
}

export interface Draft {
  key?: string;
  photos: { uid: string; path: string; mediaId?: string; expiresAt?: string }[];
  groupCode?: string;
  subCode?: string;
  description: string;
  lat?: number;
  lng?: number;
  address?: string;
}

let seq = 0;
/** An id for a photo of this form. */
export const uid = (): string => `p${Date.now().toString(36)}${(++seq).toString(36)}`;

/** Whether an uploaded photo can still go into a report. */
export function usable(p: { mediaId?: string; expiresAt?: string }): boolean {
  return !!p.mediaId && (!p.expiresAt || Date.parse(p.expiresAt) - EXPIRY_MARGIN > Date.now());
}

/** A stored photo as the form shows it: ready, or to be sent again. */
export function restorePhoto(p: Draft['photos'][number]): PhotoItem {
  return usable(p)
    ? { uid: p.uid || uid(), path: p.path, mediaId: p.mediaId, expiresAt: p.expiresAt, status: 'done', progress: 100, error: '' }
    : { uid: p.uid || uid(), path: p.path, status: 'failed', progress: 0, error: '未上传，点重试' };
}

export function loadDraft(): Draft | undefined {
  const d = wx.getStorageSync(DRAFT) as Draft | '';
  return d || undefined;
}

export function saveDraft(d: Draft): void {
  wx.setStorageSync(DRAFT, d);
}

export function dropDraft(): void {
  wx.removeStorageSync(DRAFT);
}
