//! What the units' tasks and their completion rates take and answer.

use crate::{cases::dto::UnitLink as UnitRef, state::AppState, web::dto::Photo};
use chrono::{DateTime, FixedOffset, NaiveDate};
use domain::campaign::{DateRule, TaskStatus};
use poem_openapi::Object;
use suishoupai_core::campaign::{
    completion::{Completion, Tally},
    tasks::TaskView,
};
use uuid::Uuid;

/// A unit by id, as the directory has it now (a vanished one keeps its id).
fn unit_ref(state: &AppState, id: Uuid) -> UnitRef {
    UnitRef::of(&state.directory.get(), Some(id)).unwrap_or(UnitRef {
        id,
        code: String::new(),
        name: String::new(),
    })
}

/// An evidence file.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct FileView {
    pub id: Uuid,
    /// Its name as uploaded.
    pub name: String,
    /// Its media type.
    pub content_type: String,
    /// Its size.
    pub bytes: i64,
    /// Where to read it (`GET`, with the bearer token).
    pub url: String,
}

impl From<&suishoupai_core::campaign::TaskFile> for FileView {
    fn from(f: &suishoupai_core::campaign::TaskFile) -> Self {
        Self {
            id: f.id,
            name: f.name.clone(),
            content_type: f.content_type.clone(),
            bytes: f.bytes,
            url: format!("/api/v1/calendar/files/{}", f.id),
        }
    }
}

/// One unit's task on one key date.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct TaskOut {
    pub id: Uuid,
    /// The indicator's code.
    pub item_code: String,
    /// The indicator's name.
    pub item_name: String,
    /// What counts as done.
    #[oai(nullable)]
    pub criterion: Option<String>,
    /// The key date's title.
    pub title: String,
    /// The key date's rule in words.
    pub rule: String,
    /// The unit responsible.
    pub unit: UnitRef,
    /// The date it is due (China's calendar).
    pub due_on: NaiveDate,
    /// The working day the unit is (or was) reminded on.
    pub remind_on: NaiveDate,
    /// pending (待完成) | submitted (待验收) | accepted (已验收) | returned (已退回)
    pub status: TaskStatus,
    /// The status in words, 超期 when overdue and still open.
    pub status_label: String,
    /// Marked overdue (its date passed undone) and still open.
    pub overdue: bool,
    /// When it was marked overdue, even if done since.
    #[oai(nullable)]
    pub overdue_at: Option<DateTime<FixedOffset>>,
    /// The unit above, told when it went overdue (督办).
    #[oai(nullable)]
    pub escalated_to: Option<UnitRef>,
    /// When the unit was reminded.
    #[oai(nullable)]
    pub reminded_at: Option<DateTime<FixedOffset>>,
    /// Handed in after its date.
    pub late: bool,
    /// The unit's note with its evidence.
    #[oai(nullable)]
    pub note: Option<String>,
    /// When the unit handed it in (last).
    #[oai(nullable)]
    pub submitted_at: Option<DateTime<FixedOffset>>,
    /// When a supervisor accepted or returned it (last).
    #[oai(nullable)]
    pub decided_at: Option<DateTime<FixedOffset>>,
    /// The supervisor's note (why it was returned).
    #[oai(nullable)]
    pub decision_note: Option<String>,
    /// Send back as `expectedVersion`.
    pub version: i32,
    /// Photos handed in (a single task's read only).
    pub photos: Vec<Photo>,
    /// Files handed in (a single task's read only).
    pub files: Vec<FileView>,
}

impl TaskOut {
    pub fn of(state: &AppState, v: TaskView) -> Self {
        let overdue = v.overdue();
        let t = v.task;
        let kd = v.key_date.as_ref();
        let signer = &state.media.signer;
        let ttl = state.config.media.url_ttl_secs;
        Self {
            id: t.id,
            item_code: v.item.as_ref().map(|i| i.code.clone()).unwrap_or_default(),
            item_name: v.item.as_ref().map(|i| i.name.clone()).unwrap_or_default(),
            criterion: v.item.and_then(|i| i.criterion),
            title: kd.map(|k| k.title.clone()).unwrap_or_default(),
            rule: kd
                .and_then(|k| DateRule::from_parts(k.rule_kind, k.rule_date, k.rule_n))
                .map(DateRule::describe)
                .unwrap_or_default(),
            unit: unit_ref(state, t.unit_id),
            due_on: t.due_on,
            remind_on: t.remind_on,
            status: t.status,
            status_label: if overdue {
                "已超期".into()
            } else {
                t.status.label().into()
            },
            overdue,
            overdue_at: t.overdue_at,
            escalated_to: t.escalated_unit_id.map(|u| unit_ref(state, u)),
            reminded_at: t.reminded_at,
            late: t.late,
            note: t.note,
            submitted_at: t.submitted_at,
            decided_at: t.decided_at,
            decision_note: t.decision_note,
            version: t.version,
            photos: v
                .photos
                .iter()
                .map(|p| Photo::signed(signer, ttl, p))
                .collect(),
            files: v.files.iter().map(Into::into).collect(),
        }
    }
}

/// Tasks due in a range of dates.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct TaskList {
    /// First day of the range.
    pub from: NaiveDate,
    /// Last day of the range.
    pub to: NaiveDate,
    /// By date, indicator and unit.
    pub items: Vec<TaskOut>,
    /// More tasks matched than a list answers (5,000): narrow the range.
    pub truncated: bool,
    /// Today on China's calendar by the server's clock (a phone's may be
    /// off): what is overdue, and what a month view marks as today.
    pub today: NaiveDate,
}

/// What a unit hands in.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct SubmitInput {
    /// What was done, at most 2,000 characters.
    #[oai(nullable, validator(max_length = 2000))]
    pub note: Option<String>,
    /// Photos (the caller's unattached uploads from `POST /media`), at
    /// most 9.
    #[oai(default, validator(max_items = 9))]
    pub media_ids: Vec<Uuid>,
    /// Files (the caller's uploads from `POST /calendar/files`), at most 9.
    #[oai(default, validator(max_items = 9))]
    pub file_ids: Vec<Uuid>,
    /// The `version` read; a task changed since is `409 concurrent_update`.
    #[oai(nullable)]
    pub expected_version: Option<i32>,
}

/// A supervisor's decision.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct DecisionInput {
    /// Accept (验收通过), or return (退回) to be done again.
    pub accept: bool,
    /// Why it is returned (required then), at most 2,000 characters.
    #[oai(nullable, validator(max_length = 2000))]
    pub note: Option<String>,
    /// The `version` read.
    #[oai(nullable)]
    pub expected_version: Option<i32>,
}

/// The counts of one unit, one indicator, or all.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct TallyView {
    /// Tasks due in the range, up to today.
    pub due: u64,
    /// Handed in (waiting, or accepted).
    pub submitted: u64,
    /// Accepted.
    pub accepted: u64,
    /// Accepted and handed in by its date.
    pub on_time: u64,
    /// Marked overdue.
    pub overdue: u64,
    /// Returned and not handed in again.
    pub returned: u64,
    /// 完成率 = accepted ÷ due (none when nothing was due).
    #[oai(nullable)]
    pub completion_rate: Option<f64>,
    /// 按时完成率 = accepted and on time ÷ due.
    #[oai(nullable)]
    pub on_time_rate: Option<f64>,
}

impl From<&Tally> for TallyView {
    fn from(t: &Tally) -> Self {
        Self {
            due: t.due,
            submitted: t.submitted,
            accepted: t.accepted,
            on_time: t.on_time,
            overdue: t.overdue,
            returned: t.returned,
            completion_rate: t.rate(),
            on_time_rate: t.on_time_rate(),
        }
    }
}

/// One unit's counts.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct UnitTally {
    pub unit: UnitRef,
    #[oai(flatten)]
    pub tally: TallyView,
}

/// One indicator's counts.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct ItemTally {
    /// The indicator's code.
    pub code: String,
    /// Its name.
    pub name: String,
    #[oai(flatten)]
    pub tally: TallyView,
}

/// Completion rates over a range of dates.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct CompletionView {
    /// First due date counted.
    pub from: NaiveDate,
    /// Last due date asked for (tasks count only up to today).
    pub to: NaiveDate,
    /// All units together.
    pub total: TallyView,
    /// By unit, in code order.
    pub by_unit: Vec<UnitTally>,
    /// By indicator, in code order.
    pub by_item: Vec<ItemTally>,
    /// The figures in words.
    pub formulas: Vec<String>,
}

impl CompletionView {
    pub fn of(state: &AppState, c: Completion) -> Self {
        Self {
            from: c.from,
            to: c.to,
            total: (&c.total).into(),
            by_unit: c
                .by_unit
                .iter()
                .map(|(u, t)| UnitTally {
                    unit: unit_ref(state, *u),
                    tally: t.into(),
                })
                .collect(),
            by_item: c
                .by_item
                .iter()
                .map(|(i, t)| ItemTally {
                    code: i.code.clone(),
                    name: i.name.clone(),
                    tally: t.into(),
                })
                .collect(),
            formulas: vec![
                "应完成 = 范围内截至今天到期的任务数".into(),
                "完成率 = 已验收 ÷ 应完成".into(),
                "按时完成率 = 到期前提交且已验收 ÷ 应完成".into(),
                "超期 = 到期未完成、被标记超期并督办的任务数".into(),
            ],
        }
    }
}
