/**
 * 美好瞬间: the public board of good moments the city approved and
 * published (no sign-in needed to read it), and the caller's own with
 * where each review stands; a button to share one.
 */
import { api } from '../../api/index';
import { ApiError } from '../../api/client';
import { MomentStatus } from '../../api/labels';
import type { BoardMoment, MomentView } from '../../api/types';
import { when } from '../../utils/format';
import { appendNew } from '../../utils/list';

type Tab = 'board' | 'mine';

interface Row extends BoardMoment {
  when: string;
  statusText: string;
  reviewNote?: string;
}

interface Data {
  tab: Tab;
  items: Row[];
  next: string;
  loading: boolean;
  error: string;
}

function fromBoard(m: BoardMoment): Row {
  return { ...m, when: when(m.createdAt), statusText: '' };
}

function fromMine(m: MomentView): Row {
  const shown = m.status === 'approved' && m.published ? '已展示' : MomentStatus[m.status];
  return { ...m, when: when(m.createdAt), statusText: shown, reviewNote: m.reviewNote || undefined };
}

Page({
  data: { tab: 'board', items: [], next: '', loading: false, error: '' } as Data,

  onLoad(query: Record<string, string | undefined>) {
    if (query.tab === 'mine') this.setData({ tab: 'mine' });
  },

  onShow() {
    this.load();
  },

  onPullDownRefresh() {
    this.load().then(() => wx.stopPullDownRefresh());
  },

  pickTab(e: WechatMiniprogram.BaseEvent) {
    this.setData({ tab: e.currentTarget.dataset.tab as Tab, items: [], next: '' });
    this.load();
  },

  /** Counts first pages asked for: a page that comes back after another
   * tab or a fresh first page was asked for is dropped. */
  generation: 0,

  async load(cursor?: string) {
    const d = this.data as Data;
    if (!cursor) this.generation++;
    const mine = this.generation;
    this.setData({ loading: true, error: '' });
    try {
      const page = d.tab === 'board' ? await api.board(cursor) : await api.myMoments(cursor);
      if (mine !== this.generation) return;
      const rows = d.tab === 'board'
        ? (page.items as BoardMoment[]).map(fromBoard)
        : (page.items as MomentView[]).map(fromMine);
      this.setData({
        items: cursor ? appendNew((this.data as Data).items, rows) : rows,
        next: page.nextCursor || '',
        loading: false,
      });
    } catch (e) {
      if (mine === this.generation) this.setData({ loading: false, error: (e as ApiError).message });
    }
  },

  /** The next page; a tap while one is loading does nothing. */
  more() {
    const d = this.data as Data;
    if (d.next && !d.loading) this.load(d.next);
  },

  share() {
    wx.navigateTo({ url: '/pages/act/index?kind=moment' });
  },

  preview(e: WechatMiniprogram.BaseEvent) {
    const url = String(e.currentTarget.dataset.url);
    wx.previewImage({ urls: [url], current: url });
  },
});
