//! Sessions kept on the server. Each login opens one; every token issued
//! from it carries its id. A staff session goes on by its refresh token,
//! which is good once: each refresh replaces it, and an old one presented
//! again means two holders (a stolen token), so the whole session ends and
//! every token from it is refused (`401 session_ended`). A logout ends the
//! session on the server, not only in the browser.

use super::{Role, error::AuthError};
use crate::core::{Actor, time::utc_now};
use entity::session;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait, sea_query::Expr,
};
use uuid::Uuid;

/// A session as tokens name it: its id, its end (unix seconds) and the
/// id of the refresh token that continues it.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    pub id: Uuid,
    pub end: i64,
    pub refresh_id: Option<Uuid>,
}

fn end_of(row: &session::Model) -> i64 {
    row.expires_at.timestamp()
}

/// Opens a session for a login: `secs` long; staff sessions get a refresh
/// token id, citizens' none (they log in again with WeChat).
pub async fn open<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    role: Role,
    secs: i64,
) -> Result<Session, AuthError> {
    let now = utc_now();
    let refresh_id = (role != Role::Citizen).then(Uuid::new_v4);
    let (id, expires) = (Uuid::now_v7(), now + chrono::Duration::seconds(secs));
    let row = session::ActiveModel {
        id: Set(id),
        user_id: Set(user_id),
        refresh_id: Set(refresh_id),
        created_at: Set(now),
        expires_at: Set(expires),
        ended_at: Set(None),
        ended_why: Set(None),
    };
    session::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(Session {
        id,
        end: expires.timestamp(),
        refresh_id,
    })
}

/// Takes a refresh token `jti` of session `sid`: the session's next
/// refresh id, once. A token already used ends the session
/// (`RefreshReused`, audited); an ended or expired session is refused.
pub async fn rotate(
    db: &sea_orm::DatabaseConnection,
    (sid, jti): (Uuid, Uuid),
) -> Result<Session, AuthError> {
    let now = utc_now();
    let next = Uuid::new_v4();
    let txn = db.begin().await?;
    let taken = session::Entity::update_many()
        .col_expr(session::Column::RefreshId, Expr::value(next))
        .filter(session::Column::Id.eq(sid))
        .filter(session::Column::RefreshId.eq(jti))
        .filter(session::Column::EndedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?
        .rows_affected;
    let row = session::Entity::find_by_id(sid)
        .one(&txn)
        .await?
        .ok_or(AuthError::BadRefresh)?;
    if taken == 1 {
        txn.commit().await?;
        return Ok(Session {
            id: sid,
            end: end_of(&row),
            refresh_id: Some(next),
        });
    }
    if row.ended_at.is_some() {
        return Err(AuthError::SessionEnded);
    }
    if row.expires_at <= now {
        return Err(AuthError::BadRefresh);
    }
    // Presented again after it was replaced: someone else holds it too.
    end(&txn, sid, "refresh_reused").await?;
    let who = Actor {
        id: Some(row.user_id),
        role: "system",
    };
    let data = Some(serde_json::json!({"session": sid}));
    crate::audit::record(
        &txn,
        who,
        "auth.refresh_reused",
        "session",
        Some(sid.to_string()),
        None,
        data,
    )
    .await?;
    txn.commit().await?;
    Err(AuthError::RefreshReused)
}

/// Ends a session (if it is not ended already); whether it was open.
pub async fn end<C: ConnectionTrait>(db: &C, sid: Uuid, why: &str) -> Result<bool, AuthError> {
    Ok(session::Entity::update_many()
        .col_expr(session::Column::EndedAt, Expr::value(utc_now()))
        .col_expr(session::Column::EndedWhy, Expr::value(why))
        .filter(session::Column::Id.eq(sid))
        .filter(session::Column::EndedAt.is_null())
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Whether a session has ended (a session not found has).
pub async fn ended<C: ConnectionTrait>(db: &C, sid: Uuid) -> Result<bool, AuthError> {
    use sea_orm::QuerySelect;
    let row: Option<Option<crate::core::Ts>> = session::Entity::find_by_id(sid)
        .select_only()
        .column(session::Column::EndedAt)
        .into_tuple()
        .one(db)
        .await?;
    Ok(row.is_none_or(|at| at.is_some()))
}

/// Deletes sessions a day past their end; returns how many.
pub async fn purge_expired<C: ConnectionTrait>(db: &C) -> Result<u64, AuthError> {
    let before = utc_now() - chrono::Duration::days(1);
    Ok(session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}
