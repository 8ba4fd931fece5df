//! How a report comes in, and how an Open311 (GeoReport v2) client reads a
//! case's status: the two words of each, written once.

use crate::CaseStatus;

crate::vocabulary! {
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
    }
}

impl Channel {
    /// The channel in words.
    pub fn label(self) -> &'static str {
        match self {
            Self::MiniProgram => "小程序",
            Self::Open311 => "Open311 对接",
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
