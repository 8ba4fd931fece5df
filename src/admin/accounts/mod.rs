//! Admin: staff and unit accounts.

pub mod service;

use super::{AdminErrors, admin};
use crate::{api::Tag, auth::BearerAuth, error::Res, state::AppState, web::enums};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, payload::Json};
use uuid::Uuid;

/// A staff or unit account to create.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct AccountInput {
    /// Login name.
    #[oai(validator(min_length = 1, max_length = 64))]
    pub username: String,
    /// At least 8 characters.
    #[oai(validator(max_length = 256))]
    pub password: String,
    pub role: enums::Role,
    /// The unit, for unit members.
    pub unit_code: Option<String>,
    /// Name shown in timelines.
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

/// A staff or unit account.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct AccountRow {
    pub id: Uuid,
    /// Login name.
    pub username: Option<String>,
    pub role: enums::Role,
    /// Unit of a unit member.
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
            role: a.role.into(),
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
}
