/**
 * 文明行动: what a volunteer records on patrol, and what anyone shares.
 *
 * - `?kind=persuasion` 劝导: the behaviour, whether it stopped, an optional
 *   photo; one that did not stop becomes a case for the unit in charge.
 * - `?kind=self_fix` 随手治: the problem the volunteer fixed, photos
 *   before and after; the city checks it, then it counts.
 * - `?kind=moment` 文明美好瞬间: a few words and photos of a good deed;
 *   public once the city approves it.
 *
 * The place is where the phone is (GCJ-02), or a point picked on the map.
 */
import { api } from '../../api/index';
import { ApiError } from '../../api/client';
import { compress, uploadPhoto } from '../../api/upload';
import type { CategoryGroup, Subcategory } from '../../api/types';

type Kind = 'persuasion' | 'self_fix' | 'moment';

interface Shot {
  uid: string;
  path: string;
  mediaId: string;
}

interface PhotoSet {
  key: string;
  title: string;
  hint: string;
  min: number;
  max: number;
  photos: Shot[];
  uploading: boolean;
}

interface Data {
  kind: Kind;
  title: string;
  intro: string;
  placeholder: string;
  maxChars: number;
  groups: CategoryGroup[];
  groupCode: string;
  subs: Subcategory[];
  subCode: string;
  persuaded: boolean | null;
  sets: PhotoSet[];
  lat: number;
  lng: number;
  located: boolean;
  placeText: string;
  text: string;
  busy: boolean;
  error: string;
  done: { title: string; text: string } | null;
}

const KINDS: Record<Kind, { title: string; intro: string; placeholder: string; maxChars: number; sets: Omit<PhotoSet, 'photos' | 'uploading'>[] }> = {
  persuasion: {
    title: '文明劝导',
    intro: '记录一次劝导：劝阻成功留作记录；劝阻无效的，转交责任单位处理。拍照请对准行为和现场，不要拍清面部。',
    placeholder: '发生了什么、如何劝导（选填）',
    maxChars: 1000,
    sets: [{ key: 'photo', title: '现场照片', hint: '（选填，1张）', min: 0, max: 1 }],
  },
  self_fix: {
    title: '随手治',
    intro: '顺手处理了小问题？拍下处置前后的照片，城市工作人员核查后计入您的志愿服务。',
    placeholder: '发现了什么、做了什么（选填）',
    maxChars: 1000,
    sets: [
      { key: 'before', title: '处置前', hint: '（1–9张）', min: 1, max: 9 },
      { key: 'after', title: '处置后', hint: '（1–9张）', min: 1, max: 9 },
    ],
  },
  moment: {
    title: '文明美好瞬间',
    intro: '分享身边的好人好事、文明风景。审核通过后在“美好瞬间”展示。',
    placeholder: '说说这一幕（必填，500字以内）',
    maxChars: 500,
    sets: [{ key: 'photos', title: '照片', hint: '（1–9张）', min: 1, max: 9 }],
  },
};

let seq = 0;

/** A refusal in the person's words (the server's codes, the page's sentences). */
function refusal(e: unknown): string {
  const err = e as ApiError;
  switch (err.code) {
    case 'outside_service_area':
      return '这个位置不在本市服务范围内，请在地图上重新选点';
    case 'content_rejected':
      return '文字未通过内容安全检查，请修改后再提交';
    case 'forbidden':
      return '加入志愿服务队后才能记录劝导和随手治';
    case 'invalid_media':
      return '有照片已失效或已被使用，请删除后重新拍照';
    case 'text_required':
      return '请写几句话说说这一幕';
    default:
      return err.message;
  }
}

Page({
  data: {
    kind: 'persuasion', title: '', intro: '', placeholder: '', maxChars: 1000,
    groups: [], groupCode: '', subs: [], subCode: '', persuaded: null, sets: [],
    lat: 0, lng: 0, located: false, placeText: '正在定位…', text: '', busy: false, error: '', done: null,
  } as Data,

  onLoad(query: Record<string, string | undefined>) {
    const kind = (['persuasion', 'self_fix', 'moment'].includes(String(query.kind)) ? query.kind : 'persuasion') as Kind;
    const k = KINDS[kind];
    wx.setNavigationBarTitle({ title: k.title });
    this.setData({
      kind, title: k.title, intro: k.intro, placeholder: k.placeholder, maxChars: k.maxChars,
      sets: k.sets.map((s) => ({ ...s, photos: [], uploading: false })),
    });
    if (kind !== 'moment') this.loadCategories();
    this.locate();
  },

  async loadCategories() {
    try {
      this.setData({ groups: await api.categories() });
    } catch (e) {
      this.setData({ error: (e as ApiError).message });
    }
  },

  pickGroup(e: WechatMiniprogram.BaseEvent) {
    const code = String(e.currentTarget.dataset.code);
    const g = (this.data as Data).groups.find((x) => x.code === code);
    this.setData({ groupCode: code, subs: g ? g.children : [], subCode: '' });
  },

  pickSub(e: WechatMiniprogram.BaseEvent) {
    this.setData({ subCode: String(e.currentTarget.dataset.code) });
  },

  pickOutcome(e: WechatMiniprogram.BaseEvent) {
    this.setData({ persuaded: e.currentTarget.dataset.v === 'yes' });
  },

  onText(e: WechatMiniprogram.CustomEvent) {
    this.setData({ text: String(e.detail.value || '') });
  },

  locate() {
    wx.getLocation({
      type: 'gcj02',
      isHighAccuracy: true,
      success: (r) => this.setData({ lat: r.latitude, lng: r.longitude, located: true, placeText: '当前位置' }),
      fail: () => this.setData({ located: false, placeText: '没有定位：请在地图上选点' }),
    });
  },

  pickPlace() {
    const d = this.data as Data;
    wx.chooseLocation({
      ...(d.located ? { latitude: d.lat, longitude: d.lng } : {}),
      success: (r) => this.setData({ lat: r.latitude, lng: r.longitude, located: true, placeText: r.address || r.name || '已选定位置' }),
    });
  },

  addPhotos(e: WechatMiniprogram.BaseEvent) {
    const si = Number(e.currentTarget.dataset.set);
    const set = (this.data as Data).sets[si];
    if (!set) return;
    wx.chooseMedia({
      count: set.max - set.photos.length,
      mediaType: ['image'],
      sourceType: ['camera', 'album'],
      sizeType: ['compressed'],
      success: (r) => this.upload(si, r.tempFiles as { tempFilePath: string; size: number; width?: number; height?: number }[]),
    });
  },

  async upload(si: number, files: { tempFilePath: string; size: number; width?: number; height?: number }[]) {
    this.setData({ [`sets[${si}].uploading`]: true, error: '' });
    try {
      for (const f of files) {
        const path = await compress(f.tempFilePath, f.size, f.width, f.height);
        const media = await uploadPhoto(path, () => undefined);
        const set = (this.data as Data).sets[si];
        if (set.photos.length >= set.max) break;
        this.setData({ [`sets[${si}].photos`]: set.photos.concat([{ uid: `s${++seq}`, path, mediaId: media.id }]) });
      }
    } catch (e) {
      this.setData({ error: (e as ApiError).message });
    }
    this.setData({ [`sets[${si}].uploading`]: false });
  },

  /** What is missing before the form can go, in words; none: ready. */
  missing(): string {
    const d = this.data as Data;
    if (d.kind !== 'moment' && !d.subCode) return '请选择类别';
    if (d.kind === 'persuasion' && d.persuaded === null) return '请选择劝导结果';
    const short = d.sets.find((s) => s.photos.length < s.min);
    if (short) return `请添加${short.title}照片`;
    if (d.sets.some((s) => s.uploading)) return '照片还在上传，请稍候';
    if (!d.located) return '请在地图上选择位置';
    if (d.kind === 'moment' && !d.text.trim()) return '请写几句话说说这一幕';
    return '';
  },

  async submit() {
    const d = this.data as Data;
    const why = this.missing();
    if (why) return this.setData({ error: why });
    const location = { lat: d.lat, lng: d.lng, coordSystem: 'gcj02' as const };
    const ids = (key: string) => (d.sets.find((s) => s.key === key)?.photos || []).map((p) => p.mediaId);
    const text = d.text.trim() || undefined;
    this.setData({ busy: true, error: '' });
    try {
      let done: Data['done'];
      if (d.kind === 'persuasion') {
        const p = await api.persuade({
          categoryCode: d.subCode, location, note: text, persuaded: d.persuaded === true, mediaId: ids('photo')[0],
        });
        done = p.case
          ? { title: '已转交处理', text: `已生成案件 ${p.case.caseNo}，将派给责任单位，可在“我的”中查看进展。` }
          : { title: '劝导已记录', text: '感谢您的文明劝导。' };
      } else if (d.kind === 'self_fix') {
        const r = await api.selfFix({
          categoryCode: d.subCode, location, description: text || '', beforeMediaIds: ids('before'), afterMediaIds: ids('after'),
        });
        done = { title: '随手治已提交', text: `案件 ${r.caseNo} 等待城市工作人员核查，通过后计入您的志愿服务。` };
      } else {
        await api.fileMoment({ text: text || '', location, mediaIds: ids('photos') });
        done = { title: '已提交审核', text: '审核通过后将在“美好瞬间”展示，谢谢您的分享。' };
      }
      this.setData({ busy: false, done });
    } catch (e) {
      this.setData({ busy: false, error: refusal(e) });
    }
  },

  /** A fresh form of the same kind (the place and category stay). */
  again() {
    const d = this.data as Data;
    this.setData({
      done: null, text: '', persuaded: null, error: '',
      sets: d.sets.map((s) => ({ ...s, photos: [], uploading: false })),
    });
  },
});
