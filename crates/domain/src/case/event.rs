//! What a timeline event records (`case_events.action`).

crate::vocabulary! {
    stored;
    /// What happened to a case, as its timeline records it.
    #[cfg_attr(
        feature = "openapi",
        derive(poem_openapi::Enum),
        oai(rename_all = "snake_case")
    )]
    #[derive(serde::Serialize, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
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

impl EventAction {
    /// The step in words, as staff read a timeline.
    pub fn label(self) -> &'static str {
        match self {
            Self::Submit => "上报",
            Self::Accept => "受理立案",
            Self::Reject => "不予受理",
            Self::MarkDuplicate => "标记重复",
            Self::Dispatch => "派遣",
            Self::Redispatch => "改派",
            Self::Claim => "接单",
            Self::Return => "回退",
            Self::Resolve => "处置反馈",
            Self::Close => "核查结案",
            Self::Reopen => "返工",
            Self::Suspend => "挂账",
            Self::Resume => "恢复",
            Self::Escalate => "督办",
            Self::RequestExtension => "申请延期",
            Self::ExtensionApproved => "同意延期",
            Self::ExtensionRefused => "驳回延期",
            Self::Rate => "评价",
            Self::AcceptOverdue => "接单超时",
            Self::Warning => "预警",
            Self::Overdue => "超期",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::EventAction;

    #[test]
    fn serde_writes_the_stored_word() {
        for a in EventAction::ALL {
            let word = serde_json::Value::from(a.as_str());
            assert_eq!(serde_json::to_value(a).ok(), Some(word.clone()));
            assert_eq!(serde_json::from_value::<EventAction>(word).ok(), Some(a));
        }
    }
}
