//! The enums of the API, each written once: the shared ones derive their
//! OpenAPI schemas where they are defined (`domain`, with its `openapi`
//! feature), and are named here for the
//! HTTP layer. `StaffRole` is the API's own: the roles an account can be
//! given.

use poem_openapi::Enum;

pub use crate::{
    cases::views::ListOrder as CaseOrder,
    core::{CaseStatus, LimitUnit, Role},
    geo::coords::CoordSystem,
};

/// The role of a staff or unit account (every role but citizen, who log
/// in with WeChat).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename = "StaffRole", rename_all = "snake_case")]
pub enum StaffRole {
    /// Manages categories, units, areas, routing, calendar and accounts.
    Admin,
    /// 受理员/派遣员: reviews, dispatches, verifies.
    Dispatcher,
    /// 督办: watches overdue work and indicators.
    Supervisor,
    /// 责任单位 member: handles its unit's cases.
    UnitMember,
}

impl From<StaffRole> for crate::core::Role {
    fn from(r: StaffRole) -> Self {
        match r {
            StaffRole::Admin => Self::Admin,
            StaffRole::Dispatcher => Self::Dispatcher,
            StaffRole::Supervisor => Self::Supervisor,
            StaffRole::UnitMember => Self::UnitMember,
        }
    }
}
