//! Timeline events' actions refuse any other value, as the statuses of
//! migration 3 and the jobs of migration 14 do (`crate::typed`).

const ACTIONS: &[&str] = &[
    "submit",
    "accept",
    "reject",
    "mark_duplicate",
    "dispatch",
    "redispatch",
    "claim",
    "return",
    "resolve",
    "close",
    "reopen",
    "suspend",
    "resume",
    "escalate",
    "request_extension",
    "extension_approved",
    "extension_refused",
    "rate",
    "accept_overdue",
    "warning",
    "overdue",
];

const TYPED: &[crate::typed::Typed] = &[("case_events", "id", "action", ACTIONS, false)];

pub const MIGRATION: crate::typed::Checks = crate::typed::Checks {
    name: "m20261204_000015_typed_events",
    typed: TYPED,
};
