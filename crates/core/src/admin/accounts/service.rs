//! Staff and unit accounts: listing, creating, changing, disabling and
//! password resets (the admin API and `suishoupai admin …`), all audited.

use crate::core::ErrorCode;
use crate::{
    admin::{codes::unit_by_code, error::AdminError},
    audit::{self, Actor},
    auth::password,
    core::{Role, time::utc_now},
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
    rows.into_iter().map(account_of).collect()
}

/// Creates a staff or unit account, with its audit entry.
///
/// Whether the username is free is left to the unique constraint on
/// `users.username`: a check before the insert would let two creations at once
/// both pass it. Its violation becomes `409 username_taken` in the app's
/// `error` module (`src/error/mapping.rs`).
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
    let hash = hash_password(a.password).await?;
    let display_name = a.display_name.unwrap_or_else(|| a.username.clone());
    let t = utc_now();
    let txn = db.begin().await?;
    let u = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        role: Set(a.role),
        openid: Set(None),
        unionid: Set(None),
        session_key: Set(None),
        username: Set(Some(a.username.clone())),
        password_hash: Set(Some(hash)),
        unit_id: Set(unit_id),
        display_name: Set(display_name),
        phone: Set(None),
        disabled: Set(false),
        wechat_openid: Set(None),
        tokens_valid_after: Set(None),
        deleted_at: Set(None),
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
    account_of(u)
}

/// A change to an account's role, unit or name; `None` leaves it.
#[derive(Debug, Default)]
pub struct AccountChange {
    pub role: Option<Role>,
    /// The unit's code; given alone it moves a unit member to that unit.
    pub unit_code: Option<String>,
    pub display_name: Option<String>,
}

/// What an account operation changes.
#[derive(Debug)]
pub enum Change {
    Update(AccountChange),
    /// Disable (`true`) or enable; either way the account's tokens issued
    /// so far stop working.
    Disabled(bool),
    ResetPassword(SecretString),
}

impl Change {
    fn action(&self) -> &'static str {
        match self {
            Self::Update(_) => "account.update",
            Self::Disabled(true) => "account.disable",
            Self::Disabled(false) => "account.enable",
            Self::ResetPassword(_) => "account.reset_password",
        }
    }
}

fn account_of(u: user::Model) -> Result<Account, AdminError> {
    let role = u.role;
    Ok(Account {
        id: u.id,
        username: u.username,
        role,
        unit_id: u.unit_id,
        display_name: u.display_name,
        disabled: u.disabled,
    })
}

/// The id of the account with this username (for the CLI).
pub async fn id_by_username<C: ConnectionTrait>(
    db: &C,
    username: &str,
) -> Result<Uuid, AdminError> {
    user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(db)
        .await?
        .map(|u| u.id)
        .ok_or(AdminError::NotFound { what: "account" })
}

async fn hash_password(pw: SecretString) -> Result<String, AdminError> {
    if pw.expose_secret().chars().count() < 8 {
        return Err(AdminError::WeakPassword);
    }
    Ok(
        tokio::task::spawn_blocking(move || password::hash(pw.expose_secret()))
            .await
            .context("hash task")??,
    )
}

/// Changes an account, with its audit entry (old and new values). An
/// admin cannot disable their own account or change its role. Disabling,
/// enabling and a password reset end every session of the account: its
/// tokens issued before are refused (within `account_cache_secs` on
/// other nodes).
pub async fn change_account(
    db: &DatabaseConnection,
    actor: Actor,
    id: Uuid,
    change: Change,
) -> Result<Account, AdminError> {
    let old = user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AdminError::NotFound { what: "account" })?;
    let old_role = old.role;
    let own = actor.id == Some(id);
    let mut row: user::ActiveModel = old.clone().into();
    let t = utc_now();
    match &change {
        Change::Update(c) => {
            let role = c.role.unwrap_or(old_role);
            if old_role == Role::Citizen || role == Role::Citizen {
                return Err(AdminError::CitizenAccount);
            }
            if own && role != old_role {
                return Err(AdminError::OwnAccount);
            }
            let unit = match &c.unit_code {
                Some(code) => Some(unit_by_code(db, code).await?.id),
                None if role == Role::UnitMember => old.unit_id,
                None => None,
            };
            if (role == Role::UnitMember) != unit.is_some() {
                return Err(AdminError::AccountUnit);
            }
            row.role = Set(role);
            row.unit_id = Set(unit);
            if let Some(name) = c.display_name.as_deref().map(str::trim) {
                if name.is_empty() || name.chars().count() > 64 {
                    return Err(AdminError::invalid(
                        ErrorCode::InvalidDisplayName,
                        "the display name is 1 to 64 characters",
                    ));
                }
                row.display_name = Set(name.to_owned());
            }
        }
        Change::Disabled(d) => {
            if own && *d {
                return Err(AdminError::OwnAccount);
            }
            row.disabled = Set(*d);
            row.tokens_valid_after = Set(Some(t));
            if *d {
                // Its WeChat binding goes with it: enabling again needs the
                // password before a one-tap login works again.
                row.wechat_openid = Set(None);
            }
        }
        Change::ResetPassword(pw) => {
            if old.username.is_none() {
                return Err(AdminError::CitizenAccount);
            }
            row.password_hash = Set(Some(hash_password(pw.clone()).await?));
            row.tokens_valid_after = Set(Some(t));
            // A bound WeChat is a way in too: a reset (a lost phone, a
            // worker who left) ends it with the sessions.
            row.wechat_openid = Set(None);
        }
    }
    row.updated_at = Set(t);
    let txn = db.begin().await?;
    let new = row.update(&txn).await?;
    let view = |u: &user::Model| {
        serde_json::json!({
            "role": u.role, "unitId": u.unit_id,
            "displayName": u.display_name, "disabled": u.disabled,
        })
    };
    audit::record(
        &txn,
        actor,
        change.action(),
        "account",
        Some(id.to_string()),
        None,
        Some(serde_json::json!({"before": view(&old), "after": view(&new)})),
    )
    .await?;
    txn.commit().await?;
    account_of(new)
}
