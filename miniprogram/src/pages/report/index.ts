/**
 * 随手拍: photos, the place, the category, a few words, then submit.
 *
 * Everything typed is kept as a draft in storage until the report is filed,
 * so a failed submission, a closed app or a weak network loses nothing. The
 * Idempotency-Key is made once per draft and kept until the server has
 * answered 201, so a retry after a lost answer files the report once.
 */
import { api, NearbyCase } from '../../api/index';
import { ApiError } from '../../api/client';
import { compress, uploadPhoto } from '../../api/upload';
import type { CategoryGroup, Subcategory } from '../../api/types';
import { config } from '../../config';
import { limitWords, uuid4 } from '../../utils/format';
import { rowChanges } from '../../utils/list';
import { PhotoItem, PhotoStatus, dropDraft, loadDraft, restorePhoto, saveDraft, uid, usable } from './draft';

const MAX_PHOTOS = 9;
const MAX_CHARS = 1000;

type LocState = 'waiting' | 'locating' | 'ok' | 'denied' | 'failed';

interface Data {
  photos: PhotoItem[];
  groups: CategoryGroup[];
  groupCode: string;
  subs: Subcategory[];
  subCode: string;
  hint: string;
  limit: string;
  description: string;
  count: number;
  maxChars: number;
  lat: number;
  lng: number;
  address: string;
  locState: LocState;
  locMessage: string;
  nearby: NearbyCase[];
  submitting: boolean;
  error: string;
  canRetry: boolean;
  loadError: string;
}

Page({
  data: {
    photos: [],
    groups: [],
    groupCode: '',
    subs: [],
    subCode: '',
    hint: '',
    limit: '',
    description: '',
    count: 0,
    maxChars: MAX_CHARS,
    lat: 0,
    lng: 0,
    address: '',
    locState: 'waiting',
    locMessage: '同意隐私保护指引后定位',
    nearby: [],
    submitting: false,
    error: '',
    canRetry: false,
    loadError: '',
  } as Data,

  /** The Idempotency-Key of the draft, once a submission was tried. */
  key: '' as string,
  nearbyFor: '' as string,

  onLoad() {
    this.restore();
    this.loadCategories();
  },

  // ---- the draft ----------------------------------------------------------

  restore() {
    const d = loadDraft();
    if (!d) return;
    this.key = d.key || '';
    this.setData({
      photos: d.photos.map(restorePhoto),
      groupCode: d.groupCode || '',
      subCode: d.subCode || '',
      description: d.description,
      count: d.description.length,
      ...(d.lat !== undefined && d.lng !== undefined ? { lat: d.lat, lng: d.lng, locState: 'ok' as LocState, address: d.address || '' } : {}),
    });
  },

  save() {
    const d = this.data as Data;
    saveDraft({
      key: this.key || undefined,
      photos: d.photos.map((p) => ({ uid: p.uid, path: p.path, mediaId: p.mediaId, expiresAt: p.expiresAt })),
      groupCode: d.groupCode || undefined,
      subCode: d.subCode || undefined,
      description: d.description,
      ...(d.locState === 'ok' ? { lat: d.lat, lng: d.lng, address: d.address } : {}),
    });
  },

  /** After a report is filed or followed: a fresh form (the place stays, the address and category go). */
  clearDraft() {
    this.key = '';
    dropDraft();
    this.setData({ photos: [], description: '', count: 0, nearby: [], error: '', canRetry: false, address: '', subCode: '', hint: '', limit: '' });
    this.nearbyFor = '';
  },

  // ---- privacy, then location --------------------------------------------

  /** The privacy guide's answer: only now may location be asked for. */
  onPrivacy(e: WechatMiniprogram.CustomEvent<{ agreed: boolean }>) {
    if (e.detail.agreed) {
      if ((this.data as Data).locState !== 'ok') this.locate();
    } else {
      this.onNoLocation('未同意隐私保护指引：请拖动地图，把图钉对准问题的位置');
    }
  },

  locate() {
    this.setData({ locState: 'locating', locMessage: '正在定位…' });
    wx.getLocation({
      type: 'gcj02',
      isHighAccuracy: true,
      success: (r) => {
        this.setData({ lat: r.latitude, lng: r.longitude, locState: 'ok', locMessage: '' });
        this.save();
        this.checkNearby();
      },
      fail: (err) => {
        const denied = /auth|deny|denied|authorize|privacy/i.test(err.errMsg || '');
        this.onNoLocation(denied ? '没有定位权限：请在地图上选择问题的位置' : '定位失败：请在地图上选择位置，或稍后重试', denied ? 'denied' : 'failed');
      },
    });
  },

  /**
   * No location from the phone: the map opens on the city (or the last
   * place) so the pin can still be dragged there, and 在地图上选点 remains.
   */
  onNoLocation(message: string, state: LocState = 'denied') {
    const d = this.data as Data;
    this.setData({
      locState: state,
      locMessage: message,
      ...(d.lat || d.lng ? {} : { lat: config().mapCenter.lat, lng: config().mapCenter.lng }),
    });
  },

  /** The place picked on WeChat's map (also the way when location is refused). */
  pickPlace() {
    const d = this.data as Data;
    wx.chooseLocation({
      ...(d.locState === 'ok' ? { latitude: d.lat, longitude: d.lng } : {}),
      success: (r) => {
        this.setData({ lat: r.latitude, lng: r.longitude, address: r.address || r.name || '', locState: 'ok', locMessage: '' });
        this.save();
        this.checkNearby();
      },
      fail: (err) => {
        if (/cancel/.test(err.errMsg || '')) return;
        this.setData({ locMessage: '无法打开地图选点：请拖动下方地图，把图钉对准问题的位置' });
      },
    });
  },

  /** The pin stays in the middle of the map: where the map stops is the place. */
  onRegionChange(e: WechatMiniprogram.CustomEvent<{ type?: string; causedBy?: string }> & { type?: string; causedBy?: string }) {
    // WeChat gives begin/end and the cause in `detail` (base library 2.8+),
    // older ones on the event itself.
    const type = (e.detail && e.detail.type) || e.type;
    const causedBy = (e.detail && e.detail.causedBy) || e.causedBy;
    if (type !== 'end' || (causedBy !== 'drag' && causedBy !== 'scale')) return;
    wx.createMapContext('report-map', this).getCenterLocation({
      success: (r) => {
        // The pin moved: the address of the old place no longer holds.
        this.setData({ lat: r.latitude, lng: r.longitude, locState: 'ok', locMessage: '', address: '' });
        this.save();
        this.checkNearby();
      },
    });
  },

  // ---- categories ----------------------------------------------------------

  async loadCategories() {
    try {
      const groups = await api.categories();
      this.setData({ groups, loadError: '' });
      const d = this.data as Data;
      if (d.groupCode) this.showGroup(d.groupCode, d.subCode);
    } catch (e) {
      this.setData({ loadError: (e as ApiError).message });
    }
  },

  showGroup(code: string, subCode = '') {
    const g = (this.data as Data).groups.find((x) => x.code === code);
    const subs = g ? g.children : [];
    const sub = subs.find((s) => s.code === subCode);
    this.setData({
      groupCode: code,
      subs,
      subCode: sub ? sub.code : '',
      hint: sub ? sub.closeCriterion : '',
      limit: sub ? limitWords(sub) : '',
    });
  },

  pickGroup(e: WechatMiniprogram.BaseEvent) {
    this.showGroup(String(e.currentTarget.dataset.code));
    this.save();
  },

  pickSub(e: WechatMiniprogram.BaseEvent) {
    this.showGroup((this.data as Data).groupCode, String(e.currentTarget.dataset.code));
    this.save();
    this.checkNearby();
  },

  // ---- description -----------------------------------------------------------

  onDescription(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    const value = (e.detail.value || '').slice(0, MAX_CHARS);
    this.setData({ description: value, count: value.length });
    this.save();
  },

  // ---- photos -------------------------------------------------------------------

  /** Camera first; a refused camera falls back to the album. */
  takePhoto() {
    this.choose(['camera'], true);
  },

  fromAlbum() {
    this.choose(['album'], false);
  },

  choose(source: ('camera' | 'album')[], fallBack: boolean) {
    const room = MAX_PHOTOS - (this.data as Data).photos.length;
    if (room <= 0) {
      wx.showToast({ title: `最多${MAX_PHOTOS}张照片`, icon: 'none' });
      return;
    }
    wx.chooseMedia({
      count: room,
      mediaType: ['image'],
      sourceType: source,
      sizeType: ['compressed'],
      camera: 'back',
      success: (r) => r.tempFiles.forEach((f) => this.addPhoto(f.tempFilePath, f.size, (f as { width?: number }).width, (f as { height?: number }).height)),
      fail: (err) => {
        if (/cancel/.test(err.errMsg || '')) return;
        if (fallBack) {
          wx.showToast({ title: '无法使用相机，请从相册选择', icon: 'none' });
          this.choose(['album'], false);
        } else {
          wx.showToast({ title: '无法选择照片', icon: 'none' });
        }
      },
    });
  },

  async addPhoto(original: string, size?: number, width?: number, height?: number) {
    if ((this.data as Data).photos.length >= MAX_PHOTOS) return;
    const id = uid();
    this.setData({ photos: (this.data as Data).photos.concat([{ uid: id, path: original, status: 'compressing', progress: 0 }]) });
    const path = await compress(original, size, width, height);
    if (!this.patch(id, { path })) return;
    this.save();
    await this.upload(id);
  },

  /** Changes the photo with this uid, wherever it now is; false when it was removed. */
  patch(id: string, change: Partial<PhotoItem>): boolean {
    const changes = rowChanges((this.data as Data).photos, 'photos', id, change);
    if (changes) this.setData(changes);
    return changes !== null;
  },

  async upload(id: string) {
    const photo = (this.data as Data).photos.find((p) => p.uid === id);
    if (!photo) return;
    this.patch(id, { status: 'uploading', progress: 0, error: '', mediaId: undefined });
    try {
      const m = await uploadPhoto(photo.path, (progress) => this.patch(id, { progress }));
      if (!this.patch(id, { status: 'done', progress: 100, mediaId: m.id, expiresAt: m.expiresAt })) return;
    } catch (e) {
      if (!this.patch(id, { status: 'failed', error: (e as ApiError).message })) return;
    }
    this.save();
  },

  retryPhoto(e: WechatMiniprogram.BaseEvent) {
    this.upload(String(e.currentTarget.dataset.uid));
  },

  removePhoto(e: WechatMiniprogram.BaseEvent) {
    const i = Number(e.currentTarget.dataset.index);
    const photos = (this.data as Data).photos.slice();
    photos.splice(i, 1);
    this.setData({ photos });
    this.save();
  },

  preview(e: WechatMiniprogram.BaseEvent) {
    const photos = (this.data as Data).photos;
    wx.previewImage({ urls: photos.map((p) => p.path), current: photos[Number(e.currentTarget.dataset.index)].path });
  },

  // ---- 已有人反映 -----------------------------------------------------------------

  async checkNearby() {
    const d = this.data as Data;
    if (d.locState !== 'ok' || !d.subCode) return;
    const at = `${d.subCode}@${d.lat.toFixed(5)},${d.lng.toFixed(5)}`;
    if (at === this.nearbyFor) return;
    this.nearbyFor = at;
    try {
      const r = await api.nearby(d.lat, d.lng, d.subCode);
      if (this.nearbyFor === at) this.setData({ nearby: r });
    } catch {
      // Only a help: a failure here must not stand in the way of reporting.
      this.nearbyFor = '';
    }
  },

  /** 附议: follow the case already there instead of filing it again. */
  async follow(e: WechatMiniprogram.BaseEvent) {
    const id = String(e.currentTarget.dataset.id);
    try {
      await api.follow(id);
      this.clearDraft();
      wx.showToast({ title: '已附议，进展会通知您', icon: 'success' });
      wx.navigateTo({ url: `/pages/report-detail/index?id=${id}` });
    } catch (err) {
      this.setData({ error: (err as ApiError).message });
    }
  },

  // ---- submit -------------------------------------------------------------------------

  /** Why the report cannot be sent yet, in words; '' when it can. */
  missing(): string {
    const d = this.data as Data;
    if (!d.photos.length) return '请至少拍一张照片';
    if (d.photos.some((p) => p.status === 'failed')) return '有照片没有传上去，请点照片重试';
    if (d.photos.some((p) => p.status !== 'done')) return '照片正在上传，请稍候';
    if (d.photos.some((p) => !usable(p))) return '有照片上传太久已失效，请点照片重新上传';
    if (d.locState !== 'ok') return '请确定问题的位置';
    if (!d.subCode) return '请选择问题类别';
    return '';
  },

  /** 曝光台 · 红黑榜: what became of the city's reports. */
  openBoard() {
    wx.navigateTo({ url: '/pages/board/index' });
  },

  /** The tap: the subscribe request first (WeChat allows it only in a tap), then the report. */
  onSubmit() {
    const ids = config().subscribeTemplateIds;
    if (ids.length && wx.requestSubscribeMessage) {
      wx.requestSubscribeMessage({ tmplIds: ids, complete: () => undefined } as WechatMiniprogram.RequestSubscribeMessageOption);
    }
    this.submit();
  },

  async submit() {
    const d = this.data as Data;
    if (d.submitting) return;
    const why = this.missing();
    if (why) {
      this.setData({ error: why, canRetry: false });
      return;
    }
    if (!this.key) {
      this.key = uuid4();
      this.save(); // the key outlives the app: a retry tomorrow is the same report
    }
    this.setData({ submitting: true, error: '', canRetry: false });
    try {
      const r = await api.submit(
        {
          categoryCode: d.subCode,
          description: d.description,
          location: { lat: d.lat, lng: d.lng, coordSystem: 'gcj02' },
          address: d.address || undefined,
          mediaIds: d.photos.map((p) => p.mediaId as string),
        },
        this.key,
      );
      this.clearDraft();
      this.setData({ submitting: false });
      wx.showToast({ title: '已提交，感谢您', icon: 'success' });
      wx.navigateTo({ url: `/pages/report-detail/index?id=${r.id}&caseNo=${r.caseNo}` });
    } catch (e) {
      const err = e as ApiError;
      if (err.code === 'idempotency_key_reused') {
        // An earlier try went through (its answer was lost) and the draft
        // was edited since: the report is filed, as first sent.
        this.clearDraft();
        this.setData({ submitting: false });
        wx.showToast({ title: '您的反映此前已提交成功', icon: 'none' });
        wx.switchTab({ url: '/pages/mine/index' });
        return;
      }
      if (err.code === 'invalid_media') {
        // Uploads the server no longer has (expired, or refused): send them again.
        this.setData({
          photos: (this.data as Data).photos.map((p) => ({ ...p, status: 'failed' as PhotoStatus, mediaId: undefined, error: '照片已失效，点此重新上传' })),
        });
      }
      // A refusal of this body will not change on retry: a new key for the corrected draft.
      if (!err.retryable && err.code !== 'idempotency_in_progress') {
        this.key = '';
        this.save();
      }
      this.setData({ submitting: false, error: err.message, canRetry: err.retryable || err.code === 'idempotency_in_progress' });
    }
  },
});
