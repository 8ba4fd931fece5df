//! What a timeline event records (`case_events.action`).

crate::vocabulary! {
    stored;
    /// What happened to a case, as its timeline records it.
    pub enum EventAction {
        /// The citizen's report (上报).
        Submit = "submit",
        /// 受理/立案.
        Accept = "accept",
        /// 不予受理.
        Reject = "reject",
        /// Merged into an earlier case (重复).
        MarkDuplicate = "mark_duplicate",
        /// 派遣.
        Dispatch = "dispatch",
        /// 改派: dispatched again after a return or to another unit.
        Redispatch = "redispatch",
        /// 接单.
        Claim = "claim",
        /// 回退: the unit returns a wrong dispatch.
        Return = "return",
        /// 处置反馈.
        Resolve = "resolve",
        /// 结案.
        Close = "close",
        /// 返工.
        Reopen = "reopen",
        /// 挂账.
        Suspend = "suspend",
        /// Back from 挂账.
        Resume = "resume",
        /// 督办, by a supervisor or the scheduler.
        Escalate = "escalate",
        /// 延期申请.
        RequestExtension = "request_extension",
        /// The extension approved.
        ExtensionApproved = "extension_approved",
        /// The extension refused.
        ExtensionRefused = "extension_refused",
        /// The citizen's rating (评价).
        Rate = "rate",
        /// Not claimed within the accept limit.
        AcceptOverdue = "accept_overdue",
        /// 预警.
        Warning = "warning",
        /// 超期.
        Overdue = "overdue",
    }
}
