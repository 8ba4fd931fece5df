// Generated from api-docs/openapi.json (x-labels) by scripts/gen-labels.mjs: do not edit; run `npm run gen`.
/** @typedef {import('./api-schema').components['schemas']} Schemas */

/** @type {Record<Schemas['AreaLevel'], string>} */
export const AreaLevel = {
  "district": "区",
  "street": "街道",
  "grid": "网格"
}

/** @type {Record<Schemas['CaseAction'], string>} */
export const CaseAction = {
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
  "decide_extension": "审批延期"
}

/** @type {Record<Schemas['CaseStatus'], string>} */
export const CaseStatus = {
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
  "suspended": "挂账"
}

/** @type {Record<Schemas['Channel'], string>} */
export const Channel = {
  "mini_program": "小程序",
  "open311": "Open311 对接",
  "persuasion": "志愿者劝导未果",
  "self_fix": "随手治"
}

/** @type {Record<Schemas['CheckStatus'], string>} */
export const CheckStatus = {
  "pending": "待检测",
  "pass": "正常",
  "review": "疑似违规",
  "risky": "违规",
  "unchecked": "未能检测"
}

/** @type {Record<Schemas['CheckSubject'], string>} */
export const CheckSubject = {
  "description": "问题描述",
  "comment": "评价内容",
  "photo": "照片"
}

/** @type {Record<Schemas['EventAction'], string>} */
export const EventAction = {
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
  "overdue": "超期"
}

/** @type {Record<Schemas['FeedKind'], string>} */
export const FeedKind = {
  "new_case": "新上报",
  "status_changed": "状态变更",
  "warning": "预警",
  "overdue": "超期",
  "accept_overdue": "接单超时",
  "escalation": "督办",
  "updated": "更新",
  "reset": "已重新同步"
}

/** @type {Record<Schemas['GroupBy'], string>} */
export const GroupBy = {
  "unit": "责任单位",
  "area": "区域",
  "category": "类别",
  "day": "日期"
}

/** @type {Record<Schemas['LimitUnit'], string>} */
export const LimitUnit = {
  "work_hours": "工作时",
  "work_days": "工作日",
  "natural_hours": "自然小时"
}

/** @type {Record<Schemas['MomentStatus'], string>} */
export const MomentStatus = {
  "pending": "待审核",
  "approved": "已通过",
  "rejected": "未通过"
}

/** @type {Record<Schemas['PatrolEnd'], string>} */
export const PatrolEnd = {
  "checked_out": "已签退",
  "capped": "未签退，到时自动结束"
}

/** @type {Record<Schemas['PointsReason'], string>} */
export const PointsReason = {
  "case_accepted": "举报被立案",
  "solved": "评价为已解决",
  "case_accepted_reversed": "立案积分撤回",
  "redeem": "兑换奖品",
  "patrol_hours": "志愿巡访时长",
  "persuasion": "文明劝导",
  "self_fix": "随手治",
  "moment": "文明美好瞬间"
}

/** @type {Record<Schemas['RedemptionStatus'], string>} */
export const RedemptionStatus = {
  "issued": "待领取",
  "used": "已核销"
}

/** @type {Record<Schemas['Role'], string>} */
export const Role = {
  "citizen": "市民",
  "admin": "管理员",
  "dispatcher": "派遣员",
  "supervisor": "督办员",
  "unit_member": "责任单位",
  "integrator": "对接系统"
}

/** @type {Record<Schemas['RuleKind'], string>} */
export const RuleKind = {
  "once": "指定日期",
  "monthly": "每月",
  "weekly": "每周",
  "before_window": "测评前"
}

/** @type {Record<Schemas['StaffRole'], string>} */
export const StaffRole = {
  "admin": "管理员",
  "dispatcher": "派遣员",
  "supervisor": "督办员",
  "unit_member": "责任单位"
}

/** @type {Record<Schemas['TaskStatus'], string>} */
export const TaskStatus = {
  "pending": "待完成",
  "submitted": "待验收",
  "accepted": "已验收",
  "returned": "已退回"
}

/** @type {Record<Schemas['TeamRole'], string>} */
export const TeamRole = {
  "leader": "队长",
  "member": "队员"
}
