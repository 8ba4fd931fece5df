//! The domain of Suishoupai, as a crate of its own so that the compiler
//! keeps it pure: who is calling, case statuses, time limits, China time,
//! cursors, stored-value parsing, photo-URL signatures, the working
//! calendar, and the case loop's transition core (`case::transition`: one
//! pure decision per status × command). Nothing here does I/O or knows
//! poem, sea-orm or the database: built alone (as `.ci/run` checks it), this
//! crate does not depend on them, so an import of them does not build. Two
//! features add derives for the layers around it, and nothing else: with
//! `openapi` (the app's) the shared enums derive their OpenAPI schemas; with
//! `sea-orm` (the `entity` crate's) the stored enums are sea-orm
//! `ActiveEnum`s, the types of their columns.

pub mod attributes;
pub mod calendar;
pub mod caller;
pub mod campaign;
pub mod case;
pub mod channel;
pub mod content;
pub mod error_code;
pub mod feed;
pub mod geo;
pub mod indicators;
pub mod limits;
pub mod outbox;
pub mod page;
pub mod photos;
pub mod points;
pub mod status;
pub mod stored;
pub mod time;
pub mod vocab;
pub mod volunteers;

pub use caller::{Actor, Caller, Forbidden, Role, StaffRole};
pub use error_code::ErrorCode;
pub use limits::{ClockKind, LimitUnit};
pub use status::{CaseStatus, ExtensionStatus};
pub use stored::UnknownStored;
pub use time::{Now, Ts};
