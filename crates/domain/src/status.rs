//! Where a case stands (`api-docs/contract.md` §2), and where an extension request stands.

/// Where a case stands in 点单—派单—接单—评单.
#[cfg_attr(
    feature = "openapi",
    derive(poem_openapi::Enum),
    oai(rename_all = "snake_case")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// 待受理: waiting for review.
    Submitted,
    /// 不予受理: refused, with a reason shown to the citizen.
    Rejected,
    /// 重复: merged into an earlier case.
    Duplicate,
    /// 已立案: accepted, waiting for dispatch.
    Accepted,
    /// 已派遣: sent to the responsible unit.
    Dispatched,
    /// 已回退: the unit returned a wrong dispatch.
    Returned,
    /// 处置中: the unit is working on it.
    InProgress,
    /// 已处置: the unit reports it fixed, with after-photos.
    Resolved,
    /// 已结案: verified and closed.
    Closed,
    /// 返工: verification failed; back to the unit.
    Reopened,
    /// 挂账: approved long-term work; no deadline runs.
    Suspended,
}

use CaseStatus as S;

impl CaseStatus {
    pub const ALL: [CaseStatus; 11] = [
        S::Submitted,
        S::Rejected,
        S::Duplicate,
        S::Accepted,
        S::Dispatched,
        S::Returned,
        S::InProgress,
        S::Resolved,
        S::Closed,
        S::Reopened,
        S::Suspended,
    ];

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

    pub fn as_str(self) -> &'static str {
        match self {
            S::Submitted => "submitted",
            S::Rejected => "rejected",
            S::Duplicate => "duplicate",
            S::Accepted => "accepted",
            S::Dispatched => "dispatched",
            S::Returned => "returned",
            S::InProgress => "in_progress",
            S::Resolved => "resolved",
            S::Closed => "closed",
            S::Reopened => "reopened",
            S::Suspended => "suspended",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

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

/// Where an extension request (延期) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionStatus {
    /// Waiting for a dispatcher's decision.
    Pending,
    /// The deadline moved.
    Approved,
    /// The deadline stays.
    Refused,
}

impl ExtensionStatus {
    pub const ALL: [ExtensionStatus; 3] = [Self::Pending, Self::Approved, Self::Refused];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
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
