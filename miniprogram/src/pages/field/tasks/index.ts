/**
 * 创建日历 for a unit's liaison: the unit's tasks of the assessment
 * indicators, what is overdue, returned or due soonest first; one opened
 * (from the list, or from a reminder's subscribe message with `?id=`) to
 * read what counts as done and hand it in with a note, photos from the
 * camera and files from a chat (PDF, Word, Excel …).
 */
import { api } from '../../../api/index';
import { NeedStaffLogin, staffSession } from '../../../api/auth';
import { ApiError } from '../../../api/client';
import { compress, uploadEvidence, uploadPhoto } from '../../../api/upload';
import type { TaskOut } from '../../../api/types';
import { uuid4 } from '../../../utils/format';
import { rowChanges } from '../../../utils/list';

interface Upload {
  /** The list's key: the same file can be picked twice, and a photo's path
   * changes when it is compressed. */
  uid: string;
  path: string;
  name: string;
  status: 'uploading' | 'done' | 'failed';
  progress: number;
  id?: string;
  error?: string;
}

interface Row extends TaskOut {
  open: boolean;
}

interface Data {
  unit: string;
  today: string;
  todo: Row[];
  done: Row[];
  t: TaskOut | null;
  canSubmit: boolean;
  note: string;
  photos: Upload[];
  files: Upload[];
  loading: boolean;
  busy: boolean;
  error: string;
}

const OPEN = ['pending', 'returned'];

/** `YYYY-MM-DD` `days` away from `day` (a calendar date, no time zone). */
function shift(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Today in China, by the phone's clock (the server's answer replaces it). */
function chinaToday(): string {
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}

Page({
  data: { unit: '', today: '', todo: [], done: [], t: null, canSubmit: false, note: '', photos: [], files: [], loading: false, busy: false, error: '' } as Data,

  onLoad(q: Record<string, string | undefined>) {
    if (q.id) this.openTask(q.id);
  },

  onShow() {
    const s = staffSession();
    if (!s) {
      wx.redirectTo({ url: '/pages/field/login/index' });
      return;
    }
    this.setData({ unit: s.user.displayName });
    if (!(this.data as Data).t) this.load();
  },

  onPullDownRefresh() {
    this.load().then(() => wx.stopPullDownRefresh());
  },

  /** The last two months' tasks and the coming month's. */
  async load() {
    this.setData({ loading: true, error: '' });
    try {
      const today = (this.data as Data).today || chinaToday();
      const list = await api.tasks(shift(today, -62), shift(today, 31));
      const rows = list.items.map((t) => ({ ...t, open: OPEN.includes(t.status) }));
      // Overdue, then returned, then by date; what is done, newest first.
      const rank = (t: Row) => (t.overdue ? 0 : t.status === 'returned' ? 1 : 2);
      const todo = rows.filter((t) => t.open).sort((a, b) => rank(a) - rank(b) || a.dueOn.localeCompare(b.dueOn));
      const done = rows.filter((t) => !t.open).sort((a, b) => b.dueOn.localeCompare(a.dueOn));
      this.setData({ today: list.today, todo, done, loading: false });
    } catch (e) {
      this.fail(e);
    }
  },

  fail(e: unknown) {
    if (e instanceof NeedStaffLogin) {
      wx.redirectTo({ url: '/pages/field/login/index' });
      return;
    }
    this.setData({ loading: false, busy: false, error: (e as ApiError).message });
  },

  open(e: WechatMiniprogram.BaseEvent) {
    this.openTask(String(e.currentTarget.dataset.id));
  },

  async openTask(id: string) {
    this.setData({ error: '', note: '', photos: [], files: [] });
    try {
      this.show(await api.task(id));
    } catch (e) {
      this.fail(e);
    }
  },

  show(t: TaskOut) {
    this.setData({ t, canSubmit: OPEN.includes(t.status) });
  },

  back() {
    this.setData({ t: null, error: '' });
    this.load();
  },

  onNote(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    this.setData({ note: e.detail.value || '' });
  },

  preview(e: WechatMiniprogram.BaseEvent) {
    const t = (this.data as Data).t;
    if (t) wx.previewImage({ urls: t.photos.map((p) => p.url), current: String(e.currentTarget.dataset.url) });
  },

  /** Photos from the camera (the album when the camera is refused). */
  shoot() {
    const room = 9 - (this.data as Data).photos.length;
    const pick = (sourceType: ('camera' | 'album')[]) =>
      wx.chooseMedia({
        count: room,
        mediaType: ['image'],
        sourceType,
        sizeType: ['compressed'],
        success: (r) => r.tempFiles.forEach((f) => this.addPhoto(f.tempFilePath, f.size)),
        fail: (err) => {
          if (!/cancel/.test(err.errMsg || '') && sourceType[0] === 'camera') pick(['album']);
        },
      });
    if (room > 0) pick(['camera']);
  },

  async addPhoto(original: string, size: number) {
    const uid = uuid4();
    const i = (this.data as Data).photos.length;
    this.setData({ [`photos[${i}]`]: { uid, path: original, name: '', status: 'uploading', progress: 0 } as Upload });
    const path = await compress(original, size);
    if (!this.patch('photos', uid, { path })) return;
    try {
      const m = await uploadPhoto(path, (p) => this.patch('photos', uid, { progress: p }), 'staff');
      this.patch('photos', uid, { status: 'done', id: m.id });
    } catch (e) {
      this.patch('photos', uid, { status: 'failed', error: (e as ApiError).message });
    }
  },

  /**
   * Changes the upload with this uid, wherever it now is: an upload that
   * finishes after its task was closed or another opened (which empties
   * the lists) changes nothing, so it cannot hand in for the wrong task.
   */
  patch(list: 'photos' | 'files', uid: string, fields: Partial<Upload>): boolean {
    const changes = rowChanges((this.data as Data)[list], list, uid, fields);
    if (changes) this.setData(changes);
    return changes !== null;
  },

  /** Files from a chat: a ledger, a report, a sheet. */
  attach() {
    const room = 9 - (this.data as Data).files.length;
    if (room <= 0) return;
    wx.chooseMessageFile({
      count: room,
      type: 'file',
      success: (r) => r.tempFiles.forEach((f) => this.addFile(f.path, f.name)),
    });
  },

  async addFile(path: string, name: string) {
    const uid = uuid4();
    const i = (this.data as Data).files.length;
    this.setData({ [`files[${i}]`]: { uid, path, name, status: 'uploading', progress: 0 } as Upload });
    try {
      const f = await uploadEvidence(path, name, (p) => this.patch('files', uid, { progress: p }));
      this.patch('files', uid, { status: 'done', id: f.id });
    } catch (e) {
      this.patch('files', uid, { status: 'failed', error: (e as ApiError).message });
    }
  },

  async submit() {
    const d = this.data as Data;
    const t = d.t;
    if (!t || d.busy) return;
    const all = d.photos.concat(d.files);
    if (all.some((u) => u.status !== 'done')) return this.setData({ error: '还有照片或文件没有传好，请稍候或删除后重传' });
    if (!d.note.trim() && !all.length) return this.setData({ error: '请写明完成情况，或附上照片、文件' });
    this.setData({ busy: true, error: '' });
    try {
      const after = await api.submitTask(t.id, {
        note: d.note.trim() || undefined,
        mediaIds: d.photos.map((p) => p.id as string),
        fileIds: d.files.map((f) => f.id as string),
        expectedVersion: t.version,
      });
      this.show(after);
      this.setData({ busy: false, note: '', photos: [], files: [] });
      wx.showToast({ title: '已提交，待验收', icon: 'success' });
    } catch (e) {
      if ((e as ApiError).code === 'concurrent_update') {
        await this.openTask(t.id);
        this.setData({ busy: false, error: '任务已被更新，已刷新，请确认后再提交' });
        return;
      }
      this.fail(e);
    }
  },
});
