//! Between a case row and a typed [`Case`]: reading (the row's stored
//! enums are already typed; a category without its limits is an error
//! naming the row) and writing back what changed.

use crate::{
    cases::model::{Case, CaseClock, CategoryRules, Rating, TimerField},
    core::UnknownStored,
};
use entity::cases::{self, Column as C};
use sea_orm::{ActiveModelTrait, ColumnTrait, IdenStatic, Value, sea_query::SimpleExpr};

/// A case from its row.
pub fn case_from_row(r: entity::cases::Model) -> Case {
    Case {
        id: r.id,
        case_no: r.case_no,
        reporter_id: r.reporter_id,
        category_id: r.category_id,
        description: r.description,
        lat: r.lat,
        lng: r.lng,
        address: r.address,
        area_id: r.area_id,
        status: r.status,
        channel: r.channel,
        version: r.version,
        unit_id: r.unit_id,
        routed_unit_id: r.routed_unit_id,
        rule_id: r.rule_id,
        clock: CaseClock {
            accept_due_at: r.accept_due_at,
            accept_overdue_at: r.accept_overdue_at,
            kind: r.clock_kind,
            total_minutes: r.clock_total_minutes,
            left_minutes: r.clock_left_minutes,
            due_at: r.due_at,
            warn_at: r.warn_at,
            warned_at: r.warned_at,
            overdue_at: r.overdue_at,
            escalation_level: r.escalation_level,
            escalated_unit_id: r.escalated_unit_id,
            next_escalation_at: r.next_escalation_at,
        },
        suspended_from: r.suspended_from,
        duplicate_of: r.duplicate_of,
        extended: r.extended,
        reopen_count: r.reopen_count,
        return_count: r.return_count,
        claimed_at: r.claimed_at,
        handling_minutes: r.handling_minutes,
        taken_on_at: r.taken_on_at,
        dispatched_at: r.dispatched_at,
        resolved_at: r.resolved_at,
        closed_at: r.closed_at,
        rating: match (r.rating, r.rated_at) {
            (Some(score), Some(at)) => Some(Rating {
                score,
                comment: r.rating_comment,
                at,
            }),
            _ => None,
        },
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

/// The rules of a 小类; a 大类, or a 小类 without its limits, cannot
/// carry cases and is an error naming the row.
pub fn rules_from_row(c: &entity::category::Model) -> Result<CategoryRules, UnknownStored> {
    let missing = |column: &'static str| UnknownStored {
        table: "category",
        row: c.code.clone(),
        column,
        value: "NULL".into(),
    };
    let unit = c.limit_unit.ok_or_else(|| missing("limit_unit"))?;
    Ok(CategoryRules {
        id: c.id,
        code: c.code.clone(),
        name: c.name.clone(),
        parent_id: c.parent_id,
        time_limit: i64::from(c.time_limit.ok_or_else(|| missing("time_limit"))?),
        limit_unit: unit,
        accept_limit_hours: i64::from(
            c.accept_limit_hours
                .ok_or_else(|| missing("accept_limit_hours"))?,
        ),
        manual_review: c.manual_review,
        unsatisfied_max: c.unsatisfied_max,
    })
}

/// The stored value of every field a transition may change, in column order.
fn mutable_fields(c: &Case) -> Vec<(C, Value, bool)> {
    let k = &c.clock;
    // (column, value, whether it is NULL)
    fn f<T: Into<Value> + IsNull>(col: C, v: T) -> (C, Value, bool) {
        let null = v.is_null();
        (col, v.into(), null)
    }
    vec![
        f(C::Status, c.status.as_str()),
        f(C::UnitId, c.unit_id),
        f(C::UpdatedAt, c.updated_at),
        f(C::DispatchedAt, c.dispatched_at),
        f(C::AcceptDueAt, k.accept_due_at),
        f(C::AcceptOverdueAt, k.accept_overdue_at),
        f(C::ClockKind, k.kind.map(|x| x.as_str().to_owned())),
        f(C::ClockTotalMinutes, k.total_minutes),
        f(C::ClockLeftMinutes, k.left_minutes),
        f(C::DueAt, k.due_at),
        f(C::WarnAt, k.warn_at),
        f(C::WarnedAt, k.warned_at),
        f(C::OverdueAt, k.overdue_at),
        f(C::EscalationLevel, k.escalation_level),
        f(C::EscalatedUnitId, k.escalated_unit_id),
        f(C::NextEscalationAt, k.next_escalation_at),
        f(C::TimerAt, c.timer_at()),
        f(
            C::SuspendedFrom,
            c.suspended_from.map(|s| s.as_str().to_owned()),
        ),
        f(C::DuplicateOf, c.duplicate_of),
        f(C::Extended, c.extended),
        f(C::ReopenCount, c.reopen_count),
        f(C::ReturnCount, c.return_count),
        f(C::ClaimedAt, c.claimed_at),
        f(C::HandlingMinutes, c.handling_minutes),
        f(C::TakenOnAt, c.taken_on_at),
        f(C::ResolvedAt, c.resolved_at),
        f(C::ClosedAt, c.closed_at),
        f(C::Rating, c.rating.as_ref().map(|r| r.score)),
        f(
            C::RatingComment,
            c.rating.as_ref().and_then(|r| r.comment.clone()),
        ),
        f(C::RatedAt, c.rating.as_ref().map(|r| r.at)),
    ]
}

/// The column of a timer-owned field.
fn column(f: TimerField) -> C {
    match f {
        TimerField::AcceptOverdueAt => C::AcceptOverdueAt,
        TimerField::WarnedAt => C::WarnedAt,
        TimerField::OverdueAt => C::OverdueAt,
        TimerField::EscalationLevel => C::EscalationLevel,
        TimerField::EscalatedUnitId => C::EscalatedUnitId,
        TimerField::NextEscalationAt => C::NextEscalationAt,
    }
}

/// The fields of `after` that differ from `before` (all of them for a new
/// case), and those in `assigned` whatever their value, as an active model.
pub(super) fn changes(
    before: Option<&Case>,
    after: &Case,
    assigned: &[TimerField],
) -> cases::ActiveModel {
    let mut am = <cases::ActiveModel as Default>::default();
    let old = before.map(mutable_fields);
    let assigned: Vec<&str> = assigned.iter().map(|f| column(*f).as_str()).collect();
    for (i, (col, value, _)) in mutable_fields(after).into_iter().enumerate() {
        let same = old
            .as_ref()
            .and_then(|o| o.get(i))
            .is_some_and(|(_, v, _)| *v == value);
        if !same || assigned.contains(&col.as_str()) {
            ActiveModelTrait::set(&mut am, col, value);
        }
    }
    am
}

/// A timer's guard: every field it changes still holds the value read.
pub(super) fn unchanged_since(before: &Case, after: &Case) -> Vec<SimpleExpr> {
    mutable_fields(before)
        .into_iter()
        .zip(mutable_fields(after))
        .filter(|((c, ..), _)| !matches!(c, C::UpdatedAt | C::TimerAt))
        .filter(|((_, old, _), (_, new, _))| old != new)
        .map(|((col, old, null), _)| if null { col.is_null() } else { col.eq(old) })
        .collect()
}

/// Whether a stored value is NULL.
trait IsNull {
    fn is_null(&self) -> bool;
}

impl<T> IsNull for Option<T> {
    fn is_null(&self) -> bool {
        self.is_none()
    }
}

macro_rules! never_null {
    ($($t:ty),*) => {$(impl IsNull for $t { fn is_null(&self) -> bool { false } })*};
}
never_null!(&str, i32, i64, bool, crate::core::Ts);
