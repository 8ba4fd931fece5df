//! Reading the audit log, newest first, a page at a time.

use crate::{
    admin::error::AdminError,
    core::page::{decode_cursor, split_page},
};
use entity::audit_log;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

/// One entry of the audit log as stored.
pub type AuditEntry = entity::audit_log::Model;

/// Which entries, and which page of them.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only entries about this object (e.g. a case id).
    pub object_id: Option<String>,
    /// Only entries by this account.
    pub actor_id: Option<Uuid>,
    /// Only this action, e.g. `reporter.view`.
    pub action: Option<String>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size.
    pub limit: u64,
}

/// One page of entries, newest first.
#[derive(Debug, Clone)]
pub struct AuditPage {
    pub items: Vec<audit_log::Model>,
    /// The cursor of the next page, when there is one.
    pub next_cursor: Option<String>,
}

/// One page of the audit log.
pub async fn page<C: ConnectionTrait>(db: &C, q: AuditQuery) -> Result<AuditPage, AdminError> {
    let mut find = audit_log::Entity::find()
        .order_by_desc(audit_log::Column::Id)
        .limit(q.limit + 1);
    if let Some(o) = q.object_id {
        find = find.filter(audit_log::Column::ObjectId.eq(o));
    }
    if let Some(a) = q.actor_id {
        find = find.filter(audit_log::Column::ActorId.eq(a));
    }
    if let Some(a) = q.action {
        find = find.filter(audit_log::Column::Action.eq(a));
    }
    if let Some(c) = &q.cursor {
        find = find.filter(audit_log::Column::Id.lt(decode_cursor(c)?));
    }
    let mut items = find.all(db).await?;
    let next_cursor = split_page(&mut items, q.limit, |r| r.id);
    Ok(AuditPage { items, next_cursor })
}
