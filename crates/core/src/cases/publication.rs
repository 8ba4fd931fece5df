//! Publication (api-docs/contract.md, "Publication"): what anyone but the
//! case's reporter and staff may see. A case, its text and each photo
//! become visible only after a person has taken the case on
//! (`taken_on_at`: a dispatcher's accept or dispatch, a unit member's
//! claim) and its content checks passed. A city may also publish what was
//! dispatched automatically (`publication.auto_dispatched`, off by
//! default). A rejected case, a duplicate never taken on and a photo whose
//! check has not passed are never public, nor is a photo no one reviewed
//! for publication (`media::review`): the public sees a reviewed photo's
//! blurred derivative only. Every public read (Open311, the
//! nearby list, a follower's view) filters with these conditions.

use crate::{
    config::PublicationConfig,
    content::{Subject, checks::CheckStatus},
    core::CaseStatus,
};
use entity::{cases, content_check as check, media};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    sea_query::{Query, SelectStatement},
};
use uuid::Uuid;

/// Checks that hold something back: not passed, and no person has
/// reviewed the flag yet (pending, review, unchecked).
fn held(subject: Subject, column: check::Column) -> SelectStatement {
    Query::select()
        .column(column)
        .from(check::Entity)
        .cond_where(
            Condition::all()
                .add(check::Column::Subject.eq(subject))
                .add(column.is_not_null())
                .add(check::Column::Status.ne(CheckStatus::Pass))
                .add(check::Column::ReviewedAt.is_null()),
        )
        .to_owned()
}

/// On `cases`: the cases anyone may see, with their text.
pub fn cases(p: &PublicationConfig) -> Condition {
    let taken = if p.auto_dispatched {
        Condition::any()
            .add(cases::Column::TakenOnAt.is_not_null())
            .add(cases::Column::DispatchedAt.is_not_null())
    } else {
        Condition::all().add(cases::Column::TakenOnAt.is_not_null())
    };
    Condition::all()
        .add(taken)
        .add(cases::Column::Status.ne(CaseStatus::Rejected))
        .add(
            Condition::any()
                .add(cases::Column::Status.ne(CaseStatus::Duplicate))
                .add(cases::Column::TakenOnAt.is_not_null()),
        )
        .add(cases::Column::Id.not_in_subquery(held(Subject::Description, check::Column::CaseId)))
}

/// On `media`: the photos neither blocked nor held by a content check,
/// which staff may review for publication.
pub fn checked_photos() -> Condition {
    Condition::all()
        .add(media::Column::BlockedAt.is_null())
        .add(media::Column::Id.not_in_subquery(held(Subject::Photo, check::Column::MediaId)))
}

/// On `media`: the photos of a public case (or moment) anyone may see:
/// checked, and reviewed by staff who published a blurred derivative
/// (`media::review`); the public sees only that derivative.
pub fn photos() -> Condition {
    checked_photos().add(media::Column::PublicRev.is_not_null())
}

/// Whether anyone may see the case.
pub async fn is_public<C: ConnectionTrait>(
    db: &C,
    p: &PublicationConfig,
    id: Uuid,
) -> Result<bool, DbErr> {
    Ok(cases::Entity::find_by_id(id)
        .filter(cases(p))
        .count(db)
        .await?
        > 0)
}
