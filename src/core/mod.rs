//! Shared types of every feature, with no I/O and no HTTP: who is calling,
//! case statuses, time limits, China time, cursors, stored-value parsing and
//! photo URLs. Features import from here; nothing here imports a feature,
//! poem, poem-openapi or sea-orm (the OpenAPI schemas of these types are
//! mirrors in the HTTP layer, `web::enums`).

pub mod caller;
pub mod limits;
pub mod page;
pub mod photos;
pub mod status;
pub mod stored;
pub mod time;

pub use caller::{Actor, Caller, Forbidden, Role};
pub use limits::{ClockKind, LimitUnit};
pub use status::{CaseStatus, ExtensionStatus};
pub use stored::UnknownStored;
pub use time::{Now, Ts};
