//! More typed values: the outbox's jobs and states, content checks' states
//! and subjects, and the points ledger's reasons refuse any other value,
//! as the statuses and roles of migration 3 do (`crate::typed`).

const JOBS: &[&str] = &[
    "wechat_subscribe",
    "unit_webhook",
    "content_text",
    "content_photo",
];
const JOB_STATES: &[&str] = &["pending", "sent", "skipped", "failed"];
const CHECK_STATES: &[&str] = &["pending", "pass", "review", "risky", "unchecked"];
const SUBJECTS: &[&str] = &["description", "comment", "photo"];
const REASONS: &[&str] = &[
    "case_accepted",
    "solved",
    "case_accepted_reversed",
    "redeem",
];

const TYPED: &[crate::typed::Typed] = &[
    ("outbox", "id", "kind", JOBS, false),
    ("outbox", "id", "status", JOB_STATES, false),
    ("content_checks", "id", "status", CHECK_STATES, false),
    ("content_checks", "id", "subject", SUBJECTS, false),
    ("points_ledger", "id", "reason", REASONS, false),
];

pub const MIGRATION: crate::typed::Checks = crate::typed::Checks {
    name: "m20261204_000014_typed_jobs",
    typed: TYPED,
};
