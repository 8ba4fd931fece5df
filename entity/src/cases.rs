use domain::{CaseStatus, ClockKind};
use sea_orm::entity::prelude::*;

/// A case (案卷): one citizen report and everything that happens to it.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub case_no: String,
    pub reporter_id: Uuid,
    pub category_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// WGS-84.
    pub lat: f64,
    pub lng: f64,
    pub address: Option<String>,
    /// The most specific area containing the point.
    pub area_id: Uuid,
    pub status: CaseStatus,
    /// How the report came in.
    pub channel: domain::channel::Channel,
    /// Optimistic-concurrency version, bumped on every transition.
    pub version: i32,
    /// The unit the case is dispatched to; none before dispatch.
    pub unit_id: Option<Uuid>,
    pub created_at: DateTimeWithTimeZone,
    pub updated_at: DateTimeWithTimeZone,
    /// The unit routing chose at submission (the default for dispatch).
    pub routed_unit_id: Option<Uuid>,
    /// The routing rule that chose it.
    pub rule_id: Option<Uuid>,
    pub dispatched_at: Option<DateTimeWithTimeZone>,
    /// 接单时限: the unit must claim before this.
    pub accept_due_at: Option<DateTimeWithTimeZone>,
    pub accept_overdue_at: Option<DateTimeWithTimeZone>,
    /// How the handling clock counts.
    pub clock_kind: Option<ClockKind>,
    /// The whole handling limit in clock minutes (extensions included).
    pub clock_total_minutes: Option<i64>,
    /// Clock minutes left when suspended.
    pub clock_left_minutes: Option<i64>,
    /// Handling deadline; none while no clock runs.
    pub due_at: Option<DateTimeWithTimeZone>,
    /// When the 预警 fires.
    pub warn_at: Option<DateTimeWithTimeZone>,
    pub warned_at: Option<DateTimeWithTimeZone>,
    /// When the case became overdue (超期).
    pub overdue_at: Option<DateTimeWithTimeZone>,
    /// How many levels up the unit tree the case has been escalated (督办).
    pub escalation_level: i32,
    pub escalated_unit_id: Option<Uuid>,
    pub next_escalation_at: Option<DateTimeWithTimeZone>,
    /// The earliest pending timer (the scheduler's index).
    pub timer_at: Option<DateTimeWithTimeZone>,
    /// The status to return to on resume.
    pub suspended_from: Option<CaseStatus>,
    /// The case this one was merged into.
    pub duplicate_of: Option<Uuid>,
    /// An extension was approved.
    pub extended: bool,
    pub reopen_count: i32,
    pub resolved_at: Option<DateTimeWithTimeZone>,
    pub closed_at: Option<DateTimeWithTimeZone>,
    /// 评单: 1–5.
    pub rating: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub rating_comment: Option<String>,
    pub rated_at: Option<DateTimeWithTimeZone>,
    /// How many times the unit returned the case (回退).
    pub return_count: i32,
    /// When the unit last claimed the case (接单).
    pub claimed_at: Option<DateTimeWithTimeZone>,
    /// Working minutes from the last dispatch to the last resolution.
    pub handling_minutes: Option<i64>,
    /// When a person first took the case on (accept, dispatch or claim);
    /// publication and points follow it.
    pub taken_on_at: Option<DateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The case numbers of `ids`, by id (an id with no case is absent): what a
/// list of flags, points or redemptions shows beside each entry.
pub async fn numbers_of<C: ConnectionTrait>(
    db: &C,
    ids: Vec<Uuid>,
) -> Result<std::collections::HashMap<Uuid, String>, DbErr> {
    use sea_orm::QuerySelect;
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(Entity::find()
        .filter(Column::Id.is_in(ids))
        .select_only()
        .columns([Column::Id, Column::CaseNo])
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}
