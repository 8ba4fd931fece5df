//! The case lifecycle (DESIGN §2): every action checks the caller's role, the
//! case's visibility, its version and the transition; then the new state,
//! its timeline events, the audit entry and the notifications are written in
//! one transaction, guarded by the version so that of two concurrent
//! actions one wins and the other gets `409`.

use super::{
    clock::{Clock, ClockKind, next_timer},
    domain::CaseStatus,
};
use crate::{
    audit::{self, Actor},
    auth::{Caller, Role},
    categories::LimitUnit,
    error::{ApiError, ApiResult},
    infra::time::utc_now,
    notify::{self, UnitMessage},
    routing::Directory,
    state::AppState,
};
use chrono::{DateTime, FixedOffset};
use entity::{case_event, cases, category, extension, media, user};
use sea_orm::{
    ActiveValue::{self, NotSet, Set, Unchanged},
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

type Ts = DateTime<FixedOffset>;

pub const MAX_NOTE_CHARS: usize = 500;

/// An action on a case.
#[derive(Debug, Clone)]
pub enum Command {
    Accept,
    Reject,
    MarkDuplicate { of: Uuid },
    Dispatch { unit_code: Option<String> },
    Claim,
    Return,
    Resolve { media_ids: Vec<Uuid> },
    Verify { close: bool },
    Suspend,
    Resume,
    Escalate,
}

use CaseStatus as S;

/// Statuses in which the handling clock runs.
pub const CLOCK_RUNS: [CaseStatus; 3] = [S::Dispatched, S::InProgress, S::Reopened];
/// Statuses that are still someone's work.
pub const OPEN: [CaseStatus; 7] = [
    S::Submitted,
    S::Accepted,
    S::Dispatched,
    S::Returned,
    S::InProgress,
    S::Resolved,
    S::Reopened,
];

impl Command {
    fn roles(&self) -> &'static [Role] {
        match self {
            Self::Claim | Self::Return | Self::Resolve { .. } => &[Role::UnitMember],
            Self::Escalate => &[Role::Supervisor],
            _ => &[Role::Dispatcher],
        }
    }

    fn from(&self) -> &'static [CaseStatus] {
        match self {
            Self::Accept => &[S::Submitted],
            Self::Reject | Self::MarkDuplicate { .. } => &[S::Submitted, S::Accepted],
            Self::Dispatch { .. } => &[
                S::Submitted,
                S::Accepted,
                S::Returned,
                S::Dispatched,
                S::InProgress,
                S::Reopened,
            ],
            Self::Claim => &[S::Dispatched, S::Reopened],
            Self::Return => &[S::Dispatched, S::InProgress],
            Self::Resolve { .. } => &[S::InProgress],
            Self::Verify { .. } => &[S::Resolved],
            Self::Suspend => &[
                S::Accepted,
                S::Dispatched,
                S::Returned,
                S::InProgress,
                S::Reopened,
            ],
            Self::Resume => &[S::Suspended],
            Self::Escalate => &[S::Dispatched, S::InProgress, S::Reopened],
        }
    }

    fn note_required(&self) -> bool {
        matches!(
            self,
            Self::Reject | Self::Return | Self::Verify { close: false } | Self::Suspend
        )
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Reject => "reject",
            Self::MarkDuplicate { .. } => "mark_duplicate",
            Self::Dispatch { .. } => "dispatch",
            Self::Claim => "claim",
            Self::Return => "return",
            Self::Resolve { .. } => "resolve",
            Self::Verify { close: true } => "close",
            Self::Verify { close: false } => "reopen",
            Self::Suspend => "suspend",
            Self::Resume => "resume",
            Self::Escalate => "escalate",
        }
    }
}

/// Trims a note and bounds its length.
pub fn clean_note(note: Option<String>) -> ApiResult<Option<String>> {
    let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if note
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
    {
        return Err(ApiError::bad_request(
            "note_too_long",
            format!("a note has at most {MAX_NOTE_CHARS} characters"),
        ));
    }
    Ok(note)
}

/// A new timeline event.
#[allow(clippy::too_many_arguments)]
pub fn event(
    case_id: Uuid,
    actor: Actor,
    action: &str,
    from: Option<CaseStatus>,
    to: CaseStatus,
    note: Option<String>,
    public: bool,
    data: Option<serde_json::Value>,
    at: Ts,
) -> case_event::ActiveModel {
    case_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        case_id: Set(case_id),
        actor_id: Set(actor.id),
        actor_role: Set(actor.role.into()),
        action: Set(action.into()),
        from_status: Set(from.map(|s| s.as_str().into())),
        to_status: Set(to.as_str().into()),
        note: Set(note),
        public: Set(public),
        data: Set(data.map(|d| d.to_string())),
        created_at: Set(at),
    }
}

/// The earliest pending timer of a case after a change (`case`: the row
/// before it; none for a case being created).
pub fn timer_after(
    case: Option<&cases::Model>,
    am: &cases::ActiveModel,
    status: CaseStatus,
) -> Option<Ts> {
    if !CLOCK_RUNS.contains(&status) {
        return None;
    }
    let pick = |av: &ActiveValue<Option<Ts>>, orig: fn(&cases::Model) -> Option<Ts>| match av {
        Set(v) | Unchanged(v) => *v,
        NotSet => case.and_then(orig),
    };
    let warn_at = pick(&am.warn_at, |c| c.warn_at);
    let warned_at = pick(&am.warned_at, |c| c.warned_at);
    let due_at = pick(&am.due_at, |c| c.due_at);
    let overdue_at = pick(&am.overdue_at, |c| c.overdue_at);
    let next_esc = pick(&am.next_escalation_at, |c| c.next_escalation_at);
    let accept_due = pick(&am.accept_due_at, |c| c.accept_due_at);
    let accept_overdue = pick(&am.accept_overdue_at, |c| c.accept_overdue_at);
    next_timer(&[
        warn_at.filter(|_| warned_at.is_none()),
        due_at.filter(|_| overdue_at.is_none()),
        next_esc,
        accept_due.filter(|_| accept_overdue.is_none() && status == S::Dispatched),
    ])
}

/// The limit of a category as (clock kind, total clock minutes).
pub fn limit_of(clock: &Clock, cat: &category::Model) -> (ClockKind, i64) {
    let unit = cat
        .limit_unit
        .as_deref()
        .and_then(LimitUnit::parse)
        .unwrap_or(LimitUnit::WorkHours);
    let amount = i64::from(std::cmp::max(cat.time_limit.unwrap_or(8), 1));
    (ClockKind::of(unit), clock.cal.limit_minutes(amount, unit))
}

/// Starts a fresh handling clock (dispatch, reopen).
pub fn start_clock(am: &mut cases::ActiveModel, clock: &Clock, cat: &category::Model, now: Ts) {
    let (kind, total) = limit_of(clock, cat);
    let s = clock.schedule(kind, now, total, total, false);
    am.clock_kind = Set(Some(kind.as_str().into()));
    am.clock_total_minutes = Set(Some(total));
    am.clock_left_minutes = Set(None);
    am.due_at = Set(Some(s.due));
    am.warn_at = Set(s.warn_at);
    am.warned_at = Set(None);
    am.overdue_at = Set(None);
    am.next_escalation_at = Set(None);
    am.escalation_level = Set(0);
    am.escalated_unit_id = Set(None);
}

/// What an action writes besides the case row.
#[derive(Default)]
pub struct Effects {
    pub events: Vec<case_event::ActiveModel>,
    pub units: Vec<(Uuid, &'static str, String)>,
    pub citizen: Option<(CaseStatus, Option<String>)>,
}

/// Loads a case the caller may see, or `404`.
pub async fn load_visible<C: ConnectionTrait>(
    db: &C,
    dir: &Directory,
    caller: &Caller,
    id: Uuid,
) -> ApiResult<cases::Model> {
    let case = cases::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("case"))?;
    if visible(dir, caller, &case) {
        Ok(case)
    } else {
        Err(ApiError::not_found("case"))
    }
}

/// Staff see every case; a unit member its unit's and its sub-units'.
pub fn visible(dir: &Directory, caller: &Caller, case: &cases::Model) -> bool {
    match caller.role {
        Role::Dispatcher | Role::Supervisor | Role::Admin => true,
        Role::UnitMember => match (caller.unit_id, case.unit_id) {
            (Some(mine), Some(theirs)) => dir.subtree(mine).contains(&theirs),
            _ => false,
        },
        Role::Citizen => false,
    }
}

pub fn status_of(s: &str) -> ApiResult<CaseStatus> {
    CaseStatus::parse(s).ok_or_else(|| ApiError::Internal(anyhow::anyhow!("stored status {s}")))
}

fn illegal(cmd: &str, from: CaseStatus) -> ApiError {
    ApiError::conflict(
        "illegal_transition",
        format!("{cmd} is not allowed while the case is {}", from.as_str()),
    )
}

/// Runs an action; returns nothing (the handler reads the case back).
pub async fn act(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    expected: i32,
    note: Option<String>,
    cmd: Command,
) -> ApiResult<()> {
    caller.require(cmd.roles())?;
    let note = clean_note(note)?;
    if cmd.note_required() && note.is_none() {
        return Err(ApiError::bad_request(
            "note_required",
            format!("{} needs a note (the reason)", cmd.name()),
        ));
    }
    let now = utc_now();
    let dir = state.directory.get();
    let clock = state.clock();
    let case = load_visible(&state.db, &dir, caller, id).await?;
    check_version(&case, expected)?;
    let from = status_of(&case.status)?;
    if !cmd.from().contains(&from) {
        return Err(illegal(cmd.name(), from));
    }
    let cat = category::Entity::find_by_id(case.category_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("case category missing")))?;
    let actor = Actor::of(caller);
    let mut am = cases::ActiveModel::default();
    let mut fx = Effects::default();
    let mut attach: Vec<Uuid> = vec![];
    let to = match &cmd {
        Command::Accept => {
            fx.events.push(event(
                id,
                actor,
                "accept",
                Some(from),
                S::Accepted,
                note.clone(),
                true,
                None,
                now,
            ));
            fx.citizen = Some((S::Accepted, note.clone()));
            S::Accepted
        }
        Command::Reject => {
            fx.events.push(event(
                id,
                actor,
                "reject",
                Some(from),
                S::Rejected,
                note.clone(),
                true,
                None,
                now,
            ));
            fx.citizen = Some((S::Rejected, note.clone()));
            S::Rejected
        }
        Command::MarkDuplicate { of } => {
            let target = cases::Entity::find_by_id(*of)
                .one(&state.db)
                .await?
                .filter(|t| t.id != id)
                .ok_or_else(|| {
                    ApiError::unprocessable("unknown_case", "duplicateOf is not another case")
                })?;
            let tstatus = status_of(&target.status)?;
            if matches!(tstatus, S::Rejected | S::Duplicate) {
                return Err(ApiError::unprocessable(
                    "not_a_carrier",
                    format!(
                        "case {} is {} and cannot carry on",
                        target.case_no,
                        tstatus.as_str()
                    ),
                ));
            }
            am.duplicate_of = Set(Some(target.id));
            let msg = format!("与案件 {} 重复，由该案件继续办理", target.case_no);
            let public_note = match &note {
                Some(n) => format!("{msg}（{n}）"),
                None => msg.clone(),
            };
            fx.events.push(event(
                id,
                actor,
                "mark_duplicate",
                Some(from),
                S::Duplicate,
                Some(public_note),
                true,
                Some(serde_json::json!({"duplicateOf": target.id, "caseNo": target.case_no})),
                now,
            ));
            fx.citizen = Some((S::Duplicate, Some(msg)));
            S::Duplicate
        }
        Command::Dispatch { unit_code } => {
            let unit = match unit_code {
                Some(code) => dir
                    .unit_by_code(code)
                    .ok_or_else(|| ApiError::Unprocessable {
                        code: "unknown_unit",
                        message: format!("no unit with code {code}"),
                        details: None,
                    })?,
                None => case
                    .routed_unit_id
                    .and_then(|u| dir.unit(u))
                    .ok_or_else(|| {
                        ApiError::unprocessable(
                            "no_unit",
                            "routing chose no unit; name one in unitCode",
                        )
                    })?,
            };
            let redispatch = !matches!(from, S::Submitted | S::Accepted);
            let action = if redispatch { "redispatch" } else { "dispatch" };
            if from == S::Submitted {
                fx.events.push(event(
                    id,
                    actor,
                    "accept",
                    Some(from),
                    S::Accepted,
                    None,
                    true,
                    None,
                    now,
                ));
            }
            dispatch_into(&mut am, &clock, &cat, unit.id, now);
            fx.events.push(event(
                id,
                actor,
                action,
                Some(if from == S::Submitted {
                    S::Accepted
                } else {
                    from
                }),
                S::Dispatched,
                note.clone(),
                true,
                Some(serde_json::json!({"unitCode": unit.code, "unitName": unit.name})),
                now,
            ));
            fx.units
                .push((unit.id, "dispatched", format!("新派遣案卷：{}", cat.name)));
            fx.citizen = Some((S::Dispatched, Some(format!("已派遣至{}", unit.name))));
            S::Dispatched
        }
        Command::Claim => {
            am.accept_due_at = Set(None);
            fx.events.push(event(
                id,
                actor,
                "claim",
                Some(from),
                S::InProgress,
                note.clone(),
                true,
                None,
                now,
            ));
            S::InProgress
        }
        Command::Return => {
            stop_clock(&mut am);
            fx.events.push(event(
                id,
                actor,
                "return",
                Some(from),
                S::Returned,
                note.clone(),
                false,
                None,
                now,
            ));
            S::Returned
        }
        Command::Resolve { media_ids } => {
            attach = check_after_photos(&state.db, caller, media_ids, now).await?;
            am.resolved_at = Set(Some(now));
            fx.events.push(event(
                id,
                actor,
                "resolve",
                Some(from),
                S::Resolved,
                note.clone(),
                true,
                None,
                now,
            ));
            fx.citizen = Some((S::Resolved, note.clone()));
            S::Resolved
        }
        Command::Verify { close: true } => {
            am.closed_at = Set(Some(now));
            fx.events.push(event(
                id,
                actor,
                "close",
                Some(from),
                S::Closed,
                note.clone(),
                true,
                None,
                now,
            ));
            fx.citizen = Some((S::Closed, note.clone()));
            S::Closed
        }
        Command::Verify { close: false } => {
            am.reopen_count = Set(case.reopen_count + 1);
            am.accept_due_at = Set(None);
            start_clock(&mut am, &clock, &cat, now);
            fx.events.push(event(
                id,
                actor,
                "reopen",
                Some(from),
                S::Reopened,
                note.clone(),
                true,
                None,
                now,
            ));
            if let Some(u) = case.unit_id {
                fx.units.push((
                    u,
                    "reopened",
                    format!("案卷返工：{}", note.clone().unwrap_or_default()),
                ));
            }
            S::Reopened
        }
        Command::Suspend => {
            if CLOCK_RUNS.contains(&from)
                && let (Some(due), Some(kind)) = (case.due_at, case.clock_kind.as_deref())
            {
                am.clock_left_minutes = Set(Some(clock.between(ClockKind::parse(kind), now, due)));
            }
            am.suspended_from = Set(Some(from.as_str().into()));
            am.due_at = Set(None);
            am.warn_at = Set(None);
            am.accept_due_at = Set(None);
            am.next_escalation_at = Set(None);
            fx.events.push(event(
                id,
                actor,
                "suspend",
                Some(from),
                S::Suspended,
                note.clone(),
                true,
                None,
                now,
            ));
            S::Suspended
        }
        Command::Resume => {
            let back = case
                .suspended_from
                .as_deref()
                .and_then(CaseStatus::parse)
                .unwrap_or(S::Accepted);
            if let (Some(left), Some(kind)) = (case.clock_left_minutes, case.clock_kind.as_deref())
            {
                let total = case.clock_total_minutes.unwrap_or(left);
                let s = clock.schedule(
                    ClockKind::parse(kind),
                    now,
                    left,
                    total,
                    case.warned_at.is_some(),
                );
                am.due_at = Set(Some(s.due));
                am.warn_at = Set(s.warn_at);
                if case.overdue_at.is_some() && s.due > now {
                    am.overdue_at = Set(None);
                }
                am.clock_left_minutes = Set(None);
            }
            am.suspended_from = Set(None);
            fx.events.push(event(
                id,
                actor,
                "resume",
                Some(from),
                back,
                note.clone(),
                true,
                None,
                now,
            ));
            back
        }
        Command::Escalate => {
            let unit = case.unit_id.ok_or_else(|| illegal("escalate", from))?;
            let level = usize::try_from(case.escalation_level).unwrap_or(0);
            let target = dir
                .ancestors(unit)
                .get(level)
                .and_then(|u| dir.unit(*u))
                .ok_or_else(|| {
                    ApiError::conflict(
                        "no_higher_unit",
                        "the case is already at the top of the unit tree",
                    )
                })?;
            am.escalation_level = Set(case.escalation_level + 1);
            am.escalated_unit_id = Set(Some(target.id));
            fx.events.push(event(
                id,
                actor,
                "escalate",
                Some(from),
                from,
                note.clone(),
                false,
                Some(serde_json::json!({"level": case.escalation_level + 1, "unitCode": target.code, "auto": false})),
                now,
            ));
            fx.units.push((
                target.id,
                "escalated",
                format!(
                    "督办：{}",
                    note.clone().unwrap_or_else(|| "请督促办理".into())
                ),
            ));
            from
        }
    };
    am.status = Set(to.as_str().into());
    let resolve_event = fx.events.last().and_then(|e| match &e.id {
        Set(v) => Some(*v),
        _ => None,
    });
    let txn = state.db.begin().await?;
    commit(state, &txn, &case, am, to, expected, &fx).await?;
    if !attach.is_empty()
        && let Some(event_id) = resolve_event
    {
        let claimed = media::Entity::update_many()
            .col_expr(media::Column::CaseId, Expr::value(id))
            .col_expr(media::Column::EventId, Expr::value(event_id))
            .filter(media::Column::Id.is_in(attach.clone()))
            .filter(media::Column::CaseId.is_null())
            .filter(media::Column::OwnerId.eq(caller.user_id))
            .exec(&txn)
            .await?;
        if usize::try_from(claimed.rows_affected).ok() != Some(attach.len()) {
            txn.rollback().await?;
            return Err(ApiError::conflict(
                "media_already_attached",
                "a photo was attached elsewhere at the same time",
            ));
        }
    }
    audit::record(
        &txn,
        actor,
        &format!("case.{}", cmd.name()),
        "case",
        Some(id.to_string()),
        note.as_deref(),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub fn check_version(case: &cases::Model, expected: i32) -> ApiResult<()> {
    if case.version != expected {
        return Err(ApiError::Conflict {
            code: "version_conflict",
            message: format!(
                "the case changed (version {} now, {expected} expected); reload it",
                case.version
            ),
        });
    }
    Ok(())
}

/// Sets the unit and starts the accept and handling clocks.
pub fn dispatch_into(
    am: &mut cases::ActiveModel,
    clock: &Clock,
    cat: &category::Model,
    unit: Uuid,
    now: Ts,
) {
    am.unit_id = Set(Some(unit));
    am.dispatched_at = Set(Some(now));
    let accept_hours = i64::from(std::cmp::max(cat.accept_limit_hours.unwrap_or(2), 1));
    am.accept_due_at = Set(Some(clock.add(ClockKind::Work, now, accept_hours * 60)));
    am.accept_overdue_at = Set(None);
    am.suspended_from = Set(None);
    start_clock(am, clock, cat, now);
}

fn stop_clock(am: &mut cases::ActiveModel) {
    am.due_at = Set(None);
    am.warn_at = Set(None);
    am.accept_due_at = Set(None);
    am.next_escalation_at = Set(None);
    am.clock_left_minutes = Set(None);
}

async fn check_after_photos<C: ConnectionTrait>(
    txn: &C,
    caller: &Caller,
    ids: &[Uuid],
    now: Ts,
) -> ApiResult<Vec<Uuid>> {
    if ids.is_empty() || ids.len() > crate::reports::service::MAX_PHOTOS {
        return Err(ApiError::bad_request(
            "after_photos_required",
            "resolving a case needs 1 to 9 after-photos",
        ));
    }
    let rows = media::Entity::find()
        .filter(media::Column::Id.is_in(ids.to_vec()))
        .all(txn)
        .await?;
    let ok = ids.iter().all(|id| {
        rows.iter().any(|m| {
            m.id == *id && m.owner_id == caller.user_id && m.case_id.is_none() && m.expires_at > now
        })
    });
    if !ok {
        return Err(ApiError::unprocessable(
            "invalid_media",
            "some photos are unknown, expired, not yours, or already attached",
        ));
    }
    Ok(ids.to_vec())
}

/// Writes the case change guarded by its version, then its events and
/// notifications, inside `txn`.
pub async fn commit(
    state: &AppState,
    txn: &DatabaseTransaction,
    case: &cases::Model,
    mut am: cases::ActiveModel,
    to: CaseStatus,
    expected: i32,
    fx: &Effects,
) -> ApiResult<()> {
    let now = utc_now();
    am.timer_at = Set(timer_after(Some(case), &am, to));
    am.updated_at = Set(now);
    let updated = cases::Entity::update_many()
        .set(am)
        .col_expr(
            cases::Column::Version,
            Expr::col(cases::Column::Version).add(1),
        )
        .filter(cases::Column::Id.eq(case.id))
        .filter(cases::Column::Version.eq(expected))
        .exec_with_returning(txn)
        .await?;
    let [after] = updated.as_slice() else {
        return Err(ApiError::conflict(
            "version_conflict",
            "someone else acted on this case at the same time; reload it",
        ));
    };
    if !fx.events.is_empty() {
        case_event::Entity::insert_many(fx.events.clone())
            .exec(txn)
            .await?;
    }
    notices(state, txn, after, fx).await
}

/// Queues the unit and citizen notifications of a change; `case` is the row
/// as the change wrote it.
pub async fn notices(
    state: &AppState,
    txn: &DatabaseTransaction,
    case: &cases::Model,
    fx: &Effects,
) -> ApiResult<()> {
    let dir = state.directory.get();
    // Only units with a webhook, and citizens only with a template configured.
    let hooked = fx
        .units
        .iter()
        .any(|(u, _, _)| dir.unit(*u).is_some_and(|u| u.webhook_url.is_some()));
    let to_citizen = fx.citizen.is_some() && state.config.wechat.subscribe_template_id.is_some();
    if !hooked && !to_citizen {
        return Ok(());
    }
    let cat_name = category::Entity::find_by_id(case.category_id)
        .one(txn)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    for (unit_id, ev, text) in &fx.units {
        if let Some(u) = dir.unit(*unit_id) {
            notify::unit(
                txn,
                u,
                &UnitMessage {
                    event: (*ev).into(),
                    case_id: case.id,
                    case_no: case.case_no.clone(),
                    status: case.status.clone(),
                    category: cat_name.clone(),
                    due_at: case.due_at,
                    text: text.clone(),
                },
            )
            .await?;
        }
    }
    if let Some((status, note)) = &fx.citizen
        && state.config.wechat.subscribe_template_id.is_some()
    {
        let openid = user::Entity::find_by_id(case.reporter_id)
            .one(txn)
            .await?
            .and_then(|u| u.openid);
        notify::citizen(
            txn,
            &state.config.wechat,
            case,
            openid.as_deref(),
            &cat_name,
            *status,
            note.as_deref(),
        )
        .await?;
    }
    Ok(())
}

/// A unit member asks for more time.
pub async fn request_extension(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    body: &super::dto::ExtensionRequest,
) -> ApiResult<()> {
    caller.require(&[Role::UnitMember])?;
    let reason = clean_note(Some(body.reason.clone()))?.ok_or_else(|| {
        ApiError::bad_request("reason_required", "an extension request needs a reason")
    })?;
    let now = utc_now();
    let dir = state.directory.get();
    let case = load_visible(&state.db, &dir, caller, id).await?;
    check_version(&case, body.expected_version)?;
    let from = status_of(&case.status)?;
    if !CLOCK_RUNS.contains(&from) {
        return Err(illegal("request_extension", from));
    }
    let pending = extension::Entity::find()
        .filter(extension::Column::CaseId.eq(id))
        .filter(extension::Column::Status.eq("pending"))
        .one(&state.db)
        .await?;
    if pending.is_some() {
        return Err(ApiError::conflict(
            "extension_pending",
            "an extension request for this case is already waiting for a decision",
        ));
    }
    let cat = category::Entity::find_by_id(case.category_id)
        .one(&state.db)
        .await?;
    let unit = body.limit_unit.unwrap_or_else(|| {
        cat.and_then(|c| c.limit_unit.as_deref().and_then(LimitUnit::parse))
            .unwrap_or(LimitUnit::WorkHours)
    });
    let ext_id = Uuid::now_v7();
    let txn = state.db.begin().await?;
    extension::Entity::insert(extension::ActiveModel {
        id: Set(ext_id),
        case_id: Set(id),
        unit_id: Set(case.unit_id.unwrap_or_default()),
        requested_by: Set(caller.user_id),
        amount: Set(body.amount),
        limit_unit: Set(unit.as_str().into()),
        reason: Set(reason.clone()),
        status: Set("pending".into()),
        decided_by: Set(None),
        decision_note: Set(None),
        decided_at: Set(None),
        created_at: Set(now),
    })
    .exec(&txn)
    .await?;
    let actor = Actor::of(caller);
    let fx = Effects {
        events: vec![event(
            id,
            actor,
            "request_extension",
            Some(from),
            from,
            Some(reason.clone()),
            false,
            Some(
                serde_json::json!({"extensionId": ext_id, "amount": body.amount, "limitUnit": unit.as_str()}),
            ),
            now,
        )],
        units: vec![],
        citizen: None,
    };
    commit(
        state,
        &txn,
        &case,
        cases::ActiveModel::default(),
        from,
        body.expected_version,
        &fx,
    )
    .await?;
    audit::record(
        &txn,
        actor,
        "case.request_extension",
        "case",
        Some(id.to_string()),
        Some(&reason),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A dispatcher approves (the deadline moves) or refuses an extension.
pub async fn decide_extension(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    ext_id: Uuid,
    body: &super::dto::ExtensionDecision,
) -> ApiResult<()> {
    caller.require(&[Role::Dispatcher])?;
    let note = clean_note(body.note.clone())?;
    let now = utc_now();
    let dir = state.directory.get();
    let clock = state.clock();
    let case = load_visible(&state.db, &dir, caller, id).await?;
    check_version(&case, body.expected_version)?;
    let ext = extension::Entity::find_by_id(ext_id)
        .one(&state.db)
        .await?
        .filter(|e| e.case_id == id)
        .ok_or_else(|| ApiError::not_found("extension"))?;
    if ext.status != "pending" {
        return Err(ApiError::conflict(
            "extension_decided",
            format!("this extension was already {}", ext.status),
        ));
    }
    let from = status_of(&case.status)?;
    let mut am = cases::ActiveModel::default();
    if body.approve {
        let unit = LimitUnit::parse(&ext.limit_unit).unwrap_or(LimitUnit::WorkHours);
        let extra = clock.cal.limit_minutes(i64::from(ext.amount), unit);
        let total = case.clock_total_minutes.unwrap_or(0) + extra;
        am.clock_total_minutes = Set(Some(total));
        am.extended = Set(true);
        if let Some(left) = case.clock_left_minutes {
            am.clock_left_minutes = Set(Some(left + extra));
        } else if let (Some(due), Some(kind)) = (case.due_at, case.clock_kind.as_deref()) {
            let kind = ClockKind::parse(kind);
            let new_due = clock.add(kind, due, extra);
            let left = clock.between(kind, now, new_due);
            let s = clock.schedule(kind, now, left, total, false);
            am.due_at = Set(Some(new_due));
            am.warn_at = Set(s.warn_at);
            am.warned_at = Set(None);
            if new_due > now {
                am.overdue_at = Set(None);
                am.next_escalation_at = Set(None);
            }
        }
    }
    let decision = if body.approve { "approved" } else { "refused" };
    let txn = state.db.begin().await?;
    extension::Entity::update_many()
        .col_expr(extension::Column::Status, Expr::value(decision))
        .col_expr(extension::Column::DecidedBy, Expr::value(caller.user_id))
        .col_expr(extension::Column::DecisionNote, Expr::value(note.clone()))
        .col_expr(extension::Column::DecidedAt, Expr::value(now))
        .filter(extension::Column::Id.eq(ext_id))
        .exec(&txn)
        .await?;
    let actor = Actor::of(caller);
    let mut fx = Effects {
        events: vec![event(
            id,
            actor,
            if body.approve {
                "extension_approved"
            } else {
                "extension_refused"
            },
            Some(from),
            from,
            note.clone(),
            body.approve,
            Some(
                serde_json::json!({"extensionId": ext_id, "amount": ext.amount, "limitUnit": ext.limit_unit}),
            ),
            now,
        )],
        units: vec![],
        citizen: None,
    };
    if let Some(u) = case.unit_id {
        fx.units.push((
            u,
            "extension_decided",
            format!(
                "延期申请{}",
                if body.approve {
                    "已批准"
                } else {
                    "未批准"
                }
            ),
        ));
    }
    commit(state, &txn, &case, am, from, body.expected_version, &fx).await?;
    audit::record(
        &txn,
        actor,
        &format!("case.extension_{decision}"),
        "case",
        Some(id.to_string()),
        note.as_deref(),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
