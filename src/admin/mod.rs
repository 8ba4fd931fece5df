//! Administration API (role admin): categories, units, areas, routing rules,
//! the working calendar, accounts and the audit log, one folder each (the
//! `#[OpenApi]` impl with its DTOs in `mod.rs`; the queries in the core
//! crate's `admin/<folder>/service.rs`, re-exported here).
//! The same services back `suishoupai admin`.

pub use suishoupai_core::admin::*;

pub mod accounts;
pub mod api_keys;
pub mod areas;
pub mod audit;
pub mod calendar;
pub mod categories;
pub mod rules;
pub mod units;

pub use accounts::AdminAccountsApi;
pub use api_keys::AdminApiKeysApi;
pub use areas::AdminAreasApi;
pub use audit::AdminAuditApi;
pub use calendar::AdminCalendarApi;
pub use categories::AdminCategoriesApi;
pub use rules::AdminRulesApi;
pub use units::AdminUnitsApi;

use crate::{audit::Actor, auth::BearerAuth, core::Role};

/// Only admins administer; their changes are audited under their account.
fn admin(auth: &BearerAuth) -> Result<Actor, AdminError> {
    auth.0.require(&[Role::Admin])?;
    Ok(Actor::of(&auth.0))
}

crate::error_set!(AdminErrors: 400, 401, 403, 404, 409, 413, 415, 422);
