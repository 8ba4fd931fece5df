//! The OpenAPI schemas of the shared enums of `crate::core`: local mirrors
//! (`#[oai(remote)]`) with `From` both ways, so that the shared types stay
//! free of poem-openapi. The names in the spec are the shared types' names.

use poem_openapi::Enum;

/// Where a case stands in 点单—派单—接单—评单.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(
    rename = "CaseStatus",
    rename_all = "snake_case",
    remote = "crate::core::CaseStatus"
)]
pub enum CaseStatus {
    /// 待受理: waiting for review.
    Submitted,
    /// 不予受理: refused, with a reason shown to the citizen.
    Rejected,
    /// 重复: merged into an earlier case.
    Duplicate,
    /// 已立案: accepted, waiting for dispatch.
    Accepted,
    /// 已派遣: sent to the responsible unit.
    Dispatched,
    /// 已回退: the unit returned a wrong dispatch.
    Returned,
    /// 处置中: the unit is working on it.
    InProgress,
    /// 已处置: the unit reports it fixed, with after-photos.
    Resolved,
    /// 已结案: verified and closed.
    Closed,
    /// 返工: verification failed; back to the unit.
    Reopened,
    /// 挂账: approved long-term work; no deadline runs.
    Suspended,
}

/// Who a user is to the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(
    rename = "Role",
    rename_all = "snake_case",
    remote = "crate::core::Role"
)]
pub enum Role {
    /// 市民: reports problems and rates results.
    Citizen,
    /// Manages categories, units, areas, routing, calendar and accounts.
    Admin,
    /// 受理员/派遣员: reviews, dispatches, verifies.
    Dispatcher,
    /// 督办: watches overdue work and indicators.
    Supervisor,
    /// 责任单位 member: handles its unit's cases.
    UnitMember,
    /// An Open311 integrator (a 12345 hotline, an app): files reports
    /// through its api_key; never logs in.
    Integrator,
}

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

/// How a time limit is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(
    rename = "LimitUnit",
    rename_all = "snake_case",
    remote = "crate::core::LimitUnit"
)]
pub enum LimitUnit {
    /// 工作时: hours inside the working hours of working days.
    WorkHours,
    /// 工作日: whole working days.
    WorkDays,
    /// 自然时: wall-clock hours, calendar ignored (urgent work).
    NaturalHours,
}

/// Which datum a coordinate is in. WeChat's map and `wx.getLocation({type:'gcj02'})`
/// speak GCJ-02; GPS, Open311 and GeoJSON speak WGS-84.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Enum)]
#[oai(
    rename = "CoordSystem",
    rename_all = "lowercase",
    remote = "crate::geo::coords::CoordSystem"
)]
pub enum CoordSystem {
    #[default]
    Wgs84,
    Gcj02,
}

/// The order of the case list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Enum)]
#[oai(
    rename = "CaseOrder",
    rename_all = "lowercase",
    remote = "crate::cases::views::ListOrder"
)]
pub enum CaseOrder {
    /// Newest first.
    #[default]
    Newest,
    /// Most urgent first: the earliest handling deadline (overdue first), then
    /// the oldest; cases without a running deadline last. A unit's inbox.
    Due,
}
