/** The server's operations the mini-program uses, typed from the spec. */
import './auth';
import { call } from './client';
import type {
  ActionBody,
  BindWechat,
  ExtensionRequest,
  Me,
  NotedBody,
  ResolveBody,
  CaseStatus,
  CasePage,
  CaseView,
  CategoryGroup,
  CreateReport,
  Following,
  MyData,
  MyPoints,
  RedemptionPage,
  Redemption,
  ReportPage,
  ReportView,
  Reward,
  MyTeamView,
  PatrolView,
  PatrolPageView,
  RankingView,
  PatrolRecordPage,
  PersuasionInput,
  PersuasionView,
  PersuasionPageView,
  SelfFixInput,
  MomentInput,
  MomentView,
  MomentPageView,
  BoardPage,
  BoardCasePageView,
  DistrictBoardView,
  RankByParam,
  SubmitInput,
  TaskList,
  TaskOut,
} from './types';
import type { components } from './schema';

export type NearbyCase = components['schemas']['NearbyCase'];

export const api = {
  categories: () => call<CategoryGroup[]>('/api/v1/categories', { as: 'none' }),

  nearby: (lat: number, lng: number, categoryCode: string) =>
    call<NearbyCase[]>('/api/v1/reports/nearby', { query: { lat, lng, coordSystem: 'gcj02', categoryCode } }),

  follow: (id: string) => call<Following>(`/api/v1/reports/${id}/follow`, { method: 'POST' }),

  /** Files a report; `key` is the Idempotency-Key kept until it succeeds. */
  submit: (body: CreateReport, key: string) =>
    call<ReportView>('/api/v1/reports', { method: 'POST', data: body, header: { 'Idempotency-Key': key } }),

  myReports: (cursor?: string) =>
    call<ReportPage>('/api/v1/me/reports', { query: { cursor, limit: 20, coordSystem: 'gcj02' } }),

  myFollows: (cursor?: string) =>
    call<ReportPage>('/api/v1/me/follows', { query: { cursor, limit: 20, coordSystem: 'gcj02' } }),

  report: (id: string) => call<ReportView>(`/api/v1/reports/${id}`, { query: { coordSystem: 'gcj02' } }),

  rate: (id: string, score: number, comment?: string) =>
    call<ReportView>(`/api/v1/reports/${id}/rating`, { method: 'POST', data: { score, comment: comment || undefined } }),

  /** The caller's team (404 `not_found` when they are in none). */
  myTeam: () => call<MyTeamView>('/api/v1/me/team', { query: { coordSystem: 'gcj02' } }),
  joinTeam: (joinCode: string, name: string) =>
    call<MyTeamView>('/api/v1/me/team', { method: 'POST', data: { joinCode, name } }),
  leaveTeam: () => call<void>('/api/v1/me/team', { method: 'DELETE' }),
  /** Checks in at a spot where the phone is (GCJ-02, as `wx.getLocation` gives it). */
  checkIn: (spotId: string, lat: number, lng: number) =>
    call<PatrolView>('/api/v1/me/patrols', { method: 'POST', data: { spotId, location: { lat, lng, coordSystem: 'gcj02' } } }),
  checkOut: (id: string, lat?: number, lng?: number) =>
    call<PatrolView>(`/api/v1/me/patrols/${id}/check-out`, {
      method: 'POST',
      data: lat === undefined || lng === undefined ? {} : { location: { lat, lng, coordSystem: 'gcj02' } },
    }),
  /** The open patrol, or nothing (204). */
  currentPatrol: async (): Promise<PatrolView | undefined> => {
    const p = await call<PatrolView | ''>('/api/v1/me/patrols/current');
    return p && typeof p === 'object' ? p : undefined;
  },
  myPatrols: (cursor?: string) => call<PatrolPageView>('/api/v1/me/patrols', { query: { cursor, limit: 20 } }),
  rankings: () => call<RankingView>('/api/v1/volunteers/rankings'),
  /** A leader's team's patrols checked in on a day (China time), open ones included. */
  teamPatrols: (teamId: string, day: string) =>
    call<PatrolRecordPage>('/api/v1/admin/patrols', { query: { teamId, from: day, to: day, limit: 100 } }),
  /** The leader removes a member from their team. */
  removeMember: (teamId: string, userId: string) => call<void>(`/api/v1/teams/${teamId}/members/${userId}`, { method: 'DELETE' }),
  /** A 劝导: stopped on the spot (a record) or not (a case for the routed unit). */
  persuade: (body: PersuasionInput) => call<PersuasionView>('/api/v1/me/persuasions', { method: 'POST', data: body }),
  myPersuasions: (cursor?: string) =>
    call<PersuasionPageView>('/api/v1/me/persuasions', { query: { cursor, limit: 20, coordSystem: 'gcj02' } }),
  /** A 随手治: a case filed resolved, waiting for the city's check. */
  selfFix: (body: SelfFixInput) => call<ReportView>('/api/v1/me/self-fixes', { method: 'POST', data: body }),
  /** A good moment (文明美好瞬间), waiting for review. */
  fileMoment: (body: MomentInput) => call<MomentView>('/api/v1/moments', { method: 'POST', data: body }),
  myMoments: (cursor?: string) =>
    call<MomentPageView>('/api/v1/me/moments', { query: { cursor, limit: 20, coordSystem: 'gcj02' } }),
  /** The public board: published moments, no sign-in. */
  board: (cursor?: string) => call<BoardPage>('/api/v1/moments', { as: 'none', query: { cursor, limit: 20 } }),
  /** 曝光台: closed cases with their reviewed before and after photos, no sign-in. */
  boardCases: (cursor?: string) =>
    call<BoardCasePageView>('/api/v1/board/cases', { as: 'none', query: { cursor, limit: 20, coordSystem: 'gcj02' } }),
  /** 红黑榜: the districts' month (default this month) ranked by `rankBy`, no sign-in. */
  boardDistricts: (rankBy: RankByParam, month?: string) =>
    call<DistrictBoardView>('/api/v1/board/districts', { as: 'none', query: { month, rankBy } }),

  points: (cursor?: string) => call<MyPoints>('/api/v1/me/points', { query: { cursor, limit: 20 } }),
  rewards: () => call<Reward[]>('/api/v1/rewards'),
  /** `key`: an Idempotency-Key kept until it succeeds, so a retry never spends twice. */
  redeem: (id: string, key: string) =>
    call<Redemption>(`/api/v1/rewards/${id}/redeem`, { method: 'POST', header: { 'Idempotency-Key': key } }),
  redemptions: (cursor?: string) => call<RedemptionPage>('/api/v1/me/redemptions', { query: { cursor, limit: 20 } }),

  /** Everything the city holds about the citizen (个人信息保护法). */
  myData: () => call<MyData>('/api/v1/me/data'),
  /** Deletes the citizen's account: the identity goes, the reports stay as the city's records. */
  deleteMe: () => call<void>('/api/v1/me', { method: 'DELETE' }),

  /** The unit's open cases, most urgent first. */
  inbox: (status: CaseStatus[], cursor?: string) =>
    call<CasePage>('/api/v1/cases', {
      as: 'staff',
      query: { status, sort: 'due', cursor, limit: 20, coordSystem: 'gcj02' },
    }),
  case: (id: string) => call<CaseView>(`/api/v1/cases/${id}`, { as: 'staff', query: { coordSystem: 'gcj02' } }),
  claim: (id: string, body: ActionBody) => call<CaseView>(`/api/v1/cases/${id}/claim`, { as: 'staff', method: 'POST', data: body }),
  giveBack: (id: string, body: NotedBody) => call<CaseView>(`/api/v1/cases/${id}/return`, { as: 'staff', method: 'POST', data: body }),
  resolve: (id: string, body: ResolveBody) => call<CaseView>(`/api/v1/cases/${id}/resolve`, { as: 'staff', method: 'POST', data: body }),
  askExtension: (id: string, body: ExtensionRequest) =>
    call<CaseView>(`/api/v1/cases/${id}/extensions`, { as: 'staff', method: 'POST', data: body }),
  /** The unit's 创建日历 tasks due from `from` to `to` (YYYY-MM-DD). */
  tasks: (from: string, to: string) => call<TaskList>('/api/v1/calendar/tasks', { as: 'staff', query: { from, to } }),
  task: (id: string) => call<TaskOut>(`/api/v1/calendar/tasks/${id}`, { as: 'staff' }),
  submitTask: (id: string, body: SubmitInput) =>
    call<TaskOut>(`/api/v1/calendar/tasks/${id}/submit`, { as: 'staff', method: 'POST', data: body }),
  bindWechat: (code: string, password: string) =>
    call<Me>('/api/v1/me/wechat', { as: 'staff', method: 'POST', data: { code, password } as BindWechat }),
};
