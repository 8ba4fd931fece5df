//! Admin: staff and unit accounts.

pub use suishoupai_core::admin::accounts::*;

use super::{AdminErrors, admin};
use crate::{api::Tag, auth::BearerAuth, error::Res, state::AppState, web::enums};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path, payload::Json};
use uuid::Uuid;

/// A staff or unit account to create.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct AccountInput {
    /// Login name.
    #[oai(validator(min_length = 1, max_length = 64))]
    pub username: String,
    /// At least 8 characters.
    #[oai(validator(min_length = 8, max_length = 256))]
    pub password: String,
    pub role: enums::StaffRole,
    /// The unit, for unit members.
    #[oai(nullable, validator(min_length = 1, max_length = 64))]
    pub unit_code: Option<String>,
    /// Name shown in timelines.
    #[oai(nullable, validator(min_length = 1, max_length = 64))]
    pub display_name: Option<String>,
}

impl From<AccountInput> for service::NewAccount {
    fn from(b: AccountInput) -> Self {
        Self {
            username: b.username,
            password: b.password.into(),
            role: b.role.into(),
            unit_code: b.unit_code,
            display_name: b.display_name,
        }
    }
}

/// A change to a staff or unit account; absent fields stay as they are.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct AccountPatch {
    /// The new role (not citizen). Leaving `unit_member` drops the unit;
    /// becoming one needs `unitCode`.
    #[oai(nullable)]
    pub role: Option<enums::StaffRole>,
    /// The unit, for unit members; alone, it moves the member.
    #[oai(nullable, validator(min_length = 1, max_length = 64))]
    pub unit_code: Option<String>,
    /// Name shown in timelines.
    #[oai(nullable, validator(min_length = 1, max_length = 64))]
    pub display_name: Option<String>,
}

/// A new password, set by an admin.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct PasswordReset {
    /// At least 8 characters.
    #[oai(validator(min_length = 8, max_length = 256))]
    pub password: String,
}

/// A staff or unit account.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct AccountRow {
    pub id: Uuid,
    /// Login name.
    #[oai(nullable)]
    pub username: Option<String>,
    pub role: enums::Role,
    /// Unit of a unit member.
    #[oai(nullable)]
    pub unit_id: Option<Uuid>,
    /// Display name.
    pub display_name: String,
    /// Disabled accounts cannot log in.
    pub disabled: bool,
}

impl From<service::Account> for AccountRow {
    fn from(a: service::Account) -> Self {
        Self {
            id: a.id,
            username: a.username,
            role: a.role,
            unit_id: a.unit_id,
            display_name: a.display_name,
            disabled: a.disabled,
        }
    }
}

pub struct AdminAccountsApi;

#[OpenApi(prefix_path = "/api/v1/admin", tag = "Tag::Admin")]
impl AdminAccountsApi {
    /// List staff and unit accounts
    #[oai(path = "/accounts", method = "get", operation_id = "adminListAccounts")]
    async fn accounts(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Res<Json<Vec<AccountRow>>, AdminErrors> {
        admin(&auth)?;
        let rows = service::list(&state.db).await?;
        Ok(Json(rows.into_iter().map(Into::into).collect()))
    }

    /// Create a staff or unit account
    ///
    /// Dispatchers, supervisors, admins, and unit members (with `unitCode`).
    #[oai(
        path = "/accounts",
        method = "post",
        operation_id = "adminCreateAccount"
    )]
    async fn create_account(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<AccountInput>,
    ) -> Res<Json<AccountRow>, AdminErrors> {
        let actor = admin(&auth)?;
        let a = service::create_account(&state.db, actor, body.0.into()).await?;
        Ok(Json(a.into()))
    }

    /// Change an account's role, unit or name
    ///
    /// Applies to the account's tokens already issued: every node reads
    /// the account again within `account_cache_secs` (30 s at most). An
    /// admin cannot change their own role (`409 own_account`). Audited
    /// with the old and new values.
    #[oai(
        path = "/accounts/:id",
        method = "patch",
        operation_id = "adminUpdateAccount"
    )]
    async fn update_account(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<AccountPatch>,
    ) -> Res<Json<AccountRow>, AdminErrors> {
        let change = service::AccountChange {
            role: body.0.role.map(Into::into),
            unit_code: body.0.unit_code,
            display_name: body.0.display_name,
        };
        apply(&state, &auth, id.0, service::Change::Update(change)).await
    }

    /// Disable an account
    ///
    /// It can no longer log in, and its tokens get `401 account_disabled`
    /// on every node within `account_cache_secs` (30 s at most). Works on
    /// citizens too. An admin cannot disable their own account (`409
    /// own_account`). Audited.
    #[oai(
        path = "/accounts/:id/disable",
        method = "post",
        operation_id = "adminDisableAccount"
    )]
    async fn disable(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> Res<Json<AccountRow>, AdminErrors> {
        apply(&state, &auth, id.0, service::Change::Disabled(true)).await
    }

    /// Enable an account
    ///
    /// It can log in again; tokens issued before it was disabled stay
    /// refused. Audited.
    #[oai(
        path = "/accounts/:id/enable",
        method = "post",
        operation_id = "adminEnableAccount"
    )]
    async fn enable(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> Res<Json<AccountRow>, AdminErrors> {
        apply(&state, &auth, id.0, service::Change::Disabled(false)).await
    }

    /// Reset an account's password
    ///
    /// Sets a new password (at least 8 characters) and ends every session
    /// of the account: its tokens issued before get `401 token_revoked`.
    /// Audited (without the password).
    #[oai(
        path = "/accounts/:id/password",
        method = "post",
        operation_id = "adminResetPassword"
    )]
    async fn reset_password(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<PasswordReset>,
    ) -> Res<Json<AccountRow>, AdminErrors> {
        let pw = service::Change::ResetPassword(body.0.password.into());
        apply(&state, &auth, id.0, pw).await
    }
}

/// Applies a change as the calling admin; this node forgets the account
/// at once (the others within `account_cache_secs`).
async fn apply(
    state: &AppState,
    auth: &BearerAuth,
    id: Uuid,
    change: service::Change,
) -> Res<Json<AccountRow>, AdminErrors> {
    let actor = admin(auth)?;
    let a = service::change_account(&state.db, actor, id, change).await?;
    state.auth.accounts.forget(id);
    Ok(Json(a.into()))
}
