//! Where a case stands (`api-docs/contract.md` §2), and where an extension request stands.

crate::vocabulary! {
    stored;
    /// Where a case stands in 点单—派单—接单—评单.
    #[cfg_attr(
        feature = "openapi",
        derive(poem_openapi::Enum),
        oai(rename_all = "snake_case")
    )]
    #[derive(serde::Serialize, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum CaseStatus {
        /// 待受理: waiting for review.
        Submitted = "submitted",
        /// 不予受理: refused, with a reason shown to the citizen.
        Rejected = "rejected",
        /// 重复: merged into an earlier case.
        Duplicate = "duplicate",
        /// 已立案: accepted, waiting for dispatch.
        Accepted = "accepted",
        /// 已派遣: sent to the responsible unit.
        Dispatched = "dispatched",
        /// 已回退: the unit returned a wrong dispatch.
        Returned = "returned",
        /// 处置中: the unit is working on it.
        InProgress = "in_progress",
        /// 已处置: the unit reports it fixed, with after-photos.
        Resolved = "resolved",
        /// 已结案: verified and closed.
        Closed = "closed",
        /// 返工: verification failed; back to the unit.
        Reopened = "reopened",
        /// 挂账: approved long-term work; no deadline runs.
        Suspended = "suspended",
    }
}

use CaseStatus as S;

impl CaseStatus {
    /// Statuses in which the handling clock runs.
    pub const CLOCK_RUNS: [CaseStatus; 3] = [S::Dispatched, S::InProgress, S::Reopened];

    /// Statuses that are still someone's work.
    pub const OPEN: [CaseStatus; 7] = [
        S::Submitted,
        S::Accepted,
        S::Dispatched,
        S::Returned,
        S::InProgress,
        S::Resolved,
        S::Reopened,
    ];

    /// Whether the handling clock runs in this status.
    pub fn clock_runs(self) -> bool {
        Self::CLOCK_RUNS.contains(&self)
    }

    /// Whether an overdue mark counts in this status (running or suspended).
    pub fn overdue_counts(self) -> bool {
        self.clock_runs() || self == S::Suspended
    }

    /// The label a citizen sees.
    pub fn label(self) -> &'static str {
        match self {
            S::Submitted => "待受理",
            S::Rejected => "不予受理",
            S::Duplicate => "重复上报",
            S::Accepted => "已立案",
            S::Dispatched => "已派遣",
            S::Returned => "已回退",
            S::InProgress => "处置中",
            S::Resolved => "已处置",
            S::Closed => "已结案",
            S::Reopened => "返工",
            S::Suspended => "挂账",
        }
    }
}

crate::vocabulary! {
    stored;
    /// Where an extension request (延期) stands.
    #[cfg_attr(
        feature = "openapi",
        derive(poem_openapi::Enum),
        oai(rename_all = "snake_case")
    )]
    pub enum ExtensionStatus {
        /// Waiting for a dispatcher's decision.
        Pending = "pending",
        /// The deadline moved.
        Approved = "approved",
        /// The deadline stays.
        Refused = "refused",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(s.as_str()), Some(s));
        }
        for s in ExtensionStatus::ALL {
            assert_eq!(ExtensionStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(CaseStatus::parse("bogus"), None);
    }
}
