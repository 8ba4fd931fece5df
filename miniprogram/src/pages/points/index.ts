/**
 * 积分: the balance and its history, the rewards and their redemption,
 * and the codes a staff member checks off when the reward is handed over.
 */
import { api } from '../../api/index';
import { ApiError } from '../../api/client';
import type { PointsEntry, Redemption, Reward } from '../../api/types';
import { RedemptionStatus } from '../../api/labels';
import { uuid4, when } from '../../utils/format';
import { appendNew } from '../../utils/list';

/** Keys of redemptions tried and not yet answered, by reward. */
const PENDING = 'ssp.redeem';

interface Entry extends PointsEntry {
  when: string;
}

interface Code extends Redemption {
  when: string;
  statusLabel: string;
}

interface Data {
  balance: number;
  entries: Entry[];
  cursor: string;
  rewards: Reward[];
  codes: Code[];
  error: string;
  redeeming: string;
}

Page({
  data: { balance: 0, entries: [], cursor: '', rewards: [], codes: [], error: '', redeeming: '' } as Data,

  onShow() {
    this.load();
  },

  async load() {
    try {
      const [p, rewards, codes] = await Promise.all([api.points(), api.rewards(), api.redemptions()]);
      this.setData({
        balance: p.balance,
        entries: p.entries.map((e) => ({ ...e, when: when(e.createdAt) })),
        cursor: p.nextCursor || '',
        rewards: rewards.filter((r) => r.active),
        codes: codes.items.map((c) => ({ ...c, when: when(c.createdAt), statusLabel: RedemptionStatus[c.status] })),
        error: '',
      });
    } catch (e) {
      this.setData({ error: (e as ApiError).message });
    }
  },

  /** Whether a next page is on its way: a second tap waits for it. */
  fetching: false,

  async moreEntries() {
    const d = this.data as Data;
    if (!d.cursor || this.fetching) return;
    this.fetching = true;
    try {
      const p = await api.points(d.cursor);
      const rows = p.entries.map((e) => ({ ...e, when: when(e.createdAt) }));
      this.setData({ entries: appendNew((this.data as Data).entries, rows), cursor: p.nextCursor || '' });
    } catch (e) {
      this.setData({ error: (e as ApiError).message });
    }
    this.fetching = false;
  },

  async redeem(e: WechatMiniprogram.BaseEvent) {
    const id = String(e.currentTarget.dataset.id);
    const reward = (this.data as Data).rewards.find((r) => r.id === id);
    if (!reward || (this.data as Data).redeeming) return;
    const ok = await new Promise<boolean>((resolve) =>
      wx.showModal({
        title: '兑换奖品',
        content: `用 ${reward.cost} 积分兑换「${reward.name}」？`,
        success: (r) => resolve(!!r.confirm),
        fail: () => resolve(false),
      }),
    );
    if (!ok) return;
    this.setData({ redeeming: id });
    const pending = (wx.getStorageSync(PENDING) || {}) as Record<string, string>;
    const key = pending[id] || uuid4();
    wx.setStorageSync(PENDING, { ...pending, [id]: key });
    try {
      const r = await api.redeem(id, key);
      const left = (wx.getStorageSync(PENDING) || {}) as Record<string, string>;
      delete left[id];
      wx.setStorageSync(PENDING, left);
      wx.showModal({ title: '兑换成功', content: `兑换码 ${r.code}，领取时请出示给工作人员核销`, showCancel: false });
      await this.load();
    } catch (err) {
      this.setData({ error: (err as ApiError).message });
    }
    this.setData({ redeeming: '' });
  },
});
