//! Admin: Open311 api_keys, one per integrator.

pub use suishoupai_core::admin::api_keys::*;

use super::{AdminErrors, admin};
use crate::{api::Tag, auth::BearerAuth, error::Res, state::AppState};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path, payload::Json};
use uuid::Uuid;

/// An integrator to issue a key for.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct ApiKeyInput {
    /// The integrator (e.g. `12345热线`), unique, 1–64 characters; it is
    /// shown on the cases it files.
    #[oai(validator(min_length = 1, max_length = 64, pattern = r"\S"))]
    pub name: String,
    /// Open311 posts per minute it may make (1–10000, default 60).
    #[oai(nullable, validator(minimum(value = "1"), maximum(value = "10000")))]
    pub rate_per_minute: Option<i32>,
}

/// An integrator's key, as listed (the key itself is shown only once).
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct ApiKeyRow {
    /// The key's id (revoke it with `POST /admin/api-keys/{id}/revoke`).
    pub id: Uuid,
    /// The integrator.
    pub name: String,
    /// The key's first characters, to tell keys apart.
    pub prefix: String,
    /// Open311 posts per minute it may make.
    pub rate_per_minute: i32,
    /// The account its cases are filed under.
    pub account_id: Uuid,
    /// When it was issued.
    pub created_at: chrono::DateTime<chrono::FixedOffset>,
    /// When it was revoked; none while it works.
    #[oai(nullable)]
    pub revoked_at: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// When it last authenticated a post.
    #[oai(nullable)]
    pub last_used_at: Option<chrono::DateTime<chrono::FixedOffset>>,
}

impl From<service::ApiKey> for ApiKeyRow {
    fn from(k: service::ApiKey) -> Self {
        Self {
            id: k.id,
            name: k.name,
            prefix: k.key_prefix,
            rate_per_minute: k.rate_per_minute,
            account_id: k.user_id,
            created_at: k.created_at,
            revoked_at: k.revoked_at,
            last_used_at: k.last_used_at,
        }
    }
}

/// A key just issued.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct IssuedKey {
    /// The key: give it to the integrator now; it is not shown again.
    pub api_key: String,
    /// Its row.
    pub key: ApiKeyRow,
}

pub struct AdminApiKeysApi;

#[OpenApi(prefix_path = "/api/v1/admin", tag = "Tag::Admin")]
impl AdminApiKeysApi {
    /// List Open311 api_keys
    ///
    /// Every integrator's key, newest first, revoked ones included.
    #[oai(path = "/api-keys", method = "get", operation_id = "adminListApiKeys")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Res<Json<Vec<ApiKeyRow>>, AdminErrors> {
        admin(&auth)?;
        let rows = service::list(&state.db).await?;
        Ok(Json(rows.into_iter().map(Into::into).collect()))
    }

    /// Issue an Open311 api_key
    ///
    /// One per integrator (a 12345 hotline, an app), with its own rate
    /// limit on `POST /open311/v2/requests`. The key is in this answer
    /// only; the server keeps its SHA-256. A name in use is `409
    /// api_key_name_taken`. Audited.
    #[oai(path = "/api-keys", method = "post", operation_id = "adminIssueApiKey")]
    async fn issue(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<ApiKeyInput>,
    ) -> Res<Json<IssuedKey>, AdminErrors> {
        let actor = admin(&auth)?;
        let b = body.0;
        let issued = service::issue(&state.db, actor, &b.name, b.rate_per_minute).await?;
        Ok(Json(IssuedKey {
            api_key: issued.key,
            key: issued.row.into(),
        }))
    }

    /// Revoke an Open311 api_key
    ///
    /// Its next post is refused (`403`) on every node, and its account is
    /// disabled; the cases it filed stay. Revoking again changes nothing.
    /// Audited.
    #[oai(
        path = "/api-keys/:id/revoke",
        method = "post",
        operation_id = "adminRevokeApiKey"
    )]
    async fn revoke(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> Res<Json<ApiKeyRow>, AdminErrors> {
        let actor = admin(&auth)?;
        Ok(Json(service::revoke(&state.db, actor, id.0).await?.into()))
    }
}
