//! Writing and reading the audit log.

use crate::auth::Caller;
use anyhow::Context;
use entity::audit_log;
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use uuid::Uuid;

/// Who did it: a caller, or the system (scheduler, CLI).
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub id: Option<Uuid>,
    pub role: &'static str,
}

impl Actor {
    pub const SYSTEM: Actor = Actor {
        id: None,
        role: "system",
    };

    pub fn of(c: &Caller) -> Self {
        Self {
            id: Some(c.user_id),
            role: c.role.as_str(),
        }
    }
}

/// One audit entry; call inside the transaction of the action.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    actor: Actor,
    action: &str,
    object_type: &str,
    object_id: Option<String>,
    reason: Option<&str>,
    data: Option<serde_json::Value>,
) -> anyhow::Result<()> {
    audit_log::Entity::insert(audit_log::ActiveModel {
        id: Set(Uuid::now_v7()),
        actor_id: Set(actor.id),
        actor_role: Set(actor.role.into()),
        action: Set(action.into()),
        object_type: Set(object_type.into()),
        object_id: Set(object_id),
        reason: Set(reason.map(str::to_owned)),
        data: Set(data.map(|d| d.to_string())),
        at: Set(chrono::Utc::now().fixed_offset()),
    })
    .exec(db)
    .await
    .context("write audit log")?;
    Ok(())
}
