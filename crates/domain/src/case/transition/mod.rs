//! The transition core of the case loop: a pure function from (the case as
//! it is, a command, who acts, the time, the calendar) to the case as it
//! will be, its timeline events and the effects to carry out
//! (notifications, audit, photos, extension rows) — or a refusal with its
//! precise reason. No I/O: the shell (the app's `cases::service`) loads, calls
//! [`decide`], and writes the outcome in one transaction. Every way into the
//! loop goes through here: staff and unit actions, automatic acceptance and
//! dispatch at submission, rating, extensions and the scheduler's timers.

mod apply;
mod commands;
mod deadlines;
mod extension;
mod self_fix;
#[cfg(test)]
mod tests;
mod timers;

pub use crate::points::Points;
pub use commands::{Command, available};
pub use timers::{Due, what_is_due};

use super::{
    clock::Clock,
    model::{Case, CategoryRules, TimerField},
};
use crate::case::event::EventAction;
use crate::{Actor, Caller, CaseStatus, ExtensionStatus, Forbidden, LimitUnit, Role, Ts};
use uuid::Uuid;

/// Longest note on a timeline event.
pub const MAX_NOTE_CHARS: usize = 500;
/// After-photos of a resolution, and photos of a report.
pub const MAX_PHOTOS: usize = 9;

/// Who acts: a caller, or the system (submission, scheduler).
#[derive(Debug, Clone)]
pub enum Who {
    Caller(Caller),
    System,
}

impl Who {
    pub fn actor(&self) -> Actor {
        match self {
            Self::Caller(c) => Actor::of(c),
            Self::System => Actor::SYSTEM,
        }
    }

    fn role(&self) -> Option<Role> {
        match self {
            Self::Caller(c) => Some(c.role),
            Self::System => None,
        }
    }
}

/// A unit as transitions see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitRef<'a> {
    pub id: Uuid,
    pub code: &'a str,
    pub name: &'a str,
}

/// The unit tree, as transitions read it (implemented by the routing
/// directory snapshot).
pub trait Units: Sync {
    fn unit(&self, id: Uuid) -> Option<UnitRef<'_>>;
    fn unit_by_code(&self, code: &str) -> Option<UnitRef<'_>>;
    /// The parent chain of a unit, nearest first.
    fn ancestors(&self, id: Uuid) -> Vec<Uuid>;
}

/// Another case, as the target of a merge.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRef {
    pub id: Uuid,
    pub case_no: String,
    pub status: CaseStatus,
    /// When the first report of its group came in (it, or a case merged
    /// into it before): a report merged into it that is earlier still is
    /// the group's first reporter's.
    pub created_at: Ts,
}

/// An extension request, as a decision reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtensionRef {
    pub id: Uuid,
    pub status: ExtensionStatus,
    pub amount: i32,
    pub unit: LimitUnit,
}

/// Everything a decision reads besides the case and the command.
pub struct Ctx<'a> {
    pub who: &'a Who,
    pub now: Ts,
    pub clock: &'a Clock,
    pub units: &'a dyn Units,
    pub category: &'a CategoryRules,
    /// The version the caller acted on; none where the caller names none
    /// (rating, the system).
    pub expected_version: Option<i32>,
}

/// A new timeline event (the shell gives it its id).
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub actor: Actor,
    pub action: EventAction,
    pub from: Option<CaseStatus>,
    pub to: CaseStatus,
    pub note: Option<String>,
    /// Shown to the citizen.
    pub public: bool,
    pub data: Option<serde_json::Value>,
}

/// Something to carry out in the transaction of the change.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Award or take back the reporter's points.
    Points(Points),
    /// Record what content security said of the citizen's text (added by
    /// the shell, which asked WeChat before deciding): a flag for the
    /// dispatcher, or a check still to be made.
    ContentCheck(crate::content::TextCheck),
    /// Tell a unit (webhook).
    NotifyUnit {
        unit_id: Uuid,
        event: &'static str,
        text: String,
    },
    /// Tell the reporter (subscribe message).
    NotifyCitizen {
        status: CaseStatus,
        note: Option<String>,
    },
    /// Write an audit entry `action` about the case.
    Audit {
        action: String,
        note: Option<String>,
    },
    /// Attach the caller's photos to the case and to `events[event]`.
    AttachPhotos { media_ids: Vec<Uuid>, event: usize },
    /// Store a pending extension request.
    OpenExtension {
        id: Uuid,
        amount: i32,
        unit: LimitUnit,
        reason: String,
    },
    /// Record a decision on an extension request.
    DecideExtension {
        id: Uuid,
        status: ExtensionStatus,
        note: Option<String>,
    },
}

/// How the write of a change is guarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// An action: the row must still have the version read, which the write
    /// bumps (of two concurrent actions one wins, the other gets 409).
    Version,
    /// A timer: the row must still have the version read and the fields
    /// the timer changes must still hold the values read, so that any
    /// number of nodes fire it exactly once; the version is not bumped (a
    /// timer never turns a person's action into a conflict).
    Timer,
}

/// The outcome of an allowed command.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub after: Case,
    pub events: Vec<NewEvent>,
    pub effects: Vec<Effect>,
    pub guard: Guard,
    /// Timer-owned fields an action assigned: written even when unchanged
    /// from what it read.
    pub assigned: Vec<TimerField>,
}

/// Why a command is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error("only the system does {action}")]
    SystemOnly { action: &'static str },
    /// A unit member acting on a case of another unit (a sub-unit's
    /// included: a unit sees its sub-units' cases but acts on its own).
    #[error("a unit acts only on its own cases; this one is another unit's")]
    NotOwnUnit,
    #[error("{action} needs a note (the reason)")]
    NoteRequired { action: &'static str },
    #[error("a note has at most {MAX_NOTE_CHARS} characters")]
    NoteTooLong,
    #[error("the case changed (version {current} now, {expected} expected); reload it")]
    VersionConflict { current: i32, expected: i32 },
    #[error("{action} is not allowed while the case is {}", .from.as_str())]
    IllegalTransition {
        action: &'static str,
        from: CaseStatus,
    },
    #[error("no unit with code {code}")]
    UnknownUnit { code: String },
    #[error("routing chose no unit; name one in unitCode")]
    NoUnit,
    #[error("duplicateOf is not another case")]
    UnknownCase,
    #[error("case {case_no} is {} and cannot carry on", .status.as_str())]
    NotACarrier { case_no: String, status: CaseStatus },
    #[error("the case is already at the top of the unit tree")]
    NoHigherUnit,
    #[error("resolving a case needs 1 to {MAX_PHOTOS} after-photos")]
    AfterPhotosRequired,
    #[error("an extension request needs a reason")]
    ReasonRequired,
    #[error("an extension request for this case is already waiting for a decision")]
    ExtensionPending,
    #[error("this extension was already {}", .status.as_str())]
    ExtensionDecided { status: ExtensionStatus },
    #[error("this report was already rated")]
    AlreadyRated,
    #[error("a report can be rated once its case is closed")]
    NotClosed,
    #[error("no timer of this case is due")]
    NothingDue,
}

/// Trims a note and bounds its length.
pub fn clean_note(note: Option<String>) -> Result<Option<String>, Refusal> {
    let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if note
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
    {
        return Err(Refusal::NoteTooLong);
    }
    Ok(note)
}

/// The checks that need no case: the role, and the note. The shell runs
/// them before it loads the case (a 403 or 400 before a 404).
pub fn precheck(cmd: &Command, who: &Who, note: Option<String>) -> Result<Option<String>, Refusal> {
    match (cmd.roles(), who.role()) {
        (None, None) => {}
        (None, Some(_)) => {
            return Err(Refusal::SystemOnly { action: cmd.name() });
        }
        (Some(_), None) => {}
        (Some(roles), Some(role)) => {
            if !roles.contains(&role) {
                return Err(Forbidden { role }.into());
            }
        }
    }
    let note = clean_note(note)?;
    if note.is_none() {
        if matches!(cmd, Command::RequestExtension { .. }) {
            return Err(Refusal::ReasonRequired);
        }
        if cmd.note_required() {
            return Err(Refusal::NoteRequired { action: cmd.name() });
        }
    }
    Ok(note)
}

/// Decides a command on a case.
pub fn decide(
    case: &Case,
    cmd: &Command,
    note: Option<String>,
    ctx: &Ctx<'_>,
) -> Result<Transition, Refusal> {
    let note = precheck(cmd, ctx.who, note)?;
    if let Some(expected) = ctx.expected_version
        && expected != case.version
    {
        return Err(Refusal::VersionConflict {
            current: case.version,
            expected,
        });
    }
    cmd.check_from(case)?;
    if let Who::Caller(c) = ctx.who
        && c.role == Role::UnitMember
        && (case.unit_id.is_none() || case.unit_id != c.unit_id)
    {
        return Err(Refusal::NotOwnUnit);
    }
    let mut t = Transition {
        after: case.clone(),
        events: vec![],
        effects: vec![],
        guard: Guard::Version,
        assigned: vec![],
    };
    apply::apply(case, cmd, note, ctx, &mut t)?;
    // A person takes the case on: publication and points wait for this.
    if case.taken_on_at.is_none()
        && matches!(ctx.who, Who::Caller(_))
        && matches!(
            cmd,
            Command::Accept | Command::Dispatch { .. } | Command::Claim
        )
    {
        t.after.taken_on_at = Some(ctx.now);
        t.effects.push(Effect::Points(Points::CaseAccepted));
    }
    if t.guard == Guard::Version {
        t.after.updated_at = ctx.now;
    }
    Ok(t)
}

impl Transition {
    fn event(
        &mut self,
        ctx: &Ctx<'_>,
        action: EventAction,
        (from, to): (CaseStatus, CaseStatus),
        note: Option<String>,
        public: bool,
        data: Option<serde_json::Value>,
    ) -> usize {
        self.events.push(NewEvent {
            actor: ctx.who.actor(),
            action,
            from: Some(from),
            to,
            note,
            public,
            data,
        });
        self.events.len() - 1
    }

    fn assign(&mut self, fields: &[TimerField]) {
        self.assigned.extend_from_slice(fields);
    }

    fn notify_unit(&mut self, unit_id: Uuid, event: &'static str, text: String) {
        self.effects.push(Effect::NotifyUnit {
            unit_id,
            event,
            text,
        });
    }

    fn notify_citizen(&mut self, status: CaseStatus, note: Option<String>) {
        self.effects.push(Effect::NotifyCitizen { status, note });
    }
}
