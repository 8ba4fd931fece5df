//! The staff and unit views (the read side of the case loop): the case list
//! with filters, one case with everything (never the reporter's identity),
//! and the reporter's identity for staff, with a reason that goes to the
//! audit log.

mod detail;
mod list;

pub use detail::{
    CaseBrief, CaseDetail, Extension, Filed, Reporter, StaffEvent, get, reporter, show,
};
pub use list::{CaseList, Filters, ListOrder, Unit, list};

use super::error::CaseError;
use crate::core::{Caller, Role};

fn staff_only(caller: &Caller) -> Result<(), CaseError> {
    Ok(caller.require(&[
        Role::Dispatcher,
        Role::Supervisor,
        Role::Admin,
        Role::UnitMember,
    ])?)
}

/// The unit directory as the caller may see it (its scope), by code.
pub fn units(state: &crate::state::AppState, caller: &Caller) -> Result<Vec<Unit>, CaseError> {
    let scope = super::filter::scope(state, caller)?;
    let dir = state.directory.get();
    let mut out: Vec<_> = dir
        .units
        .values()
        .filter(|u| scope.as_ref().is_none_or(|s| s.contains(&u.id)))
        .cloned()
        .collect();
    out.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(out)
}
