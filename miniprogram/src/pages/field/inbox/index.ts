/**
 * The unit's inbox, most urgent first (overdue, then the nearest
 * deadline): what is waiting to be claimed and what is being handled.
 */
import { api } from '../../../api/index';
import { NeedStaffLogin, staffLogout, staffSession } from '../../../api/auth';
import { ApiError } from '../../../api/client';
import type { CaseStatus, CaseSummary } from '../../../api/types';
import { CaseStatus as LABEL } from '../../../api/labels';
import { left } from '../../../utils/format';
import { appendNew } from '../../../utils/list';

const OPEN: CaseStatus[] = ['dispatched', 'in_progress', 'reopened'];

interface Row extends CaseSummary {
  label: string;
  left: string;
}

interface Data {
  unit: string;
  items: Row[];
  cursor: string;
  end: boolean;
  loading: boolean;
  error: string;
}

Page({
  data: { unit: '', items: [], cursor: '', end: false, loading: false, error: '' } as Data,

  onShow() {
    const s = staffSession();
    if (!s) {
      wx.redirectTo({ url: '/pages/field/login/index' });
      return;
    }
    this.setData({ unit: s.user.displayName });
    this.reload();
  },

  onPullDownRefresh() {
    this.reload().then(() => wx.stopPullDownRefresh());
  },

  onReachBottom() {
    const d = this.data as Data;
    if (!d.end && !d.loading) this.more();
  },

  /** Counts reloads: a page that comes back after a reload began is dropped. */
  generation: 0,

  reload() {
    this.generation++;
    this.setData({ items: [], cursor: '', end: false });
    return this.more();
  },

  async more() {
    const mine = this.generation;
    this.setData({ loading: true, error: '' });
    try {
      const page = await api.inbox(OPEN, (this.data as Data).cursor || undefined);
      if (mine !== this.generation) return;
      const now = Date.now();
      const rows = page.items.map((c) => ({ ...c, label: LABEL[c.status] || c.status, left: left(c.dueAt, now) }));
      this.setData({ items: appendNew((this.data as Data).items, rows), cursor: page.nextCursor || '', end: !page.nextCursor, loading: false });
    } catch (e) {
      if (e instanceof NeedStaffLogin) {
        wx.redirectTo({ url: '/pages/field/login/index' });
        return;
      }
      if (mine === this.generation) this.setData({ loading: false, error: (e as ApiError).message });
    }
  },

  open(e: WechatMiniprogram.BaseEvent) {
    wx.navigateTo({ url: `/pages/field/case/index?id=${e.currentTarget.dataset.id}` });
  },

  /** The unit's 创建日历 tasks. */
  tasks() {
    wx.navigateTo({ url: '/pages/field/tasks/index' });
  },

  logout() {
    staffLogout();
    wx.redirectTo({ url: '/pages/field/login/index' });
  },
});
