//! Shared types of every feature, with no I/O and no HTTP: who is calling,
//! error codes, case statuses, time limits, China time, cursors, stored-value parsing and
//! photo URLs. They live in the `domain` crate (`crates/domain`), which
//! cannot import a feature, and knows poem-openapi and sea-orm only through
//! the derives its `openapi` and `sea-orm` features add; this module names
//! them for the app.

pub use domain::case::event::EventAction;
pub use domain::{
    Actor, Caller, CaseStatus, ClockKind, ErrorCode, ExtensionStatus, Forbidden, LimitUnit, Now,
    Role, StaffRole, Ts, UnknownStored, caller, channel, limits, page, photos, status, stored,
    time,
};
