//! Staff and unit accounts: listing and creating (the admin API and
//! `suishoupai admin create-account`).

use crate::{
    admin::{codes::unit_by_code, error::AdminError},
    audit::{self, Actor},
    auth::password,
    core::{Role, stored, time::utc_now},
};
use anyhow::Context;
use entity::user;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

/// A staff or unit account.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: Uuid,
    pub username: Option<String>,
    pub role: Role,
    /// The unit of a unit member.
    pub unit_id: Option<Uuid>,
    pub display_name: String,
    pub disabled: bool,
}

/// A staff or unit account to create.
#[derive(Debug)]
pub struct NewAccount {
    pub username: String,
    pub password: SecretString,
    pub role: Role,
    /// The unit's code, for unit members.
    pub unit_code: Option<String>,
    /// Name shown in timelines; the username when none.
    pub display_name: Option<String>,
}

/// Every account with a username (staff and unit members), by username. A
/// stored role the code does not know is an error naming the account.
pub async fn list<C: ConnectionTrait>(db: &C) -> Result<Vec<Account>, AdminError> {
    let rows = user::Entity::find()
        .filter(user::Column::Username.is_not_null())
        .order_by_asc(user::Column::Username)
        .all(db)
        .await?;
    rows.into_iter()
        .map(|u| {
            let role = stored::parse("users", u.id, "role", &u.role, Role::parse)?;
            Ok(Account {
                id: u.id,
                username: u.username,
                role,
                unit_id: u.unit_id,
                display_name: u.display_name,
                disabled: u.disabled,
            })
        })
        .collect()
}

/// Creates a staff or unit account, with its audit entry.
///
/// Whether the username is free is left to the unique constraint on
/// `users.username`: a check before the insert would let two creations at
/// once both pass it. Its violation becomes `409 username_taken` in
/// `crate::error`.
pub async fn create_account(
    db: &DatabaseConnection,
    actor: Actor,
    a: NewAccount,
) -> Result<Account, AdminError> {
    let unit_id = match &a.unit_code {
        Some(c) => Some(unit_by_code(db, c).await?.id),
        None => None,
    };
    if a.role == Role::Citizen {
        return Err(AdminError::CitizenAccount);
    }
    if (a.role == Role::UnitMember) != unit_id.is_some() {
        return Err(AdminError::AccountUnit);
    }
    if a.password.expose_secret().chars().count() < 8 {
        return Err(AdminError::WeakPassword);
    }
    let pw = a.password;
    let hash = tokio::task::spawn_blocking(move || password::hash(pw.expose_secret()))
        .await
        .context("hash task")??;
    let display_name = a.display_name.unwrap_or_else(|| a.username.clone());
    let t = utc_now();
    let txn = db.begin().await?;
    let u = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        role: Set(a.role.as_str().into()),
        openid: Set(None),
        unionid: Set(None),
        session_key: Set(None),
        username: Set(Some(a.username.clone())),
        password_hash: Set(Some(hash)),
        unit_id: Set(unit_id),
        display_name: Set(display_name),
        phone: Set(None),
        disabled: Set(false),
        created_at: Set(t),
        updated_at: Set(t),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "account.create",
        "account",
        Some(u.id.to_string()),
        None,
        Some(serde_json::json!({"username": a.username, "role": a.role.as_str()})),
    )
    .await?;
    txn.commit().await?;
    Ok(Account {
        id: u.id,
        username: u.username,
        role: a.role,
        unit_id: u.unit_id,
        display_name: u.display_name,
        disabled: u.disabled,
    })
}
