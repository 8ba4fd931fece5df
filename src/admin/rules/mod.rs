//! Admin: routing rules, (category, area) → the unit responsible.

pub use suishoupai_core::admin::rules::*;

use super::{AdminErrors, admin};
use crate::{api::Tag, auth::BearerAuth, error::Res, infra::settings::Gen, state::AppState};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path, payload::Json};
use uuid::Uuid;

/// A routing rule to add.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct RuleInput {
    /// Category code (小类 or 大类); none: every category.
    #[oai(nullable, validator(min_length = 1, max_length = 64))]
    pub category_code: Option<String>,
    /// Area code; none: city-wide.
    #[oai(nullable, validator(min_length = 1, max_length = 64))]
    pub area_code: Option<String>,
    /// The unit responsible.
    #[oai(validator(min_length = 1, max_length = 64))]
    pub unit_code: String,
}

/// A stored routing rule.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct RuleRow {
    pub id: Uuid,
    /// Category id; none: every category.
    #[oai(nullable)]
    pub category_id: Option<Uuid>,
    /// Area id; none: city-wide.
    #[oai(nullable)]
    pub area_id: Option<Uuid>,
    /// Unit id.
    pub unit_id: Uuid,
}

impl From<service::Rule> for RuleRow {
    fn from(r: service::Rule) -> Self {
        Self {
            id: r.id,
            category_id: r.category_id,
            area_id: r.area_id,
            unit_id: r.unit_id,
        }
    }
}

pub struct AdminRulesApi;

#[OpenApi(prefix_path = "/api/v1/admin", tag = "Tag::Admin")]
impl AdminRulesApi {
    /// List routing rules
    #[oai(
        path = "/routing-rules",
        method = "get",
        operation_id = "adminListRules"
    )]
    async fn rules(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Res<Json<Vec<RuleRow>>, AdminErrors> {
        admin(&auth)?;
        let rows = service::list(&state.db).await?;
        Ok(Json(rows.into_iter().map(Into::into).collect()))
    }

    /// Add a routing rule
    ///
    /// (category, area) → unit. The most specific area wins, then the most
    /// specific category; a rule without area is city-wide. A missing unit,
    /// category or area is `422` and nothing changes.
    #[oai(
        path = "/routing-rules",
        method = "post",
        operation_id = "adminAddRule"
    )]
    async fn add_rule(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<RuleInput>,
    ) -> Res<Json<RuleRow>, AdminErrors> {
        let actor = admin(&auth)?;
        let r = service::add_rule(
            &state.db,
            actor,
            body.category_code.as_deref(),
            body.area_code.as_deref(),
            &body.unit_code,
        )
        .await?;
        state.refresh(&[Gen::Directory]).await?;
        Ok(Json(r.into()))
    }

    /// Delete a routing rule
    #[oai(
        path = "/routing-rules/:id",
        method = "delete",
        operation_id = "adminDeleteRule"
    )]
    async fn delete_rule(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> Res<Json<RuleRow>, AdminErrors> {
        let actor = admin(&auth)?;
        let row = service::delete_rule(&state.db, actor, id.0).await?;
        state.refresh(&[Gen::Directory]).await?;
        Ok(Json(row.into()))
    }
}
