/**
 * Photos: compressed on the phone, then one `wx.uploadFile` each (the
 * server's `POST /media`), with progress, and an error a person can read.
 */
import { ApiError, As, answer, currentToken, renewToken, safeJson, url } from './client';
import type { FileView, MediaView } from './types';

/** Longest edge sent; the server keeps at most 2560 px anyway. */
const EDGE = 1920;
/** Files above this are recompressed on the phone first (bytes). */
const COMPRESS_ABOVE = 400 * 1024;

/**
 * A 12 MP photo from the camera is 3–6 MB; recompressed to 1920 px at
 * quality 70 it is 300–600 KB, which is what a citizen's mobile data pays.
 */
export function compress(path: string, size: number | undefined, width?: number, height?: number): Promise<string> {
  const big = (size || 0) > COMPRESS_ABOVE || Math.max(width || 0, height || 0) > EDGE;
  if (!big) return Promise.resolve(path);
  const wide = (width || 0) >= (height || 0);
  return new Promise((resolve) =>
    wx.compressImage({
      src: path,
      quality: 70,
      ...(wide ? { compressedWidth: EDGE } : { compressedHeight: EDGE }),
      success: (r) => resolve(r.tempFilePath),
      // An old base library without compressImage: send it as it is.
      fail: () => resolve(path),
    } as WechatMiniprogram.CompressImageOption),
  );
}

function once(
  path: string,
  token: string | undefined,
  progress: (p: number) => void,
  to = '/api/v1/media',
  formData?: Record<string, string>,
): Promise<{ status: number; data: unknown }> {
  return new Promise((resolve) => {
    const task = wx.uploadFile({
      url: url(to),
      filePath: path,
      name: 'file',
      formData,
      header: token ? { Authorization: `Bearer ${token}` } : {},
      timeout: 60000,
      success: (r) => resolve({ status: r.statusCode, data: safeJson(r.data) }),
      fail: () => resolve({ status: 0, data: undefined }),
    });
    if (task && task.onProgressUpdate) task.onProgressUpdate((p) => progress(p.progress));
  });
}

/** Uploads one photo as `as`; a refused token is renewed once. */
export async function uploadPhoto(path: string, progress: (p: number) => void, as: As = 'citizen'): Promise<MediaView> {
  const token = await currentToken(as);
  let r = await once(path, token, progress);
  if (r.status === 401 && renewToken(as, token)) {
    r = await once(path, await currentToken(as), progress);
  }
  if (r.status === 0) throw new ApiError('network', 0, '网络不给力，照片没有传上去，请重试');
  return answer<MediaView>({ status: r.status, data: r.data, header: {} });
}

/**
 * Uploads one evidence file of a 创建日历 task (a unit's account), under
 * its own name (the phone's temporary path has another).
 */
export async function uploadEvidence(path: string, name: string, progress: (p: number) => void): Promise<FileView> {
  const send = async () => once(path, await currentToken('staff'), progress, '/api/v1/calendar/files', { name });
  const token = await currentToken('staff');
  let r = await send();
  if (r.status === 401 && renewToken('staff', token)) r = await send();
  if (r.status === 0) throw new ApiError('network', 0, '网络不给力，文件没有传上去，请重试');
  return answer<FileView>({ status: r.status, data: r.data, header: {} });
}
