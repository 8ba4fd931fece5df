/**
 * 曝光台 · 红黑榜, for anyone without signing in: the closed cases with
 * their before and after photos (only those the city reviewed), the time
 * they took and whether the unit kept its deadline; the districts' month
 * ranked by a figure the citizen picks, with how each is counted; and the
 * published good moments. Shareable.
 */
import { api } from '../../api/index';
import { ApiError } from '../../api/client';
import type { BoardCaseView, BoardMoment, DistrictView, Formula, Photo, RankByParam } from '../../api/types';
import { percent, took, when } from '../../utils/format';

type Tab = 'cases' | 'districts' | 'moments';

/** The figures the districts may be ranked by, in the switch's order. */
const RANKS: RankByParam[] = ['onTimeCloseRate', 'closeRate', 'satisfactionRate', 'casesPer10k'];

interface CaseRow extends BoardCaseView {
  closed: string;
  took: string;
  stars: string;
}

interface MomentRow extends BoardMoment {
  when: string;
}

interface DistrictRow extends DistrictView {
  /** The place in words: 「1」, or 「—」 with no figure to rank by. */
  place: string;
  /** The figure ranked by, in words: 「87.5%」, 「3.2 件/万人」, 「—」. */
  figure: string;
  /** 红榜 (the best) or 黑榜 (the last of several ranks). */
  mark: '' | 'red' | 'black';
}

interface Data {
  tab: Tab;
  cases: CaseRow[];
  moments: MomentRow[];
  /** The next page's cursor of the list on screen. */
  next: string;
  rankBy: RankByParam;
  /** 「2026年5月」: the month the districts' figures are of. */
  monthLabel: string;
  ranks: { key: RankByParam; name: string }[];
  districts: DistrictRow[];
  formulas: Formula[];
  loading: boolean;
  error: string;
}

function caseRow(c: BoardCaseView): CaseRow {
  const stars = c.rating ? '★★★★★'.slice(0, c.rating) + '☆☆☆☆☆'.slice(c.rating) : '';
  return { ...c, closed: when(c.closedAt), took: took(c.hoursTaken), stars };
}

function figure(d: DistrictView, by: RankByParam): string {
  if (by !== 'casesPer10k') return percent(d[by]);
  return d.casesPer10k === undefined || d.casesPer10k === null ? '—' : `${d.casesPer10k} 件/万人`;
}

/** 「2026年5月」 from `2026-05`. */
function monthLabel(m: string): string {
  const [y, mm] = m.split('-');
  return y && mm ? `${y}年${Number(mm)}月` : m;
}

Page({
  data: {
    tab: 'cases',
    cases: [],
    moments: [],
    next: '',
    rankBy: 'onTimeCloseRate',
    monthLabel: '',
    ranks: [],
    districts: [],
    formulas: [],
    loading: false,
    error: '',
  } as Data,

  onLoad(query: Record<string, string | undefined>) {
    const tab = query.tab as Tab | undefined;
    if (tab === 'districts' || tab === 'moments') this.setData({ tab });
  },

  onShow() {
    this.reload();
  },

  onPullDownRefresh() {
    this.reload().then(() => wx.stopPullDownRefresh());
  },

  onReachBottom() {
    const d = this.data as Data;
    if (d.next && !d.loading) this.more();
  },

  onShareAppMessage() {
    const tab = (this.data as Data).tab;
    const title = tab === 'districts' ? '红黑榜：各区按期结案率排名' : tab === 'moments' ? '身边的文明美好瞬间' : '曝光台：市民反映的问题办结了';
    return { title, path: `/pages/board/index?tab=${tab}` };
  },

  pickTab(e: WechatMiniprogram.BaseEvent) {
    const tab = e.currentTarget.dataset.tab as Tab;
    if (tab === (this.data as Data).tab) return;
    this.setData({ tab });
    this.reload();
  },

  pickRank(e: WechatMiniprogram.BaseEvent) {
    const rankBy = e.currentTarget.dataset.key as RankByParam;
    if (rankBy === (this.data as Data).rankBy) return;
    this.setData({ rankBy, districts: [] });
    this.reload();
  },

  /** Numbers the loads: an answer to an older one (another tab or figure) is dropped. */
  generation: 0,

  reload() {
    this.generation++;
    this.setData({ cases: [], moments: [], next: '', error: '' });
    return this.load();
  },

  more() {
    return this.load((this.data as Data).next);
  },

  async load(cursor?: string) {
    const d = this.data as Data;
    const mine = this.generation;
    this.setData({ loading: true, error: '' });
    try {
      if (d.tab === 'districts') {
        const b = await api.boardDistricts(d.rankBy);
        if (mine !== this.generation) return;
        const last = b.districts.reduce((n, x) => Math.max(n, x.rank || 0), 0);
        const names = new Map(b.formulas.map((f) => [f.field, f.name]));
        this.setData({
          monthLabel: monthLabel(b.month),
          ranks: RANKS.map((key) => ({ key, name: names.get(key) || key })),
          districts: b.districts.map((x) => ({
            ...x,
            place: x.rank ? String(x.rank) : '—',
            figure: figure(x, b.rankBy),
            mark: x.rank === 1 ? 'red' : last > 1 && x.rank === last ? 'black' : '',
          })),
          formulas: b.formulas,
          loading: false,
        });
      } else if (d.tab === 'cases') {
        const page = await api.boardCases(cursor);
        if (mine !== this.generation) return;
        this.setData({
          cases: (this.data as Data).cases.concat(page.items.map(caseRow)),
          next: page.nextCursor || '',
          loading: false,
        });
      } else {
        const page = await api.board(cursor);
        if (mine !== this.generation) return;
        const rows = page.items.map((m) => ({ ...m, when: when(m.createdAt) }));
        this.setData({
          moments: (this.data as Data).moments.concat(rows),
          next: page.nextCursor || '',
          loading: false,
        });
      }
    } catch (e) {
      if (mine === this.generation) this.setData({ loading: false, error: (e as ApiError).message });
    }
  },

  /** A case's photos, before then after, the tapped one shown first. */
  preview(e: WechatMiniprogram.BaseEvent) {
    const { index, url } = e.currentTarget.dataset as { index: number; url: string };
    const c = (this.data as Data).cases[index];
    const urls = c ? c.beforePhotos.concat(c.afterPhotos).map((p: Photo) => p.url) : [url];
    wx.previewImage({ urls, current: url });
  },

  previewMoment(e: WechatMiniprogram.BaseEvent) {
    const url = String(e.currentTarget.dataset.url);
    wx.previewImage({ urls: [url], current: url });
  },

  shareMoment() {
    wx.navigateTo({ url: '/pages/act/index?kind=moment' });
  },
});
