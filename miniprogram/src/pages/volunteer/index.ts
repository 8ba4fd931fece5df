/**
 * 志愿服务: join a team with the code its leader shares; then the team,
 * its spots (挂包点位) and their patrol times, checking in on site (where
 * the phone is, GCJ-02) with the time running, checking out, and my hours.
 * A patrol never checked out says it closed itself at the city's cap.
 * From here a volunteer records 劝导 and 随手治 (`pages/act`).
 */
import { api } from '../../api/index';
import { ApiError } from '../../api/client';
import { PatrolEnd, TeamRole } from '../../api/labels';
import type { MyTeamView, PatrolRecord, PatrolView, RankingView, SpotView } from '../../api/types';
import { when } from '../../utils/format';

interface SpotRow extends SpotView {
  timesText: string;
}

interface PatrolRow extends PatrolView {
  when: string;
  endText: string;
  hours: string;
  /** 「上报 1 · 劝导 2 · 随手治 1」, what was done meanwhile. */
  counts: string;
}

interface MemberRow {
  userId: string;
  name: string;
  role: 'leader' | 'member';
  roleText: string;
  joined: string;
  /** For the leader: 「巡访中 · 新华广场 · 35 分钟」 or today's hours. */
  today: string;
  onPatrol: boolean;
}

/** Today in China time, YYYY-MM-DD. */
function chinaToday(): string {
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}

/** What each member did today, from the team's patrols (a leader's view). */
function todayOf(records: PatrolRecord[]): Map<string, { text: string; open: boolean }> {
  const open = new Map<string, PatrolRecord>();
  const minutes = new Map<string, number>();
  for (const r of records) {
    if (!r.endedAt) open.set(r.volunteerId, r);
    else minutes.set(r.volunteerId, (minutes.get(r.volunteerId) || 0) + r.minutes);
  }
  const out = new Map<string, { text: string; open: boolean }>();
  for (const [who, m] of minutes) out.set(who, { text: `今日已巡访 ${hours(m)} 小时`, open: false });
  for (const [who, r] of open) out.set(who, { text: `巡访中 · ${r.spotName} · ${r.minutes} 分钟`, open: true });
  return out;
}

interface RankingRows {
  volunteers: { id: string; rank: number; name: string; teamName?: string | null; hours: string }[];
  teams: RankingView['teams'];
  teamsText: string;
}

interface Data {
  state: 'loading' | 'join' | 'team';
  team: (Omit<MyTeamView, 'members'> & { members: MemberRow[] }) | null;
  ranking: RankingRows | null;
  onPatrol: number;
  roleText: string;
  spots: SpotRow[];
  current: PatrolRow | null;
  patrols: PatrolRow[];
  totalHours: string;
  joinCode: string;
  name: string;
  busy: boolean;
  error: string;
}

const WEEK = ['', '一', '二', '三', '四', '五', '六', '日'];

/** Patrol times in words: 「周六、周日 08:00–11:00」. */
function timesText(s: SpotView): string {
  return s.times.map((t) => `${t.weekdays.map((d) => `周${WEEK[d]}`).join('、')} ${t.from}–${t.to}`).join('；');
}

/** A refusal in the volunteer's words (the server's codes, the page's sentences). */
function refusal(e: unknown, joining = false): string {
  const err = e as ApiError;
  const d = (err.details || {}) as { distanceM?: number; allowedM?: number };
  switch (err.code) {
    case 'too_far_from_spot':
      return `您距离点位约${d.distanceM}米，请到点位${d.allowedM}米范围内再签到`;
    case 'patrol_open':
      return '您有一次巡访尚未签退，请先签退';
    case 'patrol_ended':
      return '这次巡访已超过时长上限，已自动结束';
    case 'already_in_team':
      return '您已加入一支服务队，请先退出再加入其他服务队';
    case 'leader_cannot_leave':
      return '队长不能退出服务队，请联系工作人员更换队长';
    case 'not_found':
      return joining ? '加入码不正确，或该服务队已停止招募，请向队长确认' : '服务队或点位已有变动，请下拉刷新后重试';
    default:
      return err.message;
  }
}

function hours(minutes: number): string {
  return (minutes / 60).toFixed(1);
}

function row(p: PatrolView): PatrolRow {
  return {
    ...p,
    when: when(p.startedAt),
    endText: p.endedBy ? PatrolEnd[p.endedBy] : '进行中',
    hours: hours(p.minutes),
    counts: [
      // Reports include the 随手治 cases and the failed 劝导's cases.
      [p.reports - p.selfFixes, '上报'],
      [p.persuasions, '劝导'],
      [p.selfFixes, '随手治'],
    ]
      .filter(([n]) => Number(n) > 0)
      .map(([n, w]) => `${w} ${n}`)
      .join(' · '),
  };
}

/** Where the phone is, in GCJ-02 (what the server checks against the spot). */
function here(): Promise<{ latitude: number; longitude: number }> {
  return new Promise((resolve, reject) =>
    wx.getLocation({
      type: 'gcj02',
      isHighAccuracy: true,
      success: (r) => resolve({ latitude: r.latitude, longitude: r.longitude }),
      fail: () => reject(new ApiError('network', 0, '没有定位：签到需要您当前的位置，请在设置中允许定位后重试')),
    }),
  );
}

Page({
  data: {
    state: 'loading', team: null, ranking: null, onPatrol: 0, roleText: '', spots: [], current: null, patrols: [], totalHours: '0.0',
    joinCode: '', name: '', busy: false, error: '',
  } as Data,

  timer: 0 as number,

  onShow() {
    this.load();
    // The time on an open patrol runs while the page shows.
    this.timer = setInterval(() => this.tick(), 30000) as unknown as number;
  },

  onPullDownRefresh() {
    this.load().then(() => wx.stopPullDownRefresh());
  },

  onHide() {
    clearInterval(this.timer);
  },

  onUnload() {
    clearInterval(this.timer);
  },

  async load() {
    try {
      const team = await api.myTeam();
      const leads = team.role === 'leader';
      const [current, mine, ranking, today] = await Promise.all([
        api.currentPatrol(),
        api.myPatrols(),
        api.rankings().catch(() => null), // the board is a bonus: never the page's failure
        leads ? api.teamPatrols(team.team.id, chinaToday()).then((p) => todayOf(p.items)).catch(() => new Map()) : new Map(),
      ]);
      const done = today as Map<string, { text: string; open: boolean }>;
      this.setData({
        state: 'team',
        team: {
          ...team,
          members: team.members.map((m) => ({
            userId: m.userId, name: m.name, role: m.role, roleText: TeamRole[m.role], joined: when(m.joinedAt),
            today: done.get(m.userId)?.text || '', onPatrol: !!done.get(m.userId)?.open,
          })),
        },
        onPatrol: [...done.values()].filter((x) => x.open).length,
        ranking: ranking
          ? {
              volunteers: ranking.volunteers.slice(0, 10).map((v) => ({
                id: v.id, rank: v.rank, name: v.name, teamName: v.teamName, hours: hours(v.minutes),
              })),
              teams: ranking.teams,
              teamsText: ranking.teams.slice(0, 3).map((t) => `${t.rank}. ${t.name} ${hours(t.minutes)}小时`).join('；'),
            }
          : null,
        roleText: TeamRole[team.role],
        spots: team.spots.map((s) => ({ ...s, timesText: timesText(s) })),
        current: current ? row(current) : null,
        patrols: mine.items.filter((p) => p.endedAt).map(row),
        totalHours: hours(mine.totalMinutes),
        error: '',
      });
    } catch (e) {
      const err = e as ApiError;
      if (err.code === 'not_found') this.setData({ state: 'join', team: null, error: '' });
      else this.setData({ error: err.message });
    }
  },

  /** Refreshes the open patrol's time from the server. */
  async tick() {
    if (!(this.data as Data).current) return;
    try {
      const current = await api.currentPatrol();
      if (current) this.setData({ current: row(current) });
      else this.load();
    } catch {
      // The next tick tries again.
    }
  },

  onCode(e: WechatMiniprogram.CustomEvent) {
    this.setData({ joinCode: String(e.detail.value || '') });
  },

  onName(e: WechatMiniprogram.CustomEvent) {
    this.setData({ name: String(e.detail.value || '') });
  },

  async join() {
    const d = this.data as Data;
    if (!d.joinCode.trim() || !d.name.trim()) return this.setData({ error: '请填写队长提供的加入码和您的姓名' });
    this.setData({ busy: true, error: '' });
    try {
      await api.joinTeam(d.joinCode.trim(), d.name.trim());
      this.setData({ busy: false });
      await this.load();
    } catch (e) {
      this.setData({ busy: false, error: refusal(e, true) });
    }
  },

  async checkIn(e: WechatMiniprogram.BaseEvent) {
    const spot = String(e.currentTarget.dataset.id);
    this.setData({ busy: true, error: '' });
    try {
      const p = await here();
      const patrol = await api.checkIn(spot, p.latitude, p.longitude);
      this.setData({ busy: false, current: row(patrol) });
      wx.showToast({ title: '签到成功', icon: 'success' });
    } catch (err) {
      this.setData({ busy: false, error: refusal(err) });
    }
  },

  async checkOut() {
    const d = this.data as Data;
    if (!d.current) return;
    this.setData({ busy: true, error: '' });
    let at: { latitude: number; longitude: number } | undefined;
    try {
      at = await here();
    } catch {
      at = undefined; // A check-out without a place still counts.
    }
    try {
      const done = await api.checkOut(d.current.id, at && at.latitude, at && at.longitude);
      wx.showToast({ title: `签退成功，${hours(done.minutes)}小时`, icon: 'none' });
      this.setData({ busy: false, current: null });
      await this.load();
    } catch (err) {
      await this.load();
      this.setData({ busy: false, error: refusal(err) });
    }
  },

  /** The leader removes a member, after saying so. */
  async removeMember(e: WechatMiniprogram.BaseEvent) {
    const d = this.data as Data;
    const { id, name } = e.currentTarget.dataset as { id: string; name: string };
    const ok = await new Promise<boolean>((resolve) =>
      wx.showModal({
        title: '移出队员',
        content: `将${name}移出服务队？其志愿时长记录仍然保留。`,
        success: (r) => resolve(!!r.confirm),
        fail: () => resolve(false),
      }),
    );
    if (!ok || !d.team) return;
    try {
      await api.removeMember(d.team.team.id, id);
      await this.load();
    } catch (err) {
      this.setData({ error: refusal(err) });
    }
  },

  openAct(e: WechatMiniprogram.BaseEvent) {
    wx.navigateTo({ url: `/pages/act/index?kind=${String(e.currentTarget.dataset.kind)}` });
  },

  async leave() {
    const ok = await new Promise<boolean>((resolve) =>
      wx.showModal({
        title: '退出服务队',
        content: '退出后您的志愿时长记录仍然保留。确定退出？',
        success: (r) => resolve(!!r.confirm),
        fail: () => resolve(false),
      }),
    );
    if (!ok) return;
    try {
      await api.leaveTeam();
      this.setData({ state: 'join', team: null, joinCode: '', name: '' });
    } catch (e) {
      this.setData({ error: refusal(e) });
    }
  },
});
