//! The shell around the transition core: load the case the caller may see,
//! decide, and write the outcome — the guarded change, its events, photos,
//! extension rows, audit entry and notifications — in one transaction.
//! Staff and unit actions, rating, submission and the scheduler all end
//! in [`commit`].

use super::{
    error::CaseError,
    model::{Case, CategoryRules},
    repo,
    transition::{self, Command, Ctx, Effect, Transition, UnitRef, Units, Who},
};
use crate::{
    audit,
    core::{Caller, LimitUnit, Role, Ts, UnknownStored},
    notify::{self, UnitMessage},
    routing::Directory,
    state::AppState,
};
use entity::user;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};
use uuid::Uuid;

/// What a person asks of a case; the shell loads what the command needs.
#[derive(Debug, Clone)]
pub enum Action {
    /// A command that needs nothing loaded.
    Do(Command),
    /// Merge into the case `of`.
    MarkDuplicate { of: Uuid },
    /// Ask for `amount` more (in `unit`, default: the category's).
    RequestExtension {
        amount: i32,
        unit: Option<LimitUnit>,
    },
    /// Decide the extension request `id`.
    DecideExtension { id: Uuid, approve: bool },
}

impl From<Command> for Action {
    fn from(c: Command) -> Self {
        Self::Do(c)
    }
}

impl Action {
    /// The command as far as it is known before anything is loaded (for
    /// the role and note checks, which come before a 404).
    fn probe(&self) -> Command {
        match self {
            Self::Do(c) => c.clone(),
            Self::MarkDuplicate { .. } => Command::MarkDuplicate { target: None },
            Self::RequestExtension { amount, unit } => Command::RequestExtension {
                id: Uuid::nil(),
                amount: *amount,
                unit: *unit,
                pending: false,
            },
            Self::DecideExtension { id, approve } => Command::DecideExtension {
                extension: transition::ExtensionRef {
                    id: *id,
                    status: crate::core::ExtensionStatus::Pending,
                    amount: 0,
                    unit: LimitUnit::WorkHours,
                },
                approve: *approve,
            },
        }
    }
}

/// A staff or unit action on a case, at the version the caller saw.
#[tracing::instrument(skip(state, caller, note), fields(user = %caller.user_id))]
pub async fn act(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    expected: i32,
    note: Option<String>,
    action: Action,
) -> Result<Case, CaseError> {
    let who = Who::Caller(caller.clone());
    transition::precheck(&action.probe(), &who, note.clone())?;
    let case = load_visible(state, &state.directory.get(), caller, id).await?;
    let cmd = match action {
        Action::Do(c) => c,
        Action::MarkDuplicate { of } => Command::MarkDuplicate {
            target: repo::case_ref(&state.db, of).await?,
        },
        Action::RequestExtension { amount, unit } => Command::RequestExtension {
            id: Uuid::now_v7(),
            amount,
            unit,
            pending: repo::extension_pending(&state.db, id).await?,
        },
        Action::DecideExtension { .. } if case.version != expected => {
            return Err(transition::Refusal::VersionConflict {
                current: case.version,
                expected,
            }
            .into());
        }
        Action::DecideExtension { id: eid, approve } => Command::DecideExtension {
            extension: repo::extension(&state.db, id, eid)
                .await?
                .ok_or(CaseError::NotFound { what: "extension" })?,
            approve,
        },
    };
    run(state, &who, case, cmd, note, Some(expected), false).await
}

/// 评单: the reporter rates a closed case once.
pub async fn rate(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    score: i32,
    comment: Option<String>,
) -> Result<Case, CaseError> {
    let who = Who::Caller(caller.clone());
    let cmd = Command::Rate { score };
    transition::precheck(&cmd, &who, comment.clone())?;
    let case = repo::find(&state.db, id)
        .await?
        .filter(|c| c.reporter_id == caller.user_id)
        .ok_or(CaseError::NotFound { what: "report" })?;
    run(state, &who, case, cmd, comment, None, true).await
}

/// Decides and commits a command on a loaded case; `screen`: the note is
/// a citizen's comment, which content security checks once the command
/// is allowed.
async fn run(
    state: &AppState,
    who: &Who,
    case: Case,
    cmd: Command,
    note: Option<String>,
    expected_version: Option<i32>,
    screen: bool,
) -> Result<Case, CaseError> {
    let cat = category(state, case.category_id)?;
    let (clock, dir) = (crate::cases::clock::of(state), state.directory.get());
    let ctx = Ctx {
        who,
        now: state.clock.now(),
        clock: &clock,
        units: &*dir,
        category: &cat,
        expected_version,
    };
    let mut t = transition::decide(&case, &cmd, note.clone(), &ctx)?;
    if let (true, Some(text), Who::Caller(c)) = (screen, note.as_deref(), who) {
        let subject = crate::content::Subject::Comment;
        if let Some(e) =
            crate::content::checks::screen_text(state, c.user_id, text, subject).await?
        {
            t.effects.push(Effect::ContentCheck(e));
        }
    }
    let txn = state.db.begin().await?;
    if !repo::write(&txn, &case, &t).await? {
        txn.rollback().await?;
        return Err(CaseError::LostRace);
    }
    commit(state, txn, &t, &cat, who, ctx.now).await?;
    // The guarded write bumped the version it checked.
    Ok(Case {
        version: case.version + 1,
        ..t.after
    })
}

/// The rules of a case's category, from the catalogue.
pub fn category(state: &AppState, id: Uuid) -> Result<CategoryRules, CaseError> {
    let catalog = state.categories.get();
    let row = catalog.by_id(id).ok_or_else(|| UnknownStored {
        table: "case",
        row: id.to_string(),
        column: "category_id",
        value: id.to_string(),
    })?;
    Ok(crate::cases::repo::rules_from_row(row)?)
}

/// Writes a transition's events and carries out its effects inside `txn`
/// (whose guarded case write, or insert, is done), then commits, announces
/// the events on the live bus and re-reads the case into this node's case
/// index (waiting at most 2 s for it); returns the photos it attached.
pub async fn commit(
    state: &AppState,
    txn: DatabaseTransaction,
    t: &Transition,
    cat: &CategoryRules,
    who: &Who,
    now: Ts,
) -> Result<Vec<entity::media::Model>, CaseError> {
    let case = &t.after;
    let ids: Vec<Uuid> = t.events.iter().map(|_| Uuid::now_v7()).collect();
    let events: Vec<_> = ids.iter().copied().zip(t.events.iter().cloned()).collect();
    repo::insert_events(&txn, case.id, &events, now).await?;
    let actor = who.actor();
    let mut photos = vec![];
    for effect in &t.effects {
        match effect {
            Effect::AttachPhotos { media_ids, event } => {
                let owner = actor.id.unwrap_or_default();
                let event_id = ids.get(*event).copied().unwrap_or_default();
                let claimed =
                    repo::claim_photos(&txn, case.id, event_id, owner, media_ids, now).await?;
                if claimed.len() != media_ids.len() {
                    txn.rollback().await?;
                    return Err(repo::why_unclaimed(&state.db, owner, media_ids, now).await);
                }
                photos.extend(claimed);
            }
            Effect::OpenExtension {
                id,
                amount,
                unit,
                reason,
            } => {
                repo::open_extension(&txn, case, actor, (*id, *amount, *unit, reason), now).await?
            }
            Effect::DecideExtension { id, status, note } => {
                repo::decide_extension(&txn, *id, actor, (*status, note.as_deref()), now).await?;
            }
            Effect::Audit { action, note } => {
                let id = Some(case.id.to_string());
                audit::record(&txn, actor, action, "case", id, note.as_deref(), None).await?;
            }
            Effect::Points(crate::points::ledger::Points::SelfFixed) => {
                crate::volunteers::work::self_fix_verified(&txn, case, now).await?;
            }
            Effect::Points(p) => {
                let rules = crate::points::rules::current(&state.settings, &txn).await?;
                let whom = (case.reporter_id, case.id);
                crate::points::ledger::apply(&txn, &rules, whom, *p, now).await?;
            }
            Effect::ContentCheck(check) => {
                crate::content::checks::record(&txn, case.id, check, now).await?;
            }
            Effect::NotifyUnit { .. } | Effect::NotifyCitizen { .. } => {}
        }
    }
    notices(state, &txn, case, &t.effects, &cat.name).await?;
    txn.commit().await?;
    let announced = events
        .iter()
        .map(|(id, e)| crate::infra::bus::BusEvent {
            id: *id,
            case_id: case.id,
            case_no: case.case_no.clone(),
            action: e.action,
            from: e.from,
            to: e.to,
            unit_id: case.unit_id,
            category_id: case.category_id,
            lat: case.lat,
            lng: case.lng,
            at: now,
        })
        .collect();
    state.live.bus.publish(announced);
    // Read-your-writes on this node: its map and indicators count the
    // change before the caller has the answer; other nodes follow the bus.
    // A slow index read (a large catch-up ahead of it) delays the answer
    // by at most 2 s; the follow task then picks the change up.
    let refresh = state.command.index.refresh(vec![case.id]);
    match tokio::time::timeout(std::time::Duration::from_secs(2), refresh).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            tracing::warn!(error = %format!("{e:#}"), case = %case.id, "case index: refresh failed");
        }
        Err(_) => tracing::warn!(case = %case.id, "case index: refresh timed out"),
    }
    photos.sort_by_key(|p| p.id);
    Ok(photos)
}

/// Queues the unit and citizen notifications among `effects`: only for
/// units with a webhook, and for citizens only with a template configured.
async fn notices<C: ConnectionTrait>(
    state: &AppState,
    db: &C,
    case: &Case,
    effects: &[Effect],
    category: &str,
) -> Result<(), CaseError> {
    let dir = state.directory.get();
    for effect in effects {
        match effect {
            Effect::NotifyUnit {
                unit_id,
                event,
                text,
            } => {
                let Some(unit) = dir.unit(*unit_id).filter(|u| u.webhook_url.is_some()) else {
                    continue;
                };
                let msg = UnitMessage {
                    event: (*event).into(),
                    case_id: case.id,
                    case_no: case.case_no.clone(),
                    status: case.status.as_str().into(),
                    category: category.into(),
                    due_at: case.clock.due_at,
                    text: text.clone(),
                };
                notify::unit(db, unit, &msg).await?;
            }
            Effect::NotifyCitizen { status, note } => {
                if state.config.wechat.subscribe_template_id.is_none() {
                    continue;
                }
                // The reporter and every follower (附议) get the message.
                let followers = sea_orm::sea_query::Query::select()
                    .column(entity::case_follower::Column::UserId)
                    .from(entity::case_follower::Entity)
                    .and_where(entity::case_follower::Column::CaseId.eq(case.id))
                    .to_owned();
                let openids: Vec<Option<String>> = user::Entity::find()
                    .select_only()
                    .column(user::Column::Openid)
                    .filter(
                        sea_orm::Condition::any()
                            .add(user::Column::Id.eq(case.reporter_id))
                            .add(user::Column::Id.in_subquery(followers)),
                    )
                    .into_tuple()
                    .all(db)
                    .await?;
                for openid in openids.iter().flatten() {
                    let to = notify::Citizen {
                        case_id: case.id,
                        case_no: &case.case_no,
                        openid: Some(openid),
                        category,
                    };
                    notify::citizen(db, &state.config.wechat, &to, *status, note.as_deref())
                        .await?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Loads a case the caller may see, or `404`.
pub async fn load_visible(
    state: &AppState,
    dir: &Directory,
    caller: &Caller,
    id: Uuid,
) -> Result<Case, CaseError> {
    repo::find(&state.db, id)
        .await?
        .filter(|c| visible(dir, caller, c))
        .ok_or_else(CaseError::not_found)
}

/// Staff see every case; a unit member its unit's and its sub-units'.
pub fn visible(dir: &Directory, caller: &Caller, case: &Case) -> bool {
    match caller.role {
        Role::Dispatcher | Role::Supervisor | Role::Admin => true,
        Role::UnitMember => match (caller.unit_id, case.unit_id) {
            (Some(mine), Some(theirs)) => dir.subtree(mine).contains(&theirs),
            _ => false,
        },
        Role::Citizen | Role::Integrator => false,
    }
}

/// The routing directory is the unit tree transitions read.
impl Units for Directory {
    fn unit(&self, id: Uuid) -> Option<UnitRef<'_>> {
        self.units.get(&id).map(unit_ref)
    }

    fn unit_by_code(&self, code: &str) -> Option<UnitRef<'_>> {
        Directory::unit_by_code(self, code).map(unit_ref)
    }

    fn ancestors(&self, id: Uuid) -> Vec<Uuid> {
        Directory::ancestors(self, id)
    }
}

fn unit_ref(u: &entity::unit::Model) -> UnitRef<'_> {
    UnitRef {
        id: u.id,
        code: &u.code,
        name: &u.name,
    }
}
