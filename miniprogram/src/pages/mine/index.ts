/** 我的: my reports and the cases I follow, newest first, a page at a time. */
import { api } from '../../api/index';
import { ApiError } from '../../api/client';
import type { ReportSummary } from '../../api/types';
import { theme, when } from '../../utils/format';

type Tab = 'reports' | 'follows';

interface Row extends ReportSummary {
  when: string;
  theme: string;
}

interface Data {
  tab: Tab;
  items: Row[];
  cursor: string;
  end: boolean;
  loading: boolean;
  error: string;
}

Page({
  data: { tab: 'reports', items: [], cursor: '', end: false, loading: false, error: '' } as Data,

  onShow() {
    this.reload();
  },

  onPullDownRefresh() {
    this.reload().then(() => wx.stopPullDownRefresh());
  },

  onReachBottom() {
    const d = this.data as Data;
    if (!d.end && !d.loading) this.more();
  },

  switchTab(e: WechatMiniprogram.BaseEvent) {
    const tab = e.currentTarget.dataset.tab as Tab;
    if (tab === (this.data as Data).tab) return;
    this.setData({ tab });
    this.reload();
  },

  /** Numbers the loads: an answer to an older one (another tab) is dropped. */
  generation: 0,

  reload() {
    this.generation++;
    this.setData({ items: [], cursor: '', end: false, error: '' });
    return this.more();
  },

  async more() {
    const d = this.data as Data;
    const mine = this.generation;
    this.setData({ loading: true, error: '' });
    try {
      const cursor = d.cursor || undefined;
      const page = d.tab === 'reports' ? await api.myReports(cursor) : await api.myFollows(cursor);
      if (mine !== this.generation) return;
      const rows: Row[] = page.items.map((r) => ({ ...r, when: when(r.createdAt), theme: theme(r.status) }));
      this.setData({
        items: (this.data as Data).items.concat(rows),
        cursor: page.nextCursor || '',
        end: !page.nextCursor,
        loading: false,
      });
    } catch (e) {
      if (mine === this.generation) this.setData({ loading: false, error: (e as ApiError).message });
    }
  },

  open(e: WechatMiniprogram.BaseEvent) {
    wx.navigateTo({ url: `/pages/report-detail/index?id=${e.currentTarget.dataset.id}` });
  },

  openPoints() {
    wx.navigateTo({ url: '/pages/points/index' });
  },

  openField() {
    wx.navigateTo({ url: '/pages/field/inbox/index' });
  },
});
