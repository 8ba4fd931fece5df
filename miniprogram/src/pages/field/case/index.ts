/**
 * One case for the field worker: the photos and place, navigation there,
 * and what they may do now (the server says which): 接单, 回退 with a
 * reason, 申请延期, and 处置反馈 with after-photos from the camera.
 */
import { api } from '../../../api/index';
import { NeedStaffLogin } from '../../../api/auth';
import { ApiError } from '../../../api/client';
import { compress, uploadPhoto } from '../../../api/upload';
import { LimitUnit as LimitUnitLabel } from '../../../api/labels';
import type { CaseView, LimitUnit } from '../../../api/types';
import { left, uuid4, when } from '../../../utils/format';
import { rowChanges } from '../../../utils/list';

type Form = '' | 'return' | 'extension' | 'resolve';

interface After {
  /** The list's key: a photo's path changes when it is compressed, and the
   * same file can be picked twice. */
  uid: string;
  path: string;
  status: 'uploading' | 'done' | 'failed';
  progress: number;
  mediaId?: string;
  error?: string;
}

interface Data {
  id: string;
  c: CaseView | null;
  can: Record<string, boolean>;
  due: string;
  left: string;
  form: Form;
  note: string;
  amount: number;
  unit: LimitUnit;
  unitLabel: typeof LimitUnitLabel;
  after: After[];
  busy: boolean;
  error: string;
}

Page({
  data: { id: '', c: null, can: {}, due: '', left: '', form: '', note: '', amount: 1, unit: 'work_days', unitLabel: LimitUnitLabel, after: [], busy: false, error: '' } as Data,

  onLoad(q: Record<string, string | undefined>) {
    this.setData({ id: q.id || '' });
    this.load();
  },

  async load() {
    try {
      this.show(await api.case((this.data as Data).id));
    } catch (e) {
      this.fail(e);
    }
  },

  show(c: CaseView) {
    const can: Record<string, boolean> = {};
    c.actions.forEach((a) => (can[a] = true));
    this.setData({ c, can, due: when(c.deadlines.dueAt), left: left(c.deadlines.dueAt), error: '' });
  },

  fail(e: unknown) {
    if (e instanceof NeedStaffLogin) {
      wx.redirectTo({ url: '/pages/field/login/index' });
      return;
    }
    this.setData({ busy: false, error: (e as ApiError).message });
  },

  navigate() {
    const c = (this.data as Data).c;
    if (!c) return;
    // Asked for in GCJ-02, which WeChat's map and navigation speak.
    wx.openLocation({ latitude: c.location.lat, longitude: c.location.lng, name: c.category.name, address: c.address || c.area.name, scale: 17 });
  },

  preview(e: WechatMiniprogram.BaseEvent) {
    const c = (this.data as Data).c;
    if (c) wx.previewImage({ urls: c.photos.map((p) => p.url), current: String(e.currentTarget.dataset.url) });
  },

  open(e: WechatMiniprogram.BaseEvent) {
    this.setData({ form: e.currentTarget.dataset.form as Form, note: '', error: '' });
  },

  cancel() {
    this.setData({ form: '', error: '' });
  },

  onNote(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    this.setData({ note: e.detail.value || '' });
  },

  onAmount(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    this.setData({ amount: Math.max(1, Math.min(1000, parseInt(e.detail.value, 10) || 1)) });
  },

  pickUnit(e: WechatMiniprogram.BaseEvent) {
    this.setData({ unit: e.currentTarget.dataset.unit as LimitUnit });
  },

  async act(run: () => Promise<CaseView>, done: string) {
    if ((this.data as Data).busy) return;
    this.setData({ busy: true, error: '' });
    try {
      this.show(await run());
      this.setData({ busy: false, form: '', note: '', after: [] });
      wx.showToast({ title: done, icon: 'success' });
    } catch (e) {
      if ((e as ApiError).code === 'version_conflict') {
        // Someone else acted first: show the case as it is now, and say so.
        await this.load();
        this.setData({ busy: false, error: '案件已被他人更新，已刷新，请确认后再操作' });
        return;
      }
      this.fail(e);
    }
  },

  claim() {
    const c = (this.data as Data).c as CaseView;
    this.act(() => api.claim(c.id, { expectedVersion: c.version }), '已接单');
  },

  submitReturn() {
    const d = this.data as Data;
    const c = d.c as CaseView;
    if (!d.note.trim()) return this.setData({ error: '请写明回退原因' });
    this.act(() => api.giveBack(c.id, { expectedVersion: c.version, note: d.note.trim() }), '已回退');
  },

  submitExtension() {
    const d = this.data as Data;
    const c = d.c as CaseView;
    if (!d.note.trim()) return this.setData({ error: '请写明延期原因' });
    this.act(() => api.askExtension(c.id, { expectedVersion: c.version, amount: d.amount, limitUnit: d.unit, reason: d.note.trim() }), '已申请延期');
  },

  /** After-photos from the camera (the album when the camera is refused). */
  shoot() {
    const room = 9 - (this.data as Data).after.length;
    const pick = (sourceType: ('camera' | 'album')[]) =>
      wx.chooseMedia({
        count: room,
        mediaType: ['image'],
        sourceType,
        sizeType: ['compressed'],
        success: (r) => r.tempFiles.forEach((f) => this.addAfter(f.tempFilePath, f.size)),
        fail: (err) => {
          if (!/cancel/.test(err.errMsg || '') && sourceType[0] === 'camera') pick(['album']);
        },
      });
    if (room > 0) pick(['camera']);
  },

  async addAfter(original: string, size: number) {
    const uid = uuid4();
    const index = (this.data as Data).after.length;
    this.setData({ [`after[${index}]`]: { uid, path: original, status: 'uploading', progress: 0 } as After });
    const path = await compress(original, size);
    if (this.patch(uid, { path })) await this.uploadAfter(uid);
  },

  /** Changes the after-photo with this uid, wherever it now is; false when
   * it is gone (the form was submitted or cancelled, which empties it). */
  patch(uid: string, fields: Partial<After>): boolean {
    const changes = rowChanges((this.data as Data).after, 'after', uid, fields);
    if (changes) this.setData(changes);
    return changes !== null;
  },

  async uploadAfter(uid: string) {
    const a = (this.data as Data).after.find((x) => x.uid === uid);
    if (!a || !this.patch(uid, { status: 'uploading', error: '' })) return;
    try {
      // A progress event may come after the answer: only a photo still
      // uploading takes it.
      const progress = (p: number) => {
        const now = (this.data as Data).after.find((x) => x.uid === uid);
        if (now && now.status === 'uploading') this.patch(uid, { progress: p });
      };
      const m = await uploadPhoto(a.path, progress, 'staff');
      this.patch(uid, { status: 'done', mediaId: m.id, progress: 100 });
    } catch (e) {
      this.patch(uid, { status: 'failed', error: (e as ApiError).message });
    }
  },

  retryAfter(e: WechatMiniprogram.BaseEvent) {
    this.uploadAfter(String(e.currentTarget.dataset.uid));
  },

  submitResolve() {
    const d = this.data as Data;
    const c = d.c as CaseView;
    if (!d.after.length) return this.setData({ error: '请拍摄处置后的照片' });
    if (d.after.some((a) => a.status !== 'done')) return this.setData({ error: '照片还没有全部上传，请稍候或点失败的照片重试' });
    this.act(
      () => api.resolve(c.id, { expectedVersion: c.version, note: d.note.trim() || undefined, mediaIds: d.after.map((a) => a.mediaId as string) }),
      '已提交处置',
    );
  },
});
