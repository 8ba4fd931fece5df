//! Flags for the dispatcher: content WeChat doubted (`review`), refused
//! after the fact (`risky`) or could not judge (`unchecked`), until a
//! person reviews them.

use super::error::ContentError;
use crate::{
    audit,
    core::{
        Actor, Caller, Role,
        page::{decode_cursor, split_page},
    },
    state::AppState,
};
use chrono::{DateTime, FixedOffset};
use domain::content::{CheckStatus, Subject};
use entity::{cases, content_check as check, media};
use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, TransactionTrait,
    sea_query::Expr,
};
use std::collections::HashMap;
use uuid::Uuid;

/// A flag for the dispatcher: content WeChat doubted or could not judge.
#[derive(Debug, Clone)]
pub struct Flag {
    pub id: Uuid,
    pub subject: Subject,
    pub status: CheckStatus,
    /// WeChat's label (10001 ads, 20001 politics …).
    pub label: Option<i32>,
    /// The case the content belongs to (none: a photo not yet in a report).
    pub case_id: Option<Uuid>,
    pub case_no: Option<String>,
    /// The photo, for photo checks.
    pub media_id: Option<Uuid>,
    /// Whether the photo is blocked from every view.
    pub blocked: bool,
    pub created_at: DateTime<FixedOffset>,
    pub decided_at: Option<DateTime<FixedOffset>>,
    pub reviewed_at: Option<DateTime<FixedOffset>>,
    pub review_note: Option<String>,
}

/// A page of flags, newest first.
#[derive(Debug)]
pub struct Flags {
    pub items: Vec<Flag>,
    /// Where the next page starts; none at the end.
    pub next_cursor: Option<String>,
}

/// A person's decision on a flag.
#[derive(Debug)]
pub struct Review {
    /// What was decided and why, for the audit log.
    pub note: String,
    /// Photos only: block the photo (`true`) or let it be seen again
    /// (`false`); none leaves it as it is.
    pub block_photo: Option<bool>,
}

const STAFF: &[Role] = &[Role::Dispatcher, Role::Supervisor, Role::Admin];
const FLAGGED: [CheckStatus; 3] = [
    CheckStatus::Review,
    CheckStatus::Risky,
    CheckStatus::Unchecked,
];

/// Open flags (or, with `reviewed`, the reviewed ones), newest first,
/// `limit` at a time.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    reviewed: bool,
    (cursor, limit): (Option<&str>, u64),
) -> Result<Flags, ContentError> {
    caller.require(STAFF)?;
    let mut q = check::Entity::find()
        .filter(check::Column::Status.is_in(FLAGGED))
        .filter(if reviewed {
            check::Column::ReviewedAt.is_not_null()
        } else {
            check::Column::ReviewedAt.is_null()
        })
        .order_by_desc(check::Column::Id)
        .limit(limit + 1);
    if let Some(c) = cursor {
        q = q.filter(check::Column::Id.lt(decode_cursor(c)?));
    }
    let mut rows = q.all(&state.db).await?;
    let next_cursor = split_page(&mut rows, limit, |r| r.id);
    Ok(Flags {
        items: views(state, rows).await?,
        next_cursor,
    })
}

/// The open flags of one case (its text and its photos).
pub async fn of_case(state: &AppState, case_id: Uuid) -> Result<Vec<Flag>, ContentError> {
    if !state.config.wechat.content_security.enabled {
        return Ok(vec![]);
    }
    let photos = media::Entity::find()
        .filter(media::Column::CaseId.eq(case_id))
        .select_only()
        .column(media::Column::Id)
        .into_query();
    let rows = check::Entity::find()
        .filter(check::Column::Status.is_in(FLAGGED))
        .filter(check::Column::ReviewedAt.is_null())
        .filter(
            sea_orm::Condition::any()
                .add(check::Column::CaseId.eq(case_id))
                .add(check::Column::MediaId.in_subquery(photos)),
        )
        .all(&state.db)
        .await?;
    views(state, rows).await
}

async fn views(state: &AppState, rows: Vec<check::Model>) -> Result<Vec<Flag>, ContentError> {
    let media_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.media_id).collect();
    let photos: HashMap<Uuid, (Option<Uuid>, bool)> = if media_ids.is_empty() {
        HashMap::new()
    } else {
        media::Entity::find()
            .filter(media::Column::Id.is_in(media_ids))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|m| (m.id, (m.case_id, m.blocked_at.is_some())))
            .collect()
    };
    let case_of = |r: &check::Model| {
        r.case_id
            .or_else(|| r.media_id.and_then(|m| photos.get(&m)).and_then(|p| p.0))
    };
    let case_ids: Vec<Uuid> = rows.iter().filter_map(case_of).collect();
    let numbers = cases::numbers_of(&state.db, case_ids).await?;
    rows.iter()
        .map(|r| {
            let case_id = case_of(r);
            Ok(Flag {
                id: r.id,
                subject: r.subject,
                status: r.status,
                label: r.label,
                case_id,
                case_no: case_id.and_then(|c| numbers.get(&c).cloned()),
                media_id: r.media_id,
                blocked: r.media_id.and_then(|m| photos.get(&m)).is_some_and(|p| p.1),
                created_at: r.created_at,
                decided_at: r.decided_at,
                reviewed_at: r.reviewed_at,
                review_note: r.review_note.clone(),
            })
        })
        .collect()
}

/// A person reviews a flag: it closes, with the note in the audit log;
/// a photo may be blocked or let be seen again.
pub async fn review(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    r: Review,
) -> Result<Flag, ContentError> {
    caller.require(STAFF)?;
    let note = r.note.trim().to_owned();
    if note.is_empty() {
        return Err(ContentError::NoteRequired);
    }
    let row = check::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|c| FLAGGED.contains(&c.status))
        .ok_or(ContentError::NotFound)?;
    if r.block_photo.is_some() && row.media_id.is_none() {
        return Err(ContentError::NotAPhoto);
    }
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let n = check::Entity::update_many()
        .col_expr(check::Column::ReviewedAt, Expr::value(now))
        .col_expr(check::Column::ReviewedBy, Expr::value(caller.user_id))
        .col_expr(check::Column::ReviewNote, Expr::value(note.clone()))
        .filter(check::Column::Id.eq(id))
        .filter(check::Column::ReviewedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if n == 0 {
        return Err(ContentError::AlreadyReviewed);
    }
    if let (Some(block), Some(m)) = (r.block_photo, row.media_id) {
        super::checks::block(&txn, m, block.then_some(now)).await?;
    }
    let data = serde_json::json!({"blockPhoto": r.block_photo, "status": row.status.as_str()});
    let who = Actor::of(caller);
    let oid = Some(id.to_string());
    audit::record(
        &txn,
        who,
        "content.review",
        "content_check",
        oid,
        Some(&note),
        Some(data),
    )
    .await?;
    txn.commit().await?;
    let fresh = check::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(ContentError::NotFound)?;
    let mut one = views(state, vec![fresh]).await?;
    Ok(one.remove(0))
}
