// Generated from api-docs/openapi.json (x-labels) by scripts/gen-labels.js: do not edit; run `npm run gen`.
import type { components } from './schema';

type S = components['schemas'];

export const AreaLevel: Record<S['AreaLevel'], string> = {
  "district": "区",
  "street": "街道",
  "grid": "网格",
};

export const CaseAction: Record<S['CaseAction'], string> = {
  "accept": "受理立案",
  "reject": "不予受理",
  "mark_duplicate": "标记重复",
  "dispatch": "派遣",
  "claim": "接单",
  "return": "回退",
  "resolve": "处置反馈",
  "close": "核查结案",
  "reopen": "返工",
  "suspend": "挂账",
  "resume": "恢复",
  "escalate": "督办",
  "request_extension": "申请延期",
  "decide_extension": "审批延期",
};

export const CaseStatus: Record<S['CaseStatus'], string> = {
  "submitted": "待受理",
  "rejected": "不予受理",
  "duplicate": "重复上报",
  "accepted": "已立案",
  "dispatched": "已派遣",
  "returned": "已回退",
  "in_progress": "处置中",
  "resolved": "已处置",
  "closed": "已结案",
  "reopened": "返工",
  "suspended": "挂账",
};

export const Channel: Record<S['Channel'], string> = {
  "mini_program": "小程序",
  "open311": "Open311 对接",
  "persuasion": "志愿者劝导未果",
  "self_fix": "随手治",
};

export const CheckStatus: Record<S['CheckStatus'], string> = {
  "pending": "待检测",
  "pass": "正常",
  "review": "疑似违规",
  "risky": "违规",
  "unchecked": "未能检测",
};

export const CheckSubject: Record<S['CheckSubject'], string> = {
  "description": "问题描述",
  "comment": "评价内容",
  "photo": "照片",
};

export const EventAction: Record<S['EventAction'], string> = {
  "submit": "上报",
  "accept": "受理立案",
  "reject": "不予受理",
  "mark_duplicate": "标记重复",
  "dispatch": "派遣",
  "redispatch": "改派",
  "claim": "接单",
  "return": "回退",
  "resolve": "处置反馈",
  "close": "核查结案",
  "reopen": "返工",
  "suspend": "挂账",
  "resume": "恢复",
  "escalate": "督办",
  "request_extension": "申请延期",
  "extension_approved": "同意延期",
  "extension_refused": "驳回延期",
  "rate": "评价",
  "accept_overdue": "接单超时",
  "warning": "预警",
  "overdue": "超期",
};

export const FeedKind: Record<S['FeedKind'], string> = {
  "new_case": "新上报",
  "status_changed": "状态变更",
  "warning": "预警",
  "overdue": "超期",
  "accept_overdue": "接单超时",
  "escalation": "督办",
  "updated": "更新",
  "reset": "已重新同步",
};

export const GroupBy: Record<S['GroupBy'], string> = {
  "unit": "责任单位",
  "area": "区域",
  "category": "类别",
  "day": "日期",
};

export const LimitUnit: Record<S['LimitUnit'], string> = {
  "work_hours": "工作时",
  "work_days": "工作日",
  "natural_hours": "自然小时",
};

export const MomentStatus: Record<S['MomentStatus'], string> = {
  "pending": "待审核",
  "approved": "已通过",
  "rejected": "未通过",
};

export const PatrolEnd: Record<S['PatrolEnd'], string> = {
  "checked_out": "已签退",
  "capped": "未签退，到时自动结束",
};

export const PointsReason: Record<S['PointsReason'], string> = {
  "case_accepted": "举报被立案",
  "solved": "评价为已解决",
  "case_accepted_reversed": "立案积分撤回",
  "redeem": "兑换奖品",
  "patrol_hours": "志愿巡访时长",
  "persuasion": "文明劝导",
  "self_fix": "随手治",
  "moment": "文明美好瞬间",
};

export const RedemptionStatus: Record<S['RedemptionStatus'], string> = {
  "issued": "待领取",
  "used": "已核销",
};

export const Role: Record<S['Role'], string> = {
  "citizen": "市民",
  "admin": "管理员",
  "dispatcher": "派遣员",
  "supervisor": "督办员",
  "unit_member": "责任单位",
  "integrator": "对接系统",
};

export const RuleKind: Record<S['RuleKind'], string> = {
  "once": "指定日期",
  "monthly": "每月",
  "weekly": "每周",
  "before_window": "测评前",
};

export const StaffRole: Record<S['StaffRole'], string> = {
  "admin": "管理员",
  "dispatcher": "派遣员",
  "supervisor": "督办员",
  "unit_member": "责任单位",
};

export const TaskStatus: Record<S['TaskStatus'], string> = {
  "pending": "待完成",
  "submitted": "待验收",
  "accepted": "已验收",
  "returned": "已退回",
};

export const TeamRole: Record<S['TeamRole'], string> = {
  "leader": "队长",
  "member": "队员",
};
