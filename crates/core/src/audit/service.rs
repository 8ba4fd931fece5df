//! Writing and reading the audit log.

pub use crate::core::Actor;
use anyhow::Context;
use entity::audit_log;
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use uuid::Uuid;

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
