//! The category tree (大类/小类) with time limits, as the mini-program shows it.

pub use suishoupai_core::categories::*;

use crate::{api::Tag, error::Res, state::AppState, web::enums};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, payload::Json};
use uuid::Uuid;

/// A small category (小类): what a citizen picks.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct Subcategory {
    pub id: Uuid,
    /// Code in the style of the national urban-management classification.
    pub code: String,
    /// Name of the small category.
    pub name: String,
    /// Handling time limit, counted in `limitUnit`.
    pub time_limit: i32,
    pub limit_unit: enums::LimitUnit,
    /// Time the unit has to accept (接单), in working hours.
    pub accept_limit_hours: i32,
    /// Whether a dispatcher reviews reports of this kind before dispatch.
    pub manual_review: bool,
    /// 结案标准: what "fixed" means.
    pub close_criterion: String,
}

/// A large category (大类) with its small categories.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct CategoryGroup {
    pub id: Uuid,
    /// Code of the large category.
    pub code: String,
    /// Name of the large category.
    pub name: String,
    /// Its small categories, in display order.
    pub children: Vec<Subcategory>,
}

impl From<service::Group> for CategoryGroup {
    fn from(g: service::Group) -> Self {
        Self {
            id: g.id,
            code: g.code,
            name: g.name,
            children: g.children.into_iter().map(Subcategory::from).collect(),
        }
    }
}

impl From<service::Small> for Subcategory {
    fn from(c: service::Small) -> Self {
        let r = c.rules;
        Self {
            id: c.id,
            code: r.code,
            name: r.name,
            time_limit: i32::try_from(r.time_limit).unwrap_or(i32::MAX),
            limit_unit: r.limit_unit,
            accept_limit_hours: i32::try_from(r.accept_limit_hours).unwrap_or(i32::MAX),
            manual_review: r.manual_review,
            close_criterion: c.close_criterion,
        }
    }
}

pub struct CategoriesApi;

#[OpenApi(prefix_path = "/api/v1", tag = "Tag::Categories")]
impl CategoriesApi {
    /// The category tree
    ///
    /// Active categories, 大类 with their 小类, in display order, each 小类
    /// with its time limits and close criterion. No login needed.
    #[oai(path = "/categories", method = "get", operation_id = "listCategories")]
    async fn list(&self, state: Data<&AppState>) -> Res<Json<Vec<CategoryGroup>>, CategoryErrors> {
        let tree = service::tree(&state.db).await?;
        Ok(Json(tree.into_iter().map(CategoryGroup::from).collect()))
    }
}

crate::error_set!(CategoryErrors:);
