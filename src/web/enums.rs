//! The enums of the API, each written once: they derive their OpenAPI
//! schemas where they are defined (`domain`, with its `openapi` feature),
//! and are named here for the HTTP layer.

pub use crate::{
    cases::views::ListOrder as CaseOrder,
    core::{CaseStatus, LimitUnit, Role, StaffRole},
    geo::coords::CoordSystem,
};
