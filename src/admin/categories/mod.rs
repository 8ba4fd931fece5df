//! Admin: categories (大类 and 小类), their time limits and close criteria.

pub use suishoupai_core::admin::categories::*;

use super::{AdminErrors, admin};
use crate::{
    api::Tag,
    auth::BearerAuth,
    categories::attributes::{self, Attribute},
    error::Res,
    infra::settings::Gen,
    state::AppState,
    web::enums,
};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, payload::Json};
use uuid::Uuid;

/// A category to create or replace (by code).
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct CategoryInput {
    /// Unique code: 1–32 letters, digits, '-' or '_'.
    #[oai(validator(pattern = r"^[A-Za-z0-9_-]{1,32}$"))]
    pub code: String,
    /// Name, 1–64 characters, not all spaces.
    #[oai(validator(min_length = 1, max_length = 64))]
    pub name: String,
    /// The 大类 of a 小类; none for a 大类.
    #[oai(nullable, validator(min_length = 1, max_length = 32))]
    pub parent_code: Option<String>,
    /// Handling time limit of a 小类, in `limitUnit` (1–10000).
    #[oai(nullable)]
    pub time_limit: Option<i32>,
    #[oai(nullable)]
    pub limit_unit: Option<enums::LimitUnit>,
    /// Accept limit (接单时限) of a 小类 in working hours (1–1000).
    #[oai(nullable)]
    pub accept_limit_hours: Option<i32>,
    /// Whether a dispatcher reviews reports first (false: automatic 立案 and dispatch).
    #[oai(default = "yes")]
    pub manual_review: bool,
    /// 结案标准.
    #[oai(default)]
    pub close_criterion: String,
    /// Ratings at or below this (0–5, default 2) reopen the case for verification.
    #[oai(default = "two")]
    pub unsatisfied_max: i32,
    /// Display order.
    #[oai(default)]
    pub sort_order: i32,
    /// Inactive categories cannot be reported.
    #[oai(default = "yes")]
    pub active: bool,
    /// Extra questions a report of this 小类 answers (at most 20; none on
    /// a 大类): its Open311 service definition.
    #[oai(default, validator(max_items = 20))]
    pub attributes: Vec<Attribute>,
}

fn yes() -> bool {
    true
}

fn two() -> i32 {
    2
}

impl From<CategoryInput> for service::CategoryInput {
    fn from(b: CategoryInput) -> Self {
        Self {
            code: b.code,
            name: b.name,
            parent_code: b.parent_code,
            time_limit: b.time_limit,
            limit_unit: b.limit_unit,
            accept_limit_hours: b.accept_limit_hours,
            manual_review: b.manual_review,
            close_criterion: b.close_criterion,
            unsatisfied_max: b.unsatisfied_max,
            sort_order: b.sort_order,
            active: b.active,
            attributes: b.attributes,
        }
    }
}

/// A stored category.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct CategoryRow {
    pub id: Uuid,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Parent id (大类) of a 小类.
    #[oai(nullable)]
    pub parent_id: Option<Uuid>,
    /// Handling time limit.
    #[oai(nullable)]
    pub time_limit: Option<i32>,
    /// How the time limit is counted.
    #[oai(nullable)]
    pub limit_unit: Option<enums::LimitUnit>,
    /// Accept limit, working hours.
    #[oai(nullable)]
    pub accept_limit_hours: Option<i32>,
    /// Manual review (false: automatic).
    pub manual_review: bool,
    /// 结案标准.
    pub close_criterion: String,
    /// Unsatisfied threshold.
    pub unsatisfied_max: i32,
    /// Active.
    pub active: bool,
    /// Extra questions (its Open311 service definition).
    pub attributes: Vec<Attribute>,
}

impl From<service::Category> for CategoryRow {
    fn from(c: service::Category) -> Self {
        Self {
            id: c.id,
            code: c.code,
            name: c.name,
            parent_id: c.parent_id,
            time_limit: c.time_limit,
            limit_unit: c.limit_unit,
            accept_limit_hours: c.accept_limit_hours,
            manual_review: c.manual_review,
            close_criterion: c.close_criterion,
            unsatisfied_max: c.unsatisfied_max,
            active: c.active,
            attributes: attributes::load(c.attributes.as_deref()),
        }
    }
}

pub struct AdminCategoriesApi;

#[OpenApi(prefix_path = "/api/v1/admin", tag = "Tag::Admin")]
impl AdminCategoriesApi {
    /// List categories (all, flat)
    #[oai(
        path = "/categories",
        method = "get",
        operation_id = "adminListCategories"
    )]
    async fn categories(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Res<Json<Vec<CategoryRow>>, AdminErrors> {
        admin(&auth)?;
        let rows = service::list(&state.db).await?;
        Ok(Json(rows.into_iter().map(Into::into).collect()))
    }

    /// Create or replace a category
    ///
    /// By code: time limit with its unit (工作时 `work_hours`, 工作日
    /// `work_days`, natural `natural_hours`), accept limit, manual review or
    /// automatic, close criterion.
    #[oai(
        path = "/categories",
        method = "post",
        operation_id = "adminSaveCategory"
    )]
    async fn save_category(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<CategoryInput>,
    ) -> Res<Json<CategoryRow>, AdminErrors> {
        let actor = admin(&auth)?;
        let saved = service::upsert_category(&state.db, actor, body.0.into()).await?;
        state.refresh(&[Gen::Categories]).await?;
        Ok(Json(saved.into()))
    }
}
