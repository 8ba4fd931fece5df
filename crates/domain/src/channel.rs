//! How a report comes in, and how an Open311 (GeoReport v2) client reads a
//! case's status: the two words of each, written once.

use crate::CaseStatus;

crate::vocabulary! {
    stored;
    /// How a report came in.
    #[cfg_attr(
        feature = "openapi",
        derive(poem_openapi::Enum),
        oai(rename_all = "snake_case")
    )]
    pub enum Channel {
        /// A citizen, in the WeChat mini-program.
        MiniProgram = "mini_program",
        /// An integrator (a 12345 hotline, an app) through Open311.
        Open311 = "open311",
        /// A volunteer's 劝导 that failed: the behaviour goes on, so it
        /// becomes a case for the routed unit.
        Persuasion = "persuasion",
        /// 随手治: a volunteer fixed a small problem and filed it with
        /// before and after photos; the case starts resolved, for the
        /// dispatcher to verify (群众自治, counted apart from the units' work).
        SelfFix = "self_fix",
    }
}

impl Channel {
    /// The channel in words.
    pub fn label(self) -> &'static str {
        match self {
            Self::MiniProgram => "小程序",
            Self::Open311 => "Open311 对接",
            Self::Persuasion => "志愿者劝导未果",
            Self::SelfFix => "随手治",
        }
    }
}

crate::vocabulary! {
    /// A case's status as a GeoReport v2 client reads it.
    pub enum ServiceStatus {
        Open = "open",
        Closed = "closed",
    }
}

impl ServiceStatus {
    /// Case statuses a GeoReport client reads as `closed`: the case is
    /// over, whether done, refused or merged.
    pub const CLOSED: [CaseStatus; 3] = [
        CaseStatus::Closed,
        CaseStatus::Rejected,
        CaseStatus::Duplicate,
    ];

    /// How a client reads a case in `status`.
    pub fn of(status: CaseStatus) -> Self {
        if Self::CLOSED.contains(&status) {
            Self::Closed
        } else {
            Self::Open
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_finished_cases_read_as_closed() {
        let closed: Vec<_> = CaseStatus::ALL
            .into_iter()
            .filter(|s| ServiceStatus::of(*s) == ServiceStatus::Closed)
            .collect();
        assert_eq!(
            closed,
            [
                CaseStatus::Rejected,
                CaseStatus::Duplicate,
                CaseStatus::Closed
            ]
        );
    }
}
