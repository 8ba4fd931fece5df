/**
 * Names for the server's shapes, all taken from the generated `schema.d.ts`
 * (`npm run gen`, from api-docs/openapi.json): nothing here is spelled twice.
 */
import type { components } from './schema';

type S = components['schemas'];

export type TokenResponse = S['TokenResponse'];
export type Me = S['Me'];
export type CategoryGroup = S['CategoryGroup'];
export type Subcategory = S['Subcategory'];
export type LimitUnit = S['LimitUnit'];
export type CreateReport = S['CreateReport'];
export type ReportView = S['ReportView'];
export type ReportSummary = S['ReportSummary'];
export type ReportPage = S['ReportPage'];
export type TimelineEntry = S['TimelineEntry'];
export type EventAction = S['EventAction'];
export type Following = S['Following'];
export type MediaView = S['MediaView'];
export type Photo = S['Photo'];
export type CaseStatus = S['CaseStatus'];
export type CaseView = S['CaseView'];
export type CasePage = S['CasePage'];
export type CaseSummary = S['CaseSummary'];
export type MyPoints = S['MyPoints'];
export type PointsEntry = S['PointsEntry'];
export type Reward = S['Reward'];
export type Redemption = S['Redemption'];
export type RedemptionPage = S['RedemptionPage'];
export type MyData = S['MyData'];
export type ErrorBody = S['ErrorBody'];
export type ErrorCode = S['ErrorCode'];
export type Location = S['Location'];
export type ActionBody = S['ActionBody'];
export type NotedBody = S['NotedBody'];
export type ResolveBody = S['ResolveBody'];
export type ExtensionRequest = S['ExtensionRequest'];
export type BindWechat = S['BindWechat'];
export type MyTeamView = S['MyTeamView'];
export type SpotView = S['SpotView'];
export type PatrolView = S['PatrolView'];
export type PatrolPageView = S['PatrolPageView'];
export type RankingView = S['RankingView'];
export type PersuasionInput = S['PersuasionInput'];
export type PersuasionView = S['PersuasionView'];
export type PersuasionPageView = S['PersuasionPageView'];
export type SelfFixInput = S['SelfFixInput'];
export type MomentInput = S['MomentInput'];
export type MomentView = S['MomentView'];
export type MomentPageView = S['MomentPageView'];
export type BoardPage = S['BoardPage'];
export type BoardMoment = S['BoardMoment'];
export type PatrolRecord = S['PatrolRecord'];
export type PatrolRecordPage = S['PatrolRecordPage'];
export type BoardCaseView = S['BoardCaseView'];
export type BoardCasePageView = S['BoardCasePageView'];
export type DistrictBoardView = S['DistrictBoardView'];
export type DistrictView = S['DistrictView'];
export type Formula = S['Formula'];
export type RankByParam = S['RankByParam'];
export type TaskOut = S['TaskOut'];
export type TaskList = S['TaskList'];
export type TaskStatus = S['TaskStatus'];
export type SubmitInput = S['SubmitInput'];
export type FileView = S['FileView'];
