//! Open311 api_keys: one per integrator (a 12345 hotline, an app), each
//! with its own rate limit. Only the key's SHA-256 is stored; the key is
//! shown once, when issued. Each integrator files its reports under an
//! account of its own (role `integrator`, which cannot log in), so its
//! cases name it and its photos belong to it.

use crate::core::ErrorCode;
use crate::{
    admin::error::AdminError,
    audit::{self, Actor},
    core::{Role, time::utc_now},
};
use entity::{api_key, user};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// An integrator's key as stored (its secret only as a hash).
pub type ApiKey = entity::api_key::Model;

/// Posts per minute when the admin gives no limit.
pub const DEFAULT_RATE: i32 = 60;

/// A key just issued: the key itself (shown once) and its row.
pub struct Issued {
    pub key: String,
    pub row: api_key::Model,
}

fn hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// Issues a key for a new integrator, with its account; audited.
pub async fn issue(
    db: &DatabaseConnection,
    actor: Actor,
    name: &str,
    rate_per_minute: Option<i32>,
) -> Result<Issued, AdminError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(AdminError::invalid(
            ErrorCode::InvalidName,
            "an integrator's name is 1–64 characters",
        ));
    }
    let rate = rate_per_minute.unwrap_or(DEFAULT_RATE);
    if !(1..=10_000).contains(&rate) {
        return Err(AdminError::invalid(
            ErrorCode::InvalidRate,
            "ratePerMinute is 1–10000",
        ));
    }
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    let key = format!("o311_{}", hex::encode(bytes));
    let now = utc_now();
    let txn = db.begin().await?;
    let account = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        role: Set(Role::Integrator),
        openid: Set(None),
        unionid: Set(None),
        session_key: Set(None),
        username: Set(None),
        password_hash: Set(None),
        unit_id: Set(None),
        display_name: Set(name.to_owned()),
        phone: Set(None),
        disabled: Set(false),
        wechat_openid: Set(None),
        tokens_valid_after: Set(None),
        deleted_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let row = api_key::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name.to_owned()),
        key_hash: Set(hash(&key)),
        key_prefix: Set(key[..13].to_owned()),
        user_id: Set(account.id),
        rate_per_minute: Set(rate),
        created_by: Set(actor.id),
        created_at: Set(now),
        revoked_at: Set(None),
        last_used_at: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "api_key.issue",
        "api_key",
        Some(row.id.to_string()),
        None,
        Some(serde_json::json!({"name": name, "ratePerMinute": rate, "prefix": row.key_prefix})),
    )
    .await?;
    txn.commit().await?;
    Ok(Issued { key, row })
}

/// Every key, newest first (revoked ones too).
pub async fn list<C: ConnectionTrait>(db: &C) -> Result<Vec<api_key::Model>, AdminError> {
    Ok(api_key::Entity::find()
        .order_by_desc(api_key::Column::CreatedAt)
        .all(db)
        .await?)
}

/// The key of an integrator, by name (for the CLI).
pub async fn id_by_name<C: ConnectionTrait>(db: &C, name: &str) -> Result<Uuid, AdminError> {
    api_key::Entity::find()
        .filter(api_key::Column::Name.eq(name.trim()))
        .one(db)
        .await?
        .map(|k| k.id)
        .ok_or(AdminError::NotFound { what: "api key" })
}

/// Revokes a key: its next request is refused (`403`), on every node, and
/// its account is disabled. Revoking a revoked key changes nothing.
pub async fn revoke(
    db: &DatabaseConnection,
    actor: Actor,
    id: Uuid,
) -> Result<api_key::Model, AdminError> {
    let txn = db.begin().await?;
    let row = api_key::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AdminError::NotFound { what: "api key" })?;
    if row.revoked_at.is_some() {
        return Ok(row);
    }
    let now = utc_now();
    let mut am = row.into_active_model();
    am.revoked_at = Set(Some(now));
    let row = am.update(&txn).await?;
    user::Entity::update_many()
        .col_expr(
            user::Column::Disabled,
            sea_orm::sea_query::Expr::value(true),
        )
        .col_expr(
            user::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(user::Column::Id.eq(row.user_id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        actor,
        "api_key.revoke",
        "api_key",
        Some(row.id.to_string()),
        None,
        Some(serde_json::json!({"name": row.name})),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// The live key a request presents, if any; notes when it was last used.
pub async fn authenticate<C: ConnectionTrait>(
    db: &C,
    key: &str,
) -> Result<Option<api_key::Model>, sea_orm::DbErr> {
    let Some(row) = api_key::Entity::find()
        .filter(api_key::Column::KeyHash.eq(hash(key.trim())))
        .filter(api_key::Column::RevokedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    api_key::Entity::update_many()
        .col_expr(
            api_key::Column::LastUsedAt,
            sea_orm::sea_query::Expr::value(utc_now()),
        )
        .filter(api_key::Column::Id.eq(row.id))
        .exec(db)
        .await?;
    Ok(Some(row))
}
