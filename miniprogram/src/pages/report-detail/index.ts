/**
 * One report: where it stands in a citizen's words, the photos before and
 * after, when the city promised to finish, and the rating once it is done.
 */
import { api } from '../../api/index';
import { ApiError } from '../../api/client';
import type { ReportView } from '../../api/types';
import { stepWords, theme, when } from '../../utils/format';

interface Step {
  /** Unique and stable as the timeline grows: its place in time order. The
   * time itself is shown to the minute, so two steps can share it, and a
   * list keyed on it renders wrongly (and j-component throws). */
  key: string;
  at: string;
  words: string;
  note?: string;
}

interface Data {
  id: string;
  report: ReportView | null;
  steps: Step[];
  due: string;
  theme: string;
  score: number;
  comment: string;
  rating: boolean;
  error: string;
  rateError: string;
}

const OPEN = ['dispatched', 'in_progress', 'reopened', 'returned', 'accepted'];

Page({
  data: { id: '', report: null, steps: [], due: '', theme: 'primary', score: 0, comment: '', rating: false, error: '', rateError: '' } as Data,

  onLoad(q: Record<string, string | undefined>) {
    this.setData({ id: q.id || '' });
    this.load();
  },

  async load() {
    try {
      this.show(await api.report((this.data as Data).id));
    } catch (e) {
      this.setData({ error: (e as ApiError).message });
    }
  },

  show(r: ReportView) {
    wx.setNavigationBarTitle({ title: r.caseNo });
    this.setData({
      report: r,
      error: '',
      theme: theme(r.status),
      due: r.dueAt && OPEN.includes(r.status) ? when(r.dueAt) : '',
      steps: r.timeline
        .map((t, i) => ({ key: `step-${i}`, at: when(t.at), words: stepWords(t.action, t.statusLabel), note: t.note || undefined }))
        .reverse(),
    });
  },

  preview(e: WechatMiniprogram.BaseEvent) {
    const r = (this.data as Data).report;
    if (!r) return;
    const all = r.photos.concat(r.afterPhotos || []);
    wx.previewImage({ urls: all.map((p) => p.url), current: String(e.currentTarget.dataset.url) });
  },

  setScore(e: WechatMiniprogram.BaseEvent) {
    this.setData({ score: Number(e.currentTarget.dataset.score), rateError: '' });
  },

  onComment(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    this.setData({ comment: e.detail.value || '' });
  },

  async rate() {
    const d = this.data as Data;
    if (d.rating) return;
    if (!d.score) {
      this.setData({ rateError: '请先选择满意程度' });
      return;
    }
    this.setData({ rating: true, rateError: '' });
    try {
      this.show(await api.rate(d.id, d.score, d.comment.trim()));
      wx.showToast({ title: '感谢您的评价', icon: 'success' });
    } catch (e) {
      this.setData({ rateError: (e as ApiError).message });
    }
    this.setData({ rating: false });
  },
});
