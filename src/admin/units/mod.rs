//! Admin: units (责任单位), their tree and their webhooks.

pub use suishoupai_core::admin::units::*;

use super::{AdminErrors, admin};
use crate::{api::Tag, auth::BearerAuth, error::Res, infra::settings::Gen, state::AppState};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, payload::Json};
use uuid::Uuid;

/// A unit to create or replace (by code).
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct UnitInput {
    /// Unique code: 1–32 letters, digits, '-' or '_'.
    #[oai(validator(pattern = r"^[A-Za-z0-9_-]{1,32}$"))]
    pub code: String,
    /// Name, 1–64 characters, not all spaces.
    #[oai(validator(min_length = 1, max_length = 64))]
    pub name: String,
    /// chengguan | huanwei | jiaojing | street_office | property | other
    #[oai(default = "other", validator(min_length = 1, max_length = 32))]
    pub kind: String,
    /// The parent unit (where escalation goes).
    #[oai(nullable, validator(min_length = 1, max_length = 32))]
    pub parent_code: Option<String>,
    /// wecom (group robot markdown) | hmac (signed JSON POST); with
    /// `webhookUrl`.
    #[oai(nullable, validator(pattern = "^(wecom|hmac)$"))]
    pub webhook_kind: Option<String>,
    /// Where notifications go: an http(s) URL of at most 500 characters.
    #[oai(nullable, validator(max_length = 500, pattern = "^https?://"))]
    pub webhook_url: Option<String>,
    /// HMAC-SHA256 key for `hmac` (16+ characters); never returned.
    #[oai(nullable, validator(min_length = 16, max_length = 256))]
    pub webhook_secret: Option<String>,
}

fn other() -> String {
    "other".into()
}

impl From<UnitInput> for service::UnitInput {
    fn from(b: UnitInput) -> Self {
        Self {
            code: b.code,
            name: b.name,
            kind: b.kind,
            parent_code: b.parent_code,
            webhook_kind: b.webhook_kind,
            webhook_url: b.webhook_url,
            webhook_secret: b.webhook_secret,
        }
    }
}

/// A stored unit.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct UnitRow {
    pub id: Uuid,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Parent unit id.
    #[oai(nullable)]
    pub parent_id: Option<Uuid>,
    /// Webhook kind, if any.
    #[oai(nullable)]
    pub webhook_kind: Option<String>,
    /// Webhook URL, if any.
    #[oai(nullable)]
    pub webhook_url: Option<String>,
}

impl From<service::Unit> for UnitRow {
    fn from(u: service::Unit) -> Self {
        Self {
            id: u.id,
            code: u.code,
            name: u.name,
            kind: u.kind,
            parent_id: u.parent_id,
            webhook_kind: u.webhook_kind,
            webhook_url: u.webhook_url,
        }
    }
}

pub struct AdminUnitsApi;

#[OpenApi(prefix_path = "/api/v1/admin", tag = "Tag::Admin")]
impl AdminUnitsApi {
    /// List units
    #[oai(path = "/units", method = "get", operation_id = "adminListUnits")]
    async fn units(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Res<Json<Vec<UnitRow>>, AdminErrors> {
        admin(&auth)?;
        let rows = service::list(&state.db).await?;
        Ok(Json(rows.into_iter().map(Into::into).collect()))
    }

    /// Create or replace a unit
    ///
    /// Units form a tree: the parent is where escalation goes. A webhook
    /// (WeCom group robot, or JSON signed with HMAC-SHA256 in
    /// `X-Suishoupai-Signature: sha256=hex(hmac(secret, timestamp + "." + body))`)
    /// receives the unit's notifications. The webhook may not point at an
    /// internal address (loopback, private, link-local, cloud metadata),
    /// checked now and again at each call after DNS resolution, unless the
    /// operator's `webhooks.allow_hosts` names its host: `400
    /// webhook_not_allowed`. Redirects are not followed.
    #[oai(path = "/units", method = "post", operation_id = "adminSaveUnit")]
    async fn save_unit(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<UnitInput>,
    ) -> Res<Json<UnitRow>, AdminErrors> {
        let actor = admin(&auth)?;
        let saved =
            service::upsert_unit(&state.db, &state.notify.egress, actor, body.0.into()).await?;
        state.refresh(&[Gen::Directory]).await?;
        Ok(Json(saved.into()))
    }
}
