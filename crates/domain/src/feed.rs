//! The live feed's vocabulary: what kind of change an event is, and why a
//! feed was reset.

use crate::{CaseStatus, case::event::EventAction};

crate::vocabulary! {
    /// What happened.
    #[cfg_attr(
        feature = "openapi",
        derive(poem_openapi::Enum),
        oai(rename_all = "snake_case")
    )]
    pub enum FeedKind {
        /// A citizen's report became a case.
        NewCase = "new_case",
        /// The case moved to another status.
        StatusChanged = "status_changed",
        /// 预警: the deadline is near.
        Warning = "warning",
        /// 超期: the deadline passed.
        Overdue = "overdue",
        /// The unit did not claim within the accept limit (接单超时).
        AcceptOverdue = "accept_overdue",
        /// 督办: escalated to a higher unit.
        Escalation = "escalation",
        /// Anything else on the timeline (a rating, an extension request …).
        Updated = "updated",
        /// Not a case's event: the replay could not give everything since
        /// `Last-Event-ID` (away longer than an hour, or more than
        /// `feed_replay_rows` entries). Reload the view; the feed goes on live.
        Reset = "reset",
    }
}

impl FeedKind {
    /// The kind in words.
    pub fn label(self) -> &'static str {
        match self {
            Self::NewCase => "新上报",
            Self::StatusChanged => "状态变更",
            Self::Warning => "预警",
            Self::Overdue => "超期",
            Self::AcceptOverdue => "接单超时",
            Self::Escalation => "督办",
            Self::Updated => "更新",
            Self::Reset => "已重新同步",
        }
    }

    /// The kind of a timeline entry.
    pub fn of(action: EventAction, from: Option<CaseStatus>, to: CaseStatus) -> Self {
        match action {
            EventAction::Submit => Self::NewCase,
            EventAction::Warning => Self::Warning,
            EventAction::Overdue => Self::Overdue,
            EventAction::AcceptOverdue => Self::AcceptOverdue,
            EventAction::Escalate => Self::Escalation,
            _ if from != Some(to) => Self::StatusChanged,
            _ => Self::Updated,
        }
    }
}

crate::vocabulary! {
    /// Why a feed was reset.
    #[cfg_attr(
        feature = "openapi",
        derive(poem_openapi::Enum),
        oai(rename_all = "snake_case")
    )]
    pub enum ResetReason {
        /// `Last-Event-ID` is older than the replay reaches (an hour).
        TooOld = "too_old",
        /// More entries came since than one replay reads.
        TooMany = "too_many",
    }
}
