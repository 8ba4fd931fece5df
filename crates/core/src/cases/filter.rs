//! The command centre's filters, the same everywhere: the case list, the
//! map, the indicators, the exports. A filter is resolved once against the
//! catalogues (codes to ids, a 大类 to its 小类, an area to its sub-areas,
//! the caller to the units it may see), then read either as SQL (list,
//! exports) or against the in-memory case index (map, indicators).

use crate::core::ErrorCode;
use crate::{
    cases::error::CaseError,
    core::{Caller, CaseStatus, Role, Ts, time::utc},
    state::AppState,
};
use chrono::{Datelike, Timelike};
use entity::cases::Column as C;
use sea_orm::{ColumnTrait, Condition};
use std::collections::HashSet;
use uuid::Uuid;

/// The filters as the caller gave them (codes, not ids).
#[derive(Debug, Default, Clone)]
pub struct CaseFilter {
    /// Any of these statuses (none: every status).
    pub statuses: Vec<CaseStatus>,
    /// A category code; a 大类 includes its 小类.
    pub category: Option<String>,
    /// A unit code: cases dispatched to that unit.
    pub unit: Option<String>,
    /// An area code, with the areas inside it.
    pub area: Option<String>,
    /// Overdue now (超期, clock running or suspended).
    pub overdue: Option<bool>,
    /// Warned (预警 raised) and still open.
    pub warned: Option<bool>,
    /// Escalated (督办) at least one level.
    pub escalated: Option<bool>,
    pub created_from: Option<Ts>,
    pub created_to: Option<Ts>,
    pub closed_from: Option<Ts>,
    pub closed_to: Option<Ts>,
}

/// A filter with its codes resolved to ids, and the caller's scope.
#[derive(Debug, Default, Clone)]
pub struct Resolved {
    pub statuses: Option<HashSet<CaseStatus>>,
    pub categories: Option<HashSet<Uuid>>,
    pub unit: Option<Uuid>,
    pub areas: Option<HashSet<Uuid>>,
    /// The units a unit member may see (its unit's subtree); none for staff.
    pub scope: Option<HashSet<Uuid>>,
    pub overdue: Option<bool>,
    pub warned: Option<bool>,
    pub escalated: Option<bool>,
    pub created_from: Option<Ts>,
    pub created_to: Option<Ts>,
    pub closed_from: Option<Ts>,
    pub closed_to: Option<Ts>,
}

fn bad(code: ErrorCode, message: String) -> CaseError {
    CaseError::BadFilter { code, message }
}

/// Staff see the whole city, a unit member its unit's subtree; anyone else
/// is refused.
pub fn scope(state: &AppState, caller: &Caller) -> Result<Option<HashSet<Uuid>>, CaseError> {
    caller.require(&[
        Role::Dispatcher,
        Role::Supervisor,
        Role::Admin,
        Role::UnitMember,
    ])?;
    Ok(match caller.role {
        Role::UnitMember => Some(
            caller
                .unit_id
                .map(|u| state.directory.get().subtree(u))
                .unwrap_or_default()
                .into_iter()
                .collect(),
        ),
        _ => None,
    })
}

impl CaseFilter {
    /// Resolves codes to ids (an unknown code is `400`) and adds the
    /// caller's scope (a citizen is `403`).
    pub fn resolve(self, state: &AppState, caller: &Caller) -> Result<Resolved, CaseError> {
        let scope = scope(state, caller)?;
        let range_ok =
            |a: Option<Ts>, b: Option<Ts>| !matches!((a, b), (Some(a), Some(b)) if a > b);
        let bounds = [
            self.created_from,
            self.created_to,
            self.closed_from,
            self.closed_to,
        ];
        if !range_ok(self.created_from, self.created_to)
            || !range_ok(self.closed_from, self.closed_to)
            || bounds
                .iter()
                .flatten()
                .any(|t| !(2000..=2100).contains(&t.year()))
        {
            return Err(bad(
                ErrorCode::InvalidPeriod,
                "a period's start must not be after its end, and both lie within the years 2000–2100"
                    .into(),
            ));
        }
        let categories = match &self.category {
            None => None,
            Some(code) => Some(
                state
                    .categories
                    .get()
                    .with_children(code)
                    .ok_or_else(|| {
                        bad(
                            ErrorCode::UnknownCategory,
                            format!("no category with code {code}"),
                        )
                    })?
                    .into_iter()
                    .collect(),
            ),
        };
        let unit = match &self.unit {
            None => None,
            Some(code) => Some(
                state
                    .directory
                    .get()
                    .unit_by_code(code)
                    .ok_or_else(|| {
                        bad(ErrorCode::UnknownUnit, format!("no unit with code {code}"))
                    })?
                    .id,
            ),
        };
        let areas = match &self.area {
            None => None,
            Some(code) => Some(
                state
                    .areas
                    .get()
                    .subtree_of_code(code)
                    .ok_or_else(|| {
                        bad(ErrorCode::UnknownArea, format!("no area with code {code}"))
                    })?
                    .into_iter()
                    .collect(),
            ),
        };
        Ok(Resolved {
            statuses: (!self.statuses.is_empty()).then(|| self.statuses.into_iter().collect()),
            categories,
            unit,
            areas,
            scope,
            overdue: self.overdue,
            warned: self.warned,
            escalated: self.escalated,
            created_from: self.created_from.map(whole_second),
            created_to: self.created_to.map(whole_second),
            closed_from: self.closed_from.map(whole_second),
            closed_to: self.closed_to.map(whole_second),
        })
    }
}

/// A bound in UTC, down to the whole second (the index counts in seconds;
/// SQL and the index then agree on every case).
fn whole_second(t: Ts) -> Ts {
    let t = utc(t);
    t.with_nanosecond(0).unwrap_or(t)
}

fn statuses(pred: fn(CaseStatus) -> bool) -> Vec<&'static str> {
    CaseStatus::ALL
        .into_iter()
        .filter(|s| pred(*s))
        .map(CaseStatus::as_str)
        .collect()
}

/// Overdue now: marked overdue, and its clock runs or is suspended.
pub fn is_overdue(status: CaseStatus, overdue_marked: bool) -> bool {
    overdue_marked && status.overdue_counts()
}

/// Warned: the 预警 was raised and the case is still open.
pub fn is_warned(status: CaseStatus, warned_marked: bool) -> bool {
    warned_marked && CaseStatus::OPEN.contains(&status)
}

fn flag(cond: Condition, want: Option<bool>) -> Option<Condition> {
    want.map(|w| if w { cond } else { cond.not() })
}

impl Resolved {
    /// The filter as a SQL condition on `cases`.
    pub fn condition(&self) -> Condition {
        let mut c = Condition::all();
        let ids = |s: &HashSet<Uuid>| s.iter().copied().collect::<Vec<_>>();
        if let Some(s) = &self.statuses {
            c = c.add(C::Status.is_in(s.iter().map(|s| s.as_str())));
        }
        if let Some(s) = &self.categories {
            c = c.add(C::CategoryId.is_in(ids(s)));
        }
        if let Some(u) = self.unit {
            c = c.add(C::UnitId.eq(u));
        }
        if let Some(s) = &self.areas {
            c = c.add(C::AreaId.is_in(ids(s)));
        }
        if let Some(s) = &self.scope {
            c = c.add(C::UnitId.is_in(ids(s)));
        }
        let overdue = Condition::all()
            .add(C::OverdueAt.is_not_null())
            .add(C::Status.is_in(statuses(CaseStatus::overdue_counts)));
        let warned = Condition::all()
            .add(C::WarnedAt.is_not_null())
            .add(C::Status.is_in(statuses(|s| CaseStatus::OPEN.contains(&s))));
        let escalated = Condition::all().add(C::EscalationLevel.gt(0));
        for f in [
            flag(overdue, self.overdue),
            flag(warned, self.warned),
            flag(escalated, self.escalated),
        ]
        .into_iter()
        .flatten()
        {
            c = c.add(f);
        }
        if let Some(t) = self.created_from {
            c = c.add(C::CreatedAt.gte(t));
        }
        if let Some(t) = self.created_to {
            c = c.add(C::CreatedAt.lt(t));
        }
        if self.closed_from.is_some() || self.closed_to.is_some() {
            // A case rated unsatisfied left 结案 but keeps its `closed_at`.
            c = c.add(C::Status.eq(CaseStatus::Closed.as_str()));
        }
        if let Some(t) = self.closed_from {
            c = c.add(C::ClosedAt.gte(t));
        }
        if let Some(t) = self.closed_to {
            c = c.add(C::ClosedAt.lt(t));
        }
        c
    }
}
