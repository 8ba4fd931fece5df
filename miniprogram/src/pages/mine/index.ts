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
  /** The account was just deleted on this page. */
  deleted: boolean;
}

Page({
  data: { tab: 'reports', items: [], cursor: '', end: false, loading: false, error: '', deleted: false } as Data,

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

  openVolunteer() {
    wx.navigateTo({ url: '/pages/volunteer/index' });
  },

  openBoard() {
    wx.navigateTo({ url: '/pages/board/index' });
  },

  openMoments() {
    wx.navigateTo({ url: '/pages/moments/index' });
  },

  openField() {
    wx.navigateTo({ url: '/pages/field/inbox/index' });
  },

  /** 下载我的数据: the whole copy, saved as a file the citizen can send to themselves. */
  async exportData() {
    wx.showLoading({ title: '正在导出' });
    try {
      const data = await api.myData();
      const filePath = `${wx.env.USER_DATA_PATH}/${EXPORT_FILE}`;
      await new Promise<void>((resolve, reject) =>
        wx.getFileSystemManager().writeFile({
          filePath,
          data: JSON.stringify(data, null, 2),
          encoding: 'utf8',
          success: () => resolve(),
          fail: (e) => reject(new ApiError('file', 0, `保存失败：${e.errMsg}`)),
        }),
      );
      wx.hideLoading();
      const n = data.reports.length;
      const r = await wx.showModal({
        title: '数据已导出',
        content: `共 ${n} 条上报、${data.follows.length} 条附议、${data.points.entries.length} 条积分记录。可发送到“文件传输助手”保存。`,
        confirmText: '发送文件',
      });
      if (r.confirm) wx.shareFileMessage({ filePath, fileName: EXPORT_FILE });
    } catch (e) {
      wx.hideLoading();
      wx.showToast({ title: (e as ApiError).message, icon: 'none' });
    }
  },

  /** 注销账号: asked twice in words, then done on the server and forgotten here. */
  async deleteAccount() {
    const r = await wx.showModal({
      title: '注销账号',
      content: '注销后身份信息将被删除，积分和未使用的兑换码作废，且不可恢复。已上报的问题作为城市档案保留，不再与您关联。',
      confirmText: '确认注销',
      confirmColor: '#e34d59',
    });
    if (!r.confirm) return;
    try {
      await api.deleteMe();
      // The session and an unsent draft are the deleted person's too.
      wx.removeStorageSync('ssp.citizen');
      wx.removeStorageSync('ssp.draft');
      wx.showToast({ title: '账号已注销', icon: 'success' });
      // Signed out, not signed in again behind the person's back: a new
      // account starts only when they use the mini-program again.
      this.generation++;
      this.setData({ items: [], cursor: '', end: true, loading: false, error: '', deleted: true });
    } catch (e) {
      wx.showToast({ title: (e as ApiError).message, icon: 'none' });
    }
  },
});

/** The name of the exported file. */
const EXPORT_FILE = 'suishoupai-my-data.json';
