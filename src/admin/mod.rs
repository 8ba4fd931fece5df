//! Administration API (role admin): categories, units, areas, routing rules,
//! the working calendar, accounts and the audit log. The same services back
//! `suishoupai admin`.

pub mod service;

use crate::{
    api::Tag,
    audit::Actor,
    auth::BearerAuth,
    calendar::store as cal_store,
    core::{
        Caller, Role,
        page::{decode_cursor, split_page},
    },
    error::{ApiError, ApiResult, Res},
    infra::settings::Gen,
    state::AppState,
    web::enums,
};
use chrono::{DateTime, Datelike, FixedOffset};
use entity::{audit_log, routing_rule, unit, user};
use poem::web::Data;
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

fn admin(auth: &BearerAuth) -> ApiResult<(&Caller, Actor)> {
    auth.0.require(&[Role::Admin])?;
    Ok((&auth.0, Actor::of(&auth.0)))
}

async fn reload(state: &AppState, what: &[Gen]) -> ApiResult<()> {
    state.refresh(what).await.map_err(ApiError::Internal)
}

/// A category to create or replace (by code).
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct CategoryInput {
    /// Unique code (1–32 letters, digits, '-', '_').
    pub code: String,
    /// Name.
    pub name: String,
    /// The 大类 of a 小类; none for a 大类.
    pub parent_code: Option<String>,
    /// Handling time limit of a 小类, in `limitUnit` (1–10000).
    pub time_limit: Option<i32>,
    pub limit_unit: Option<enums::LimitUnit>,
    /// Accept limit (接单时限) of a 小类 in working hours (1–1000).
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
}

fn yes() -> bool {
    true
}

fn two() -> i32 {
    2
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
    pub parent_id: Option<Uuid>,
    /// Handling time limit.
    pub time_limit: Option<i32>,
    /// work_hours | work_days | natural_hours
    pub limit_unit: Option<String>,
    /// Accept limit, working hours.
    pub accept_limit_hours: Option<i32>,
    /// Manual review (false: automatic).
    pub manual_review: bool,
    /// 结案标准.
    pub close_criterion: String,
    /// Unsatisfied threshold.
    pub unsatisfied_max: i32,
    /// Active.
    pub active: bool,
}

impl From<entity::category::Model> for CategoryRow {
    fn from(c: entity::category::Model) -> Self {
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
        }
    }
}

/// A unit to create or replace (by code).
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct UnitInput {
    /// Unique code.
    pub code: String,
    /// Name.
    pub name: String,
    /// chengguan | huanwei | jiaojing | street_office | property | other
    #[oai(default = "other")]
    pub kind: String,
    /// The parent unit (where escalation goes).
    pub parent_code: Option<String>,
    /// wecom (group robot markdown) | hmac (signed JSON POST).
    pub webhook_kind: Option<String>,
    /// Where notifications go.
    pub webhook_url: Option<String>,
    /// HMAC-SHA256 key for `hmac` (16+ characters); never returned.
    pub webhook_secret: Option<String>,
}

fn other() -> String {
    "other".into()
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
    pub parent_id: Option<Uuid>,
    /// Webhook kind, if any.
    pub webhook_kind: Option<String>,
    /// Webhook URL, if any.
    pub webhook_url: Option<String>,
}

impl From<unit::Model> for UnitRow {
    fn from(u: unit::Model) -> Self {
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

/// A stored area (without its polygon).
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct AreaRow {
    pub id: Uuid,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// district | street | grid
    pub level: String,
    /// Parent area id.
    pub parent_id: Option<Uuid>,
}

/// How many areas an import stored.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct ImportResult {
    /// Areas created or replaced.
    pub imported: u64,
}

/// A routing rule to add.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct RuleInput {
    /// Category code (小类 or 大类); none: every category.
    pub category_code: Option<String>,
    /// Area code; none: city-wide.
    pub area_code: Option<String>,
    /// The unit responsible.
    pub unit_code: String,
}

/// A stored routing rule.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct RuleRow {
    pub id: Uuid,
    /// Category id; none: every category.
    pub category_id: Option<Uuid>,
    /// Area id; none: city-wide.
    pub area_id: Option<Uuid>,
    /// Unit id.
    pub unit_id: Uuid,
}

impl From<routing_rule::Model> for RuleRow {
    fn from(r: routing_rule::Model) -> Self {
        Self {
            id: r.id,
            category_id: r.category_id,
            area_id: r.area_id,
            unit_id: r.unit_id,
        }
    }
}

/// The working calendar.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct CalendarView {
    /// Working periods of the day, e.g. `08:30-12:00,13:30-17:30` (Asia/Shanghai).
    pub working_hours: String,
    /// Working minutes in a working day.
    pub minutes_per_day: i64,
    /// Years loaded from holiday-cn files.
    pub years: Vec<CalendarYear>,
}

/// One loaded year.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct CalendarYear {
    /// The year.
    pub year: i32,
    /// Statutory days off.
    pub days_off: u32,
    /// Make-up working days (调休).
    pub make_up_days: u32,
}

/// Working hours of the day.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct HoursInput {
    /// e.g. `08:30-12:00,13:30-17:30`: in order, without overlap.
    pub working_hours: String,
}

/// What the calendar answers for a time limit.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct DueAnswer {
    /// The start.
    pub from: DateTime<FixedOffset>,
    /// The deadline, in China Standard Time.
    pub due: DateTime<FixedOffset>,
    /// Working minutes between the two (natural minutes for natural hours).
    pub minutes: i64,
}

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

/// One audit entry.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct AuditRow {
    pub id: Uuid,
    /// Who (none: the system).
    pub actor_id: Option<Uuid>,
    /// The actor's role.
    pub actor_role: String,
    /// What, e.g. `case.dispatch`, `reporter.view`.
    pub action: String,
    /// case | category | unit | area | routing_rule | calendar | account
    pub object_type: String,
    /// Which object.
    pub object_id: Option<String>,
    /// The reason or note given.
    pub reason: Option<String>,
    /// Details.
    pub data: Option<serde_json::Value>,
    /// When.
    pub at: DateTime<FixedOffset>,
}

/// A page of audit entries, newest first.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct AuditPage {
    /// This page.
    pub items: Vec<AuditRow>,
    /// Pass as `cursor` for the next page.
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

pub struct AdminApi;

#[OpenApi(prefix_path = "/api/v1/admin", tag = "Tag::Admin")]
impl AdminApi {
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
        let rows = entity::category::Entity::find()
            .order_by_asc(entity::category::Column::Code)
            .all(&state.db)
            .await?;
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
        let (_, actor) = admin(&auth)?;
        let b = body.0;
        let saved = service::upsert_category(
            &state.db,
            actor,
            service::CategoryInput {
                code: b.code,
                name: b.name,
                parent_code: b.parent_code,
                time_limit: b.time_limit,
                limit_unit: b.limit_unit.map(Into::into),
                accept_limit_hours: b.accept_limit_hours,
                manual_review: b.manual_review,
                close_criterion: b.close_criterion,
                unsatisfied_max: b.unsatisfied_max,
                sort_order: b.sort_order,
                active: b.active,
            },
        )
        .await?;
        reload(&state, &[Gen::Categories]).await?;
        Ok(Json(saved.into()))
    }

    /// List units
    #[oai(path = "/units", method = "get", operation_id = "adminListUnits")]
    async fn units(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Res<Json<Vec<UnitRow>>, AdminErrors> {
        admin(&auth)?;
        let rows = unit::Entity::find()
            .order_by_asc(unit::Column::Code)
            .all(&state.db)
            .await?;
        Ok(Json(rows.into_iter().map(Into::into).collect()))
    }

    /// Create or replace a unit
    ///
    /// Units form a tree: the parent is where escalation goes. A webhook
    /// (WeCom group robot, or JSON signed with HMAC-SHA256 in
    /// `X-Suishoupai-Signature: sha256=hex(hmac(secret, timestamp + "." + body))`)
    /// receives the unit's notifications.
    #[oai(path = "/units", method = "post", operation_id = "adminSaveUnit")]
    async fn save_unit(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<UnitInput>,
    ) -> Res<Json<UnitRow>, AdminErrors> {
        let (_, actor) = admin(&auth)?;
        let b = body.0;
        let saved = service::upsert_unit(
            &state.db,
            actor,
            service::UnitInput {
                code: b.code,
                name: b.name,
                kind: b.kind,
                parent_code: b.parent_code,
                webhook_kind: b.webhook_kind,
                webhook_url: b.webhook_url,
                webhook_secret: b.webhook_secret,
            },
        )
        .await?;
        reload(&state, &[Gen::Directory]).await?;
        Ok(Json(saved.into()))
    }

    /// List areas
    #[oai(path = "/areas", method = "get", operation_id = "adminListAreas")]
    async fn areas(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Res<Json<Vec<AreaRow>>, AdminErrors> {
        admin(&auth)?;
        let rows = entity::area::Entity::find()
            .order_by_asc(entity::area::Column::Code)
            .all(&state.db)
            .await?;
        Ok(Json(
            rows.into_iter()
                .map(|a| AreaRow {
                    id: a.id,
                    code: a.code,
                    name: a.name,
                    level: a.level,
                    parent_id: a.parent_id,
                })
                .collect(),
        ))
    }

    /// Import areas from GeoJSON
    ///
    /// A FeatureCollection (or one Feature) whose features have `code`,
    /// `name`, `level` (district | street | grid) and `parentCode`
    /// properties and a Polygon or MultiPolygon geometry in WGS-84. All or
    /// nothing: an invalid or self-intersecting polygon, a missing parent or
    /// a level out of order is a 4xx naming the feature, and nothing changes.
    #[oai(path = "/areas", method = "post", operation_id = "adminImportAreas")]
    async fn import_areas(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<serde_json::Value>,
    ) -> Res<Json<ImportResult>, AdminErrors> {
        let (_, actor) = admin(&auth)?;
        let items = service::parse_feature_collection(&body.0.to_string())?;
        let n = service::import_areas(&state.db, actor, items).await?;
        reload(&state, &[Gen::Areas, Gen::Directory]).await?;
        Ok(Json(ImportResult { imported: n as u64 }))
    }

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
        let rows = routing_rule::Entity::find()
            .order_by_asc(routing_rule::Column::Id)
            .all(&state.db)
            .await?;
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
        let (_, actor) = admin(&auth)?;
        let r = service::add_rule(
            &state.db,
            actor,
            body.category_code.as_deref(),
            body.area_code.as_deref(),
            &body.unit_code,
        )
        .await?;
        reload(&state, &[Gen::Directory]).await?;
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
        let (_, actor) = admin(&auth)?;
        let row = routing_rule::Entity::find_by_id(id.0)
            .one(&state.db)
            .await?
            .ok_or_else(|| ApiError::not_found("routing rule"))?;
        service::delete_rule(&state.db, actor, id.0).await?;
        reload(&state, &[Gen::Directory]).await?;
        Ok(Json(row.into()))
    }

    /// The working calendar
    #[oai(path = "/calendar", method = "get", operation_id = "adminGetCalendar")]
    async fn calendar(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Res<Json<CalendarView>, AdminErrors> {
        admin(&auth)?;
        let cal = cal_store::load(&state.db).await?;
        let years = cal_store::years(&state.db).await?;
        Ok(Json(CalendarView {
            working_hours: cal_store::format_periods(cal.periods()),
            minutes_per_day: cal.minutes_per_day(),
            years: years
                .into_iter()
                .map(|(year, days_off, make_up_days)| CalendarYear {
                    year,
                    days_off,
                    make_up_days,
                })
                .collect(),
        }))
    }

    /// Set the working hours of the day
    #[oai(
        path = "/calendar/hours",
        method = "put",
        operation_id = "adminSetHours"
    )]
    async fn set_hours(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<HoursInput>,
    ) -> Res<Json<CalendarView>, AdminErrors> {
        let (_, actor) = admin(&auth)?;
        service::set_working_hours(&state.db, actor, &body.working_hours).await?;
        reload(&state, &[Gen::Calendar]).await?;
        self.calendar(state, auth).await
    }

    /// Load a year of holidays (holiday-cn JSON)
    ///
    /// `{year, days:[{name, date, isOffDay}]}` as published by holiday-cn;
    /// replaces that year. Bad dates, dates of another year or a date listed
    /// twice are `400` and nothing changes.
    #[oai(
        path = "/calendar/years",
        method = "post",
        operation_id = "adminLoadYear"
    )]
    async fn load_year(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<serde_json::Value>,
    ) -> Res<Json<CalendarView>, AdminErrors> {
        let (_, actor) = admin(&auth)?;
        service::load_calendar_year(&state.db, actor, &body.0.to_string()).await?;
        reload(&state, &[Gen::Calendar]).await?;
        self.calendar(state, auth).await
    }

    /// The deadline the calendar gives
    ///
    /// So an operator can check a calendar before relying on it: `from` plus
    /// `amount` in `unit`.
    #[oai(
        path = "/calendar/due",
        method = "get",
        operation_id = "adminCalendarDue"
    )]
    async fn due(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// The start (RFC 3339).
        from: Query<DateTime<FixedOffset>>,
        /// The time limit, 1–10000.
        #[oai(validator(minimum(value = "1"), maximum(value = "10000")))]
        amount: Query<i64>,
        /// work_hours | work_days | natural_hours
        unit: Query<enums::LimitUnit>,
    ) -> Res<Json<DueAnswer>, AdminErrors> {
        admin(&auth)?;
        if !(2000..=2100).contains(&from.0.year()) {
            return Err(ApiError::bad_request(
                "invalid_from",
                "from must be in the years 2000–2100",
            )
            .into());
        }
        let cal = state.calendar.get();
        let unit: crate::core::LimitUnit = unit.0.into();
        let due = cal
            .due(from.0, amount.0, unit)
            .with_timezone(&crate::core::time::shanghai());
        let minutes = match unit {
            crate::core::LimitUnit::NaturalHours => (due - from.0).num_minutes(),
            _ => cal.working_minutes_between(from.0, due),
        };
        Ok(Json(DueAnswer {
            from: from.0,
            due,
            minutes,
        }))
    }

    /// List staff and unit accounts
    #[oai(path = "/accounts", method = "get", operation_id = "adminListAccounts")]
    async fn accounts(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Res<Json<Vec<AccountRow>>, AdminErrors> {
        admin(&auth)?;
        let rows = user::Entity::find()
            .filter(user::Column::Username.is_not_null())
            .order_by_asc(user::Column::Username)
            .all(&state.db)
            .await?;
        Ok(Json(
            rows.into_iter()
                .filter_map(|u| {
                    Some(AccountRow {
                        role: Role::parse(&u.role)?.into(),
                        id: u.id,
                        username: u.username,
                        unit_id: u.unit_id,
                        display_name: u.display_name,
                        disabled: u.disabled,
                    })
                })
                .collect(),
        ))
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
        let (_, actor) = admin(&auth)?;
        let b = body.0;
        let unit_id = match &b.unit_code {
            Some(c) => Some(
                state
                    .directory
                    .get()
                    .unit_by_code(c)
                    .map(|u| u.id)
                    .ok_or_else(|| {
                        ApiError::unprocessable("unknown_unit", format!("no unit with code {c}"))
                    })?,
            ),
            None => None,
        };
        let display = b.display_name.clone().unwrap_or_else(|| b.username.clone());
        let u = crate::auth::service::create_account(
            &state.db,
            &b.username,
            &b.password,
            b.role.into(),
            &display,
            unit_id,
        )
        .await?;
        crate::audit::record(
            &state.db,
            actor,
            "account.create",
            "account",
            Some(u.id.to_string()),
            None,
            Some(serde_json::json!({"username": b.username, "role": Role::from(b.role).as_str()})),
        )
        .await?;
        Ok(Json(AccountRow {
            id: u.id,
            username: u.username,
            role: b.role,
            unit_id: u.unit_id,
            display_name: u.display_name,
            disabled: u.disabled,
        }))
    }

    /// Read the audit log
    ///
    /// Newest first; filter by object id (e.g. a case id), actor or action.
    #[oai(path = "/audit", method = "get", operation_id = "adminAudit")]
    #[allow(clippy::too_many_arguments)]
    async fn audit(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Only entries about this object (e.g. a case id).
        #[oai(name = "objectId")]
        object_id: Query<Option<String>>,
        /// Only entries by this account.
        #[oai(name = "actorId")]
        actor_id: Query<Option<Uuid>>,
        /// Only this action, e.g. `reporter.view`.
        action: Query<Option<String>>,
        /// `nextCursor` of the previous page.
        cursor: Query<Option<String>>,
        /// Page size, 1–200 (default 50).
        #[oai(
            default = "fifty",
            validator(minimum(value = "1"), maximum(value = "200"))
        )]
        limit: Query<u64>,
    ) -> Res<Json<AuditPage>, AdminErrors> {
        admin(&auth)?;
        let mut q = audit_log::Entity::find()
            .order_by_desc(audit_log::Column::Id)
            .limit(limit.0 + 1);
        if let Some(o) = &object_id.0 {
            q = q.filter(audit_log::Column::ObjectId.eq(o.clone()));
        }
        if let Some(a) = actor_id.0 {
            q = q.filter(audit_log::Column::ActorId.eq(a));
        }
        if let Some(a) = &action.0 {
            q = q.filter(audit_log::Column::Action.eq(a.clone()));
        }
        if let Some(c) = &cursor.0 {
            q = q.filter(audit_log::Column::Id.lt(decode_cursor(c)?));
        }
        let mut rows = q.all(&state.db).await?;
        let next_cursor = split_page(&mut rows, limit.0, |r| r.id);
        Ok(Json(AuditPage {
            items: rows
                .into_iter()
                .map(|r| AuditRow {
                    id: r.id,
                    actor_id: r.actor_id,
                    actor_role: r.actor_role,
                    action: r.action,
                    object_type: r.object_type,
                    object_id: r.object_id,
                    reason: r.reason,
                    data: r.data.and_then(|d| serde_json::from_str(&d).ok()),
                    at: r.at,
                })
                .collect(),
            next_cursor,
        }))
    }
}

fn fifty() -> u64 {
    50
}

crate::error_set!(AdminErrors: 400, 401, 403, 404, 409, 413, 422);
