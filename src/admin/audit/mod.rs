//! Admin: the audit log.

pub use suishoupai_core::admin::audit::*;

use super::{AdminErrors, admin};
use crate::{api::Tag, auth::BearerAuth, error::Res, state::AppState};
use chrono::{DateTime, FixedOffset};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Query, payload::Json};
use uuid::Uuid;

/// One audit entry.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct AuditRow {
    pub id: Uuid,
    /// Who (none: the system).
    #[oai(nullable)]
    pub actor_id: Option<Uuid>,
    /// The actor's role.
    pub actor_role: String,
    /// What, e.g. `case.dispatch`, `reporter.view`.
    pub action: String,
    /// case | category | unit | area | routing_rule | calendar | account
    pub object_type: String,
    /// Which object.
    #[oai(nullable)]
    pub object_id: Option<String>,
    /// The reason or note given.
    #[oai(nullable)]
    pub reason: Option<String>,
    /// Details.
    #[oai(nullable)]
    pub data: Option<serde_json::Value>,
    /// When.
    pub at: DateTime<FixedOffset>,
}

impl From<service::AuditEntry> for AuditRow {
    fn from(r: service::AuditEntry) -> Self {
        Self {
            id: r.id,
            actor_id: r.actor_id,
            actor_role: r.actor_role,
            action: r.action,
            object_type: r.object_type,
            object_id: r.object_id,
            reason: r.reason,
            data: r.data.and_then(|d| serde_json::from_str(&d).ok()),
            at: r.at,
        }
    }
}

/// A page of audit entries, newest first.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct AuditPage {
    /// This page.
    pub items: Vec<AuditRow>,
    /// Pass as `cursor` for the next page.
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

pub struct AdminAuditApi;

#[OpenApi(prefix_path = "/api/v1/admin", tag = "Tag::Admin")]
impl AdminAuditApi {
    /// Read the audit log
    ///
    /// Newest first; filter by object id (e.g. a case id), actor or action.
    #[oai(path = "/audit", method = "get", operation_id = "adminAudit")]
    #[allow(clippy::too_many_arguments)]
    async fn audit(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Only entries about this object (e.g. a case id).
        #[oai(name = "objectId")]
        object_id: Query<Option<String>>,
        /// Only entries by this account.
        #[oai(name = "actorId")]
        actor_id: Query<Option<Uuid>>,
        /// Only this action, e.g. `reporter.view`.
        #[oai(validator(min_length = 1, max_length = 64))]
        action: Query<Option<String>>,
        /// `nextCursor` of the previous page.
        #[oai(validator(min_length = 1, max_length = 512))]
        cursor: Query<Option<String>>,
        /// Page size, 1–200 (default 50).
        #[oai(
            default = "fifty",
            validator(minimum(value = "1"), maximum(value = "200"))
        )]
        limit: Query<u64>,
    ) -> Res<Json<AuditPage>, AdminErrors> {
        admin(&auth)?;
        let page = service::page(
            &state.db,
            service::AuditQuery {
                object_id: object_id.0,
                actor_id: actor_id.0,
                action: action.0,
                cursor: cursor.0,
                limit: limit.0,
            },
        )
        .await?;
        Ok(Json(AuditPage {
            items: page.items.into_iter().map(Into::into).collect(),
            next_cursor: page.next_cursor,
        }))
    }
}

fn fifty() -> u64 {
    50
}
