//! A unit's tasks: read by month, done with evidence (a note, photos,
//! files), accepted or returned by a supervisor. A unit's people see and
//! do their own unit's tasks; city staff see all; supervisors and admins
//! decide.

use super::{CampaignError, schedule, today};
use crate::{
    audit::{self, Actor},
    core::{Caller, ErrorCode, Role},
    media::stored::StoredPhoto,
    state::AppState,
};
use chrono::NaiveDate;
use domain::campaign::TaskStatus;
use entity::{assessment_item as item, calendar_task as task, key_date, media, task_file};
use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};
use std::collections::HashMap;
use uuid::Uuid;

/// Who decides on a submitted task.
const DECIDERS: [Role; 2] = [Role::Supervisor, Role::Admin];
/// Who reads tasks.
const READERS: [Role; 4] = [
    Role::UnitMember,
    Role::Dispatcher,
    Role::Supervisor,
    Role::Admin,
];
/// Most photos and most files with one submission.
pub const MAX_PHOTOS: usize = 9;
pub const MAX_FILES: usize = 9;
/// Longest note.
pub const MAX_NOTE: usize = 2000;

/// A task with what a view shows of it.
#[derive(Debug, Clone)]
pub struct TaskView {
    pub task: task::Model,
    pub item: Option<item::Model>,
    pub key_date: Option<key_date::Model>,
    pub photos: Vec<StoredPhoto>,
    pub files: Vec<task_file::Model>,
}

impl TaskView {
    /// Marked overdue and still the unit's to do.
    pub fn overdue(&self) -> bool {
        self.task.overdue_at.is_some() && self.task.status.is_open()
    }
}

/// Which tasks a list shows.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub unit_id: Option<Uuid>,
    pub item_code: Option<String>,
    pub status: Option<TaskStatus>,
    /// Marked overdue.
    pub overdue: Option<bool>,
}

/// Most tasks one list answers.
pub const MAX_LIST: u64 = 5000;

/// The tasks due in the filter's dates, by date, indicator and unit; a
/// unit's people see their unit's only. The second value: more matched
/// than [`MAX_LIST`].
pub async fn list(
    state: &AppState,
    caller: &Caller,
    f: TaskFilter,
) -> Result<(Vec<TaskView>, bool), CampaignError> {
    caller.require(&READERS)?;
    let mut q = task::Entity::find();
    if let Some(d) = f.from {
        q = q.filter(task::Column::DueOn.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(task::Column::DueOn.lte(d));
    }
    match (caller.role, caller.unit_id, f.unit_id) {
        (Role::UnitMember, Some(mine), _) => {
            q = q.filter(
                sea_orm::Condition::any()
                    .add(task::Column::UnitId.eq(mine))
                    .add(task::Column::EscalatedUnitId.eq(mine)),
            );
        }
        (Role::UnitMember, None, _) => return Ok((vec![], false)),
        (_, _, Some(u)) => q = q.filter(task::Column::UnitId.eq(u)),
        _ => {}
    }
    if let Some(code) = &f.item_code {
        let Some(it) = item::Entity::find()
            .filter(item::Column::Code.eq(code))
            .one(&state.db)
            .await?
        else {
            return Err(CampaignError::NotFound { what: "indicator" });
        };
        q = q.filter(task::Column::ItemId.eq(it.id));
    }
    if let Some(s) = f.status {
        q = q.filter(task::Column::Status.eq(s));
    }
    match f.overdue {
        Some(true) => q = q.filter(task::Column::OverdueAt.is_not_null()),
        Some(false) => q = q.filter(task::Column::OverdueAt.is_null()),
        None => {}
    }
    let mut rows = q
        .order_by_asc(task::Column::DueOn)
        .order_by_asc(task::Column::ItemId)
        .order_by_asc(task::Column::UnitId)
        .limit(MAX_LIST + 1)
        .all(&state.db)
        .await?;
    let more = rows.len() as u64 > MAX_LIST;
    rows.truncate(usize::try_from(MAX_LIST).unwrap_or(usize::MAX));
    Ok((views(state, rows, false).await?, more))
}

/// One task, if the caller may see it.
pub async fn get(state: &AppState, caller: &Caller, id: Uuid) -> Result<TaskView, CampaignError> {
    caller.require(&READERS)?;
    let t = visible(state, caller, id).await?;
    views(state, vec![t], true)
        .await?
        .pop()
        .ok_or(CampaignError::NotFound { what: "task" })
}

pub(super) async fn visible(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
) -> Result<task::Model, CampaignError> {
    let t = task::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(CampaignError::NotFound { what: "task" })?;
    // A unit's people see their unit's tasks, and (to read) those
    // escalated to their unit (督办).
    let theirs = caller.unit_id.is_some()
        && (caller.unit_id == Some(t.unit_id) || caller.unit_id == t.escalated_unit_id);
    if caller.role == Role::UnitMember && !theirs {
        return Err(CampaignError::NotFound { what: "task" });
    }
    Ok(t)
}

/// Adds the indicator, key date and (with `evidence`) the photos and files.
async fn views(
    state: &AppState,
    rows: Vec<task::Model>,
    evidence: bool,
) -> Result<Vec<TaskView>, CampaignError> {
    let item_ids: Vec<Uuid> = rows.iter().map(|t| t.item_id).collect();
    let kd_ids: Vec<Uuid> = rows.iter().map(|t| t.key_date_id).collect();
    let items: HashMap<Uuid, item::Model> = item::Entity::find()
        .filter(item::Column::Id.is_in(dedup(item_ids)))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let kds: HashMap<Uuid, key_date::Model> = key_date::Entity::find()
        .filter(key_date::Column::Id.is_in(dedup(kd_ids)))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|k| (k.id, k))
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for t in rows {
        let (photos, files) = if evidence {
            let photos = media::Entity::find()
                .filter(media::Column::RecordId.eq(t.id))
                .filter(media::Column::BlockedAt.is_null())
                .order_by_asc(media::Column::Id)
                .all(&state.db)
                .await?
                .iter()
                .map(StoredPhoto::from)
                .collect();
            let files = task_file::Entity::find()
                .filter(task_file::Column::TaskId.eq(t.id))
                .order_by_asc(task_file::Column::Id)
                .all(&state.db)
                .await?;
            (photos, files)
        } else {
            (vec![], vec![])
        };
        out.push(TaskView {
            item: items.get(&t.item_id).cloned(),
            key_date: kds.get(&t.key_date_id).cloned(),
            task: t,
            photos,
            files,
        });
    }
    Ok(out)
}

fn dedup(mut v: Vec<Uuid>) -> Vec<Uuid> {
    v.sort_unstable();
    v.dedup();
    v
}

/// What a unit hands in.
#[derive(Debug, Clone, Default)]
pub struct Submission {
    pub note: Option<String>,
    pub media_ids: Vec<Uuid>,
    pub file_ids: Vec<Uuid>,
    /// The version the caller read; none: the current one.
    pub expected_version: Option<i32>,
}

/// Marks a task done with its evidence (a unit's people, their unit's open
/// tasks). After its date it is done late, and stays marked overdue.
pub async fn submit(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    s: Submission,
) -> Result<TaskView, CampaignError> {
    caller.require(&[Role::UnitMember])?;
    let note = s.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE) {
        return Err(CampaignError::invalid(
            ErrorCode::NoteTooLong,
            format!("a note is at most {MAX_NOTE} characters"),
        ));
    }
    if s.media_ids.len() > MAX_PHOTOS || s.file_ids.len() > MAX_FILES {
        return Err(CampaignError::invalid(
            ErrorCode::TooManyIds,
            format!("at most {MAX_PHOTOS} photos and {MAX_FILES} files"),
        ));
    }
    if dedup(s.media_ids.clone()).len() != s.media_ids.len()
        || dedup(s.file_ids.clone()).len() != s.file_ids.len()
    {
        return Err(CampaignError::invalid(
            ErrorCode::DuplicateMediaIds,
            "a photo or file is listed twice",
        ));
    }
    if note.is_none() && s.media_ids.is_empty() && s.file_ids.is_empty() {
        return Err(CampaignError::NoEvidence);
    }
    let t = visible(state, caller, id).await?;
    if caller.unit_id != Some(t.unit_id) {
        // The unit above reads an escalated task; its own unit does it.
        return Err(CampaignError::NotFound { what: "task" });
    }
    if !t.status.is_open() {
        return Err(CampaignError::NotOpen {
            status: t.status.label(),
        });
    }
    if s.expected_version.is_some_and(|v| v != t.version) {
        return Err(CampaignError::Concurrent);
    }
    let version = t.version;
    let now = state.clock.now();
    let late = today(state) > t.due_on;
    let txn = state.db.begin().await?;
    let update = task::Entity::update_many()
        .col_expr(task::Column::Status, Expr::value(TaskStatus::Submitted))
        .col_expr(task::Column::Note, Expr::value(note.map(str::to_owned)))
        .col_expr(task::Column::SubmittedAt, Expr::value(Some(now)))
        .col_expr(task::Column::SubmittedBy, Expr::value(Some(caller.user_id)))
        .col_expr(task::Column::Late, Expr::value(late))
        .col_expr(
            task::Column::Version,
            Expr::col(task::Column::Version).add(1),
        )
        .filter(task::Column::Id.eq(id))
        .filter(task::Column::Status.is_in([TaskStatus::Pending, TaskStatus::Returned]));
    // Without an expectedVersion the caller means the task as it is now:
    // an overdue mark landing meanwhile does not refuse it.
    let update = match s.expected_version {
        Some(_) => update.filter(task::Column::Version.eq(version)),
        None => update,
    };
    let done = update.exec(&txn).await?;
    if done.rows_affected != 1 {
        txn.rollback().await?;
        return Err(CampaignError::Concurrent);
    }
    let mut bad = vec![];
    if !s.media_ids.is_empty() {
        let kept = media::Entity::update_many()
            .col_expr(media::Column::RecordId, Expr::value(id))
            .filter(media::Column::Id.is_in(s.media_ids.clone()))
            .filter(media::Column::OwnerId.eq(caller.user_id))
            .filter(media::Column::CaseId.is_null())
            .filter(media::Column::RecordId.is_null())
            .filter(media::Column::ExpiresAt.gt(now))
            .exec(&txn)
            .await?;
        if kept.rows_affected != s.media_ids.len() as u64 {
            bad.extend(s.media_ids.iter().copied());
        }
    }
    if !s.file_ids.is_empty() {
        let kept = task_file::Entity::update_many()
            .col_expr(task_file::Column::TaskId, Expr::value(id))
            .filter(task_file::Column::Id.is_in(s.file_ids.clone()))
            .filter(task_file::Column::UploadedBy.eq(caller.user_id))
            .filter(task_file::Column::TaskId.is_null())
            .filter(task_file::Column::CreatedAt.gt(super::files::stale_before(state)))
            .exec(&txn)
            .await?;
        if kept.rows_affected != s.file_ids.len() as u64 {
            bad.extend(s.file_ids.iter().copied());
        }
    }
    if !bad.is_empty() {
        txn.rollback().await?;
        return Err(CampaignError::InvalidEvidence { ids: bad });
    }
    audit::record(
        &txn,
        Actor::of(caller),
        "calendar_task.submit",
        "calendar_task",
        Some(id.to_string()),
        None,
        Some(serde_json::json!({"late": late})),
    )
    .await?;
    txn.commit().await?;
    get(state, caller, id).await
}

/// A supervisor's decision on a submitted task.
#[derive(Debug, Clone)]
pub struct Decision {
    pub accept: bool,
    /// Required when returning: what is missing.
    pub note: Option<String>,
    pub expected_version: Option<i32>,
}

/// Accepts or returns a submitted task. A returned task is the unit's to
/// do again (and is told so); past its date it goes overdue, once.
pub async fn decide(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    d: Decision,
) -> Result<TaskView, CampaignError> {
    caller.require(&DECIDERS)?;
    let note = d.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE) {
        return Err(CampaignError::invalid(
            ErrorCode::NoteTooLong,
            format!("a note is at most {MAX_NOTE} characters"),
        ));
    }
    if !d.accept && note.is_none() {
        return Err(CampaignError::invalid(
            ErrorCode::NoteRequired,
            "say what is missing when returning a task",
        ));
    }
    let t = visible(state, caller, id).await?;
    if t.status != TaskStatus::Submitted {
        return Err(CampaignError::NotSubmitted {
            status: t.status.label(),
        });
    }
    if d.expected_version.is_some_and(|v| v != t.version) {
        return Err(CampaignError::Concurrent);
    }
    let version = t.version;
    let status = if d.accept {
        TaskStatus::Accepted
    } else {
        TaskStatus::Returned
    };
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let done = task::Entity::update_many()
        .col_expr(task::Column::Status, Expr::value(status))
        .col_expr(task::Column::DecidedAt, Expr::value(Some(now)))
        .col_expr(task::Column::DecidedBy, Expr::value(Some(caller.user_id)))
        .col_expr(
            task::Column::DecisionNote,
            Expr::value(note.map(str::to_owned)),
        )
        .col_expr(
            task::Column::Version,
            Expr::value(version.saturating_add(1)),
        )
        .filter(task::Column::Id.eq(id))
        .filter(task::Column::Version.eq(version))
        .filter(task::Column::Status.eq(TaskStatus::Submitted))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        txn.rollback().await?;
        return Err(CampaignError::Concurrent);
    }
    if !d.accept {
        let why = note.unwrap_or_default().to_owned();
        let returned = task::Model {
            status: TaskStatus::Returned,
            ..t.clone()
        };
        schedule::announce(
            state,
            &txn,
            &returned,
            t.unit_id,
            "calendar_returned",
            |m| format!("创建日历退回：「{}」{why}", m.title),
        )
        .await?;
    }
    audit::record(
        &txn,
        Actor::of(caller),
        if d.accept {
            "calendar_task.accept"
        } else {
            "calendar_task.return"
        },
        "calendar_task",
        Some(id.to_string()),
        note,
        None,
    )
    .await?;
    txn.commit().await?;
    get(state, caller, id).await
}
