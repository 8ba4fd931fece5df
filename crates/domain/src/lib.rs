//! The domain of Suishoupai, as a crate of its own so that the compiler
//! keeps it pure: who is calling, case statuses, time limits, China time,
//! cursors, stored-value parsing, photo-URL signatures, the working
//! calendar, and the case loop's transition core (`case::transition`: one
//! pure decision per status × command). Nothing here does I/O or knows
//! poem, sea-orm or the database: this crate does not depend on them, so an
//! import of them does not build. With the `openapi` feature the shared
//! enums also derive their OpenAPI schemas, for the HTTP layer.

pub mod calendar;
pub mod caller;
pub mod case;
pub mod content;
pub mod limits;
pub mod outbox;
pub mod page;
pub mod photos;
pub mod points;
pub mod status;
pub mod stored;
pub mod time;
pub mod vocab;

pub use caller::{Actor, Caller, Forbidden, Role};
pub use limits::{ClockKind, LimitUnit};
pub use status::{CaseStatus, ExtensionStatus};
pub use stored::UnknownStored;
pub use time::{Now, Ts};
