//! The category tree (大类/小类) with time limits, as the mini-program shows it.

use crate::{api::Tag, error::Res, state::AppState};
use entity::category;
use poem::web::Data;
use poem_openapi::{Enum, Object, OpenApi, payload::Json};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// How a time limit is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum LimitUnit {
    /// 工作时: hours inside the working hours of working days.
    WorkHours,
    /// 工作日: whole working days.
    WorkDays,
    /// 自然时: wall-clock hours, calendar ignored (urgent work).
    NaturalHours,
}

impl LimitUnit {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "work_hours" => Some(Self::WorkHours),
            "work_days" => Some(Self::WorkDays),
            "natural_hours" => Some(Self::NaturalHours),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::WorkHours => "work_hours",
            Self::WorkDays => "work_days",
            Self::NaturalHours => "natural_hours",
        }
    }
}

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
    pub limit_unit: LimitUnit,
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

pub struct CategoriesApi;

#[OpenApi(prefix_path = "/api/v1", tag = "Tag::Categories")]
impl CategoriesApi {
    /// The category tree
    ///
    /// Active categories, 大类 with their 小类, in display order, each 小类
    /// with its time limits and close criterion. No login needed.
    #[oai(path = "/categories", method = "get", operation_id = "listCategories")]
    async fn list(&self, state: Data<&AppState>) -> Res<Json<Vec<CategoryGroup>>, CategoryErrors> {
        let rows = category::Entity::find()
            .filter(category::Column::Active.eq(true))
            .order_by_asc(category::Column::SortOrder)
            .order_by_asc(category::Column::Code)
            .all(&state.db)
            .await?;
        Ok(Json(tree(rows)))
    }
}

fn tree(rows: Vec<category::Model>) -> Vec<CategoryGroup> {
    let (parents, children): (Vec<_>, Vec<_>) =
        rows.into_iter().partition(|c| c.parent_id.is_none());
    parents
        .into_iter()
        .map(|p| CategoryGroup {
            children: children
                .iter()
                .filter(|c| c.parent_id == Some(p.id))
                .map(|c| Subcategory {
                    id: c.id,
                    code: c.code.clone(),
                    name: c.name.clone(),
                    time_limit: c.time_limit.unwrap_or(0),
                    limit_unit: c
                        .limit_unit
                        .as_deref()
                        .and_then(LimitUnit::parse)
                        .unwrap_or(LimitUnit::WorkHours),
                    accept_limit_hours: c.accept_limit_hours.unwrap_or(0),
                    manual_review: c.manual_review,
                    close_criterion: c.close_criterion.clone(),
                })
                .collect(),
            id: p.id,
            code: p.code,
            name: p.name,
        })
        .collect()
}

crate::error_set!(CategoryErrors:);
