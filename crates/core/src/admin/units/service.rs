//! Units: listing, and creating or replacing one by code (a tree, without
//! cycles, with an optional webhook).

use crate::core::ErrorCode;
use crate::{
    admin::{
        codes::{check_code, unit_by_code},
        error::AdminError,
    },
    audit::{self, Actor},
    core::time::utc_now,
    infra::settings::{self, Gen},
};
use entity::unit;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;

/// A unit as stored.
pub type Unit = entity::unit::Model;

/// A unit to create or replace.
#[derive(Debug, Clone)]
pub struct UnitInput {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent_code: Option<String>,
    pub webhook_kind: Option<String>,
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<String>,
}

/// Every unit, by code.
pub async fn list<C: ConnectionTrait>(db: &C) -> Result<Vec<unit::Model>, AdminError> {
    Ok(unit::Entity::find()
        .order_by_asc(unit::Column::Code)
        .all(db)
        .await?)
}

/// Creates a unit, or replaces the one with this code.
///
/// A webhook URL must not point at an internal address (see
/// [`crate::infra::egress`]): `400 webhook_not_allowed`.
pub async fn upsert_unit(
    db: &DatabaseConnection,
    egress: &crate::infra::egress::Egress,
    actor: Actor,
    u: UnitInput,
) -> Result<unit::Model, AdminError> {
    check_code(&u.code)?;
    if u.name.trim().is_empty() || u.name.chars().count() > 64 {
        return Err(AdminError::invalid(
            ErrorCode::InvalidName,
            "a name is 1–64 characters",
        ));
    }
    if u.kind.is_empty()
        || u.kind.len() > 32
        || u.webhook_url.as_deref().is_some_and(|w| w.len() > 500)
    {
        return Err(AdminError::invalid(
            ErrorCode::InvalidUnit,
            "kind is 1–32 characters and webhookUrl at most 500",
        ));
    }
    match (u.webhook_kind.as_deref(), u.webhook_url.as_deref()) {
        (None, None) => {}
        (Some("wecom" | "hmac"), Some(url))
            if url.starts_with("http://") || url.starts_with("https://") => {}
        _ => {
            return Err(AdminError::invalid(
                ErrorCode::InvalidWebhook,
                "webhookKind is wecom or hmac, with an http(s) webhookUrl",
            ));
        }
    }
    if let Some(url) = u.webhook_url.as_deref() {
        egress
            .check_url(url)
            .await
            .map_err(|e| AdminError::invalid(ErrorCode::WebhookNotAllowed, e.to_string()))?;
    }
    if u.webhook_kind.as_deref() == Some("hmac")
        && u.webhook_secret.as_deref().is_none_or(|s| s.len() < 16)
    {
        return Err(AdminError::invalid(
            ErrorCode::InvalidWebhook,
            "hmac webhooks need a secret of 16+ characters",
        ));
    }
    let txn = db.begin().await?;
    let existing = unit::Entity::find()
        .filter(unit::Column::Code.eq(&u.code))
        .one(&txn)
        .await?;
    let id = existing.as_ref().map_or_else(Uuid::now_v7, |e| e.id);
    let parent = match &u.parent_code {
        Some(p) => {
            let parent = unit_by_code(&txn, p).await?;
            // No cycles: the parent must not be this unit or below it.
            let mut cur = Some(parent.clone());
            while let Some(x) = cur {
                if x.id == id {
                    return Err(AdminError::UnitCycle);
                }
                cur = match x.parent_id {
                    Some(pid) => unit::Entity::find_by_id(pid).one(&txn).await?,
                    None => None,
                };
            }
            Some(parent.id)
        }
        None => None,
    };
    let am = unit::ActiveModel {
        id: Set(id),
        code: Set(u.code.clone()),
        name: Set(u.name.trim().to_owned()),
        kind: Set(u.kind.clone()),
        parent_id: Set(parent),
        created_at: Set(existing.as_ref().map_or_else(utc_now, |e| e.created_at)),
        webhook_kind: Set(u.webhook_kind.clone()),
        webhook_url: Set(u.webhook_url.clone()),
        webhook_secret: Set(u.webhook_secret.clone()),
    };
    let saved = if existing.is_some() {
        am.update(&txn).await?
    } else {
        am.insert(&txn).await?
    };
    audit::record(
        &txn,
        actor,
        "unit.save",
        "unit",
        Some(u.code.clone()),
        None,
        None,
    )
    .await?;
    settings::bump(&txn, Gen::Directory).await?;
    txn.commit().await?;
    Ok(saved)
}
