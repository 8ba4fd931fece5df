//! Flags for the dispatcher: content WeChat doubted (`review`), refused
//! after the fact (`risky`) or could not judge (`unchecked`), until a
//! person reviews them.

use super::{
    dto::{ContentFlag, FlagPage, FlagReview},
    error::ContentError,
    wechat::label_text,
};
use crate::{
    audit,
    core::{
        Actor, Caller, Role,
        page::{decode_cursor, split_page},
    },
    state::AppState,
};
use entity::{cases, content_check as check, media};
use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, TransactionTrait,
    sea_query::Expr,
};
use std::collections::HashMap;
use uuid::Uuid;

const STAFF: &[Role] = &[Role::Dispatcher, Role::Supervisor, Role::Admin];
const FLAGGED: [domain::content::CheckStatus; 3] = [
    domain::content::CheckStatus::Review,
    domain::content::CheckStatus::Risky,
    domain::content::CheckStatus::Unchecked,
];

/// Open flags (or, with `reviewed`, the reviewed ones), newest first,
/// `limit` at a time.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    reviewed: bool,
    (cursor, limit): (Option<&str>, u64),
) -> Result<FlagPage, ContentError> {
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
    Ok(FlagPage {
        items: views(state, rows).await?,
        next_cursor,
    })
}

/// The open flags of one case (its text and its photos).
pub async fn of_case(state: &AppState, case_id: Uuid) -> Result<Vec<ContentFlag>, ContentError> {
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

async fn views(
    state: &AppState,
    rows: Vec<check::Model>,
) -> Result<Vec<ContentFlag>, ContentError> {
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
            Ok(ContentFlag {
                id: r.id,
                subject: r.subject,
                status: r.status,
                label: r.label,
                label_text: label_text(r.label).into(),
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
    r: FlagReview,
) -> Result<ContentFlag, ContentError> {
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
