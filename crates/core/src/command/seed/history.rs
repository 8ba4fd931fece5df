//! One seeded case and its timeline, driven through the case loop's
//! transition core (`transition::decide`), as the service drives it: each
//! step is a command given at its time by the role that gives it, and the
//! core decides the case that follows, its events and its deadlines; the
//! timers (接单 overdue, warning, overdue, escalation) fire as the
//! scheduler fires them, at their own time, before any later step. The
//! seed chooses only what people do and when (the proportions are in the
//! parent module's documentation). A step the core refuses ends the case
//! where it stands.

use super::{Ctx, point};
use crate::{
    cases::{
        model::{Case, CategoryRules, Report},
        repo::{event_row, new_row, rules_from_row},
        transition::{self, CaseRef, Command, ExtensionRef, NewEvent, Who},
    },
    core::{Actor, Caller, CaseStatus as S, ExtensionStatus, Role, Ts, time::shanghai},
};
use chrono::Duration;
use domain::case::event::EventAction;
use entity::{case_event, cases};
use rand::{Rng, rngs::StdRng};
use uuid::Uuid;

/// A case on its way through the loop, and its timeline so far.
struct Run<'a> {
    ctx: &'a Ctx,
    rules: CategoryRules,
    case: Case,
    events: Vec<(Ts, NewEvent)>,
}

impl Run<'_> {
    /// Fires the timers due up to `at`, each at its own time.
    fn timers_until(&mut self, at: Ts) {
        for _ in 0..8 {
            match self.case.timer_at() {
                Some(t) if t <= at && t <= self.ctx.now => {
                    if !self.decide(&Who::System, &Command::Tick, None, t) {
                        return;
                    }
                }
                _ => return,
            }
        }
    }

    /// Gives `cmd` at `at` (after the timers due before it; never before
    /// the case's last change); false when it is in the future or the core
    /// refuses it.
    fn step(&mut self, who: Role, cmd: Command, note: Option<&str>, at: Ts) -> bool {
        let at = at.max(self.case.updated_at);
        if at > self.ctx.now {
            return false;
        }
        self.timers_until(at);
        let caller = Caller {
            user_id: match who {
                Role::Citizen => self.case.reporter_id,
                _ => Uuid::nil(),
            },
            role: who,
            unit_id: match who {
                Role::UnitMember => self.case.unit_id,
                _ => None,
            },
        };
        self.decide(&Who::Caller(caller), &cmd, note.map(str::to_owned), at)
    }

    fn decide(&mut self, who: &Who, cmd: &Command, note: Option<String>, at: Ts) -> bool {
        let ctx = transition::Ctx {
            who,
            now: at,
            clock: &self.ctx.clock,
            units: &self.ctx.dir,
            category: &self.rules,
            expected_version: None,
        };
        match transition::decide(&self.case, cmd, note, &ctx) {
            Ok(t) => {
                let staff = !matches!(who, Who::Caller(c) if c.role == Role::Citizen);
                self.events.extend(t.events.into_iter().map(|mut e| {
                    // Seeded staff are nobody in particular.
                    if staff {
                        e.actor.id = None;
                    }
                    (at, e)
                }));
                self.case = t.after;
                // The write bumps the version of an action, as the service's does.
                if t.guard == transition::Guard::Version {
                    self.case.version += 1;
                }
                true
            }
            Err(e) => {
                tracing::debug!(case = %self.case.case_no, command = cmd.name(), error = %e, "seed: step refused");
                false
            }
        }
    }

    /// The rows: the case as it stands at the seed's `now` (the timers due
    /// by then fired), and its timeline.
    fn finish(mut self) -> Seeded {
        self.timers_until(self.ctx.now);
        let id = self.case.id;
        let events = self
            .events
            .iter()
            .enumerate()
            .map(|(i, (at, e))| event_row(id, event_id(*at, i), e, *at))
            .collect();
        let carrier = CaseRef {
            id,
            case_no: self.case.case_no.clone(),
            status: self.case.status,
            created_at: self.case.created_at,
        };
        (new_row(&self.case), events, carrier)
    }
}

/// A seeded case's row, its timeline, and the case as a merge's target.
pub(super) type Seeded = (cases::ActiveModel, Vec<case_event::ActiveModel>, CaseRef);

/// One case; a duplicate is merged into `earlier` (the case seeded before it).
pub(super) fn one_case(
    ctx: &Ctx,
    rng: &mut StdRng,
    (days, seq): (i64, usize),
    earlier: Option<&CaseRef>,
) -> Option<Seeded> {
    let (lat, lng, area_id) = point(ctx, rng)?;
    let cat = ctx.cats.get(rng.random_range(0..ctx.cats.len()))?;
    let rules = rules_from_row(cat).ok()?;
    let containing = ctx.areas.containing(lng, lat);
    let route = ctx.dir.route(&containing, cat)?;
    let created = ctx.now - Duration::seconds(rng.random_range(0..days.max(1) * 86_400));
    let day = created.with_timezone(&shanghai()).format("%Y%m%d");
    let case = Case::reported(Report {
        id: Uuid::now_v7(),
        case_no: format!("SSP-{day}-9{seq:06}"),
        reporter_id: ctx.citizens[rng.random_range(0..ctx.citizens.len())],
        category_id: cat.id,
        description: "随手拍：路边有问题，请处理".into(),
        address: None,
        lat,
        lng,
        area_id,
        route: Some((route.unit_id, route.rule_id)),
        channel: domain::channel::Channel::MiniProgram,
        at: created,
    });
    let submit = NewEvent {
        actor: Actor::of(&Caller {
            user_id: case.reporter_id,
            role: Role::Citizen,
            unit_id: None,
        }),
        action: EventAction::Submit,
        from: None,
        to: S::Submitted,
        note: None,
        public: true,
        data: None,
    };
    let mut run = Run {
        ctx,
        rules,
        case,
        events: vec![(created, submit)],
    };
    lives(&mut run, rng, route.unit_id, earlier);
    Some(run.finish())
}

/// What happens to one case: the people's steps and their times.
fn lives(run: &mut Run<'_>, rng: &mut StdRng, unit_id: Uuid, earlier: Option<&CaseRef>) {
    let mins = Duration::minutes;
    let created = run.case.created_at;
    let fate: f64 = rng.random();
    let review = created + mins(rng.random_range(5..180));
    if fate < 0.04 {
        run.step(
            Role::Dispatcher,
            Command::Reject,
            Some("不属于受理范围"),
            review,
        );
        return;
    }
    if fate < 0.07 {
        let cmd = Command::MarkDuplicate {
            target: earlier.cloned(),
        };
        run.step(Role::Dispatcher, cmd, Some("重复反映"), review);
        return;
    }
    // Accepted and dispatched to the routed unit.
    if !run.step(Role::Dispatcher, Command::Accept, None, review)
        || !run.step(Role::Dispatcher, dispatch(run, unit_id), None, review)
    {
        return;
    }
    if rng.random_bool(0.05) {
        // Returned once, dispatched again an hour later.
        let back = review + mins(rng.random_range(10..120));
        if run.step(
            Role::UnitMember,
            Command::Return,
            Some("不属于本单位"),
            back,
        ) && !run.step(
            Role::Dispatcher,
            dispatch(run, unit_id),
            None,
            back + mins(60),
        ) {
            return;
        }
    }
    let Some(dispatched) = run.case.dispatched_at else {
        return;
    };
    let accept_due = run.case.clock.accept_due_at.unwrap_or(dispatched);
    // Claim: in time 90 %.
    let claim = if rng.random_bool(0.10) {
        accept_due + mins(rng.random_range(10..240))
    } else {
        let limit = (accept_due - dispatched).num_minutes().max(2);
        dispatched + mins(rng.random_range(1..limit))
    };
    if !run.step(Role::UnitMember, Command::Claim, None, claim) {
        return;
    }
    if rng.random_bool(0.04) {
        extend(run, claim + mins(20));
    }
    // Handling: 82 % within the deadline; 3 % never resolved.
    let due = run.case.clock.due_at.unwrap_or(claim);
    let span = (due - claim).num_minutes().max(30);
    let never = (0.95..0.98).contains(&fate);
    let resolve = if rng.random_bool(0.18) || never {
        due + mins(rng.random_range(30..(span * 2).max(60)))
    } else {
        claim + mins(rng.random_range(10..span))
    };
    if never {
        return;
    }
    if fate > 0.98 {
        run.step(
            Role::Dispatcher,
            Command::Suspend,
            Some("需长期整改，列入挂账"),
            claim + mins(30),
        );
        return;
    }
    if !resolved(run, resolve) {
        return;
    }
    let mut at = resolve;
    if rng.random_bool(0.06) {
        let again = at + mins(rng.random_range(30..600));
        let verify = Command::Verify { close: false };
        if !run.step(Role::Dispatcher, verify, Some("现场仍有问题"), again)
            || !run.step(Role::UnitMember, Command::Claim, None, again + mins(30))
            || !resolved(run, again + mins(240))
        {
            return;
        }
        at = again + mins(240);
    }
    let close = at + mins(rng.random_range(30..1440));
    if !run.step(
        Role::Dispatcher,
        Command::Verify { close: true },
        None,
        close,
    ) {
        return;
    }
    if rng.random_bool(0.6) {
        let r: f64 = rng.random();
        let score = match r {
            r if r < 0.5 => 5,
            r if r < 0.75 => 4,
            r if r < 0.87 => 3,
            r if r < 0.95 => 2,
            _ => 1,
        };
        let rate_at = close + mins(rng.random_range(10..2880));
        run.step(Role::Citizen, Command::Rate { score }, None, rate_at);
    }
}

fn dispatch(run: &Run<'_>, unit_id: Uuid) -> Command {
    Command::Dispatch {
        unit_code: run.ctx.dir.unit(unit_id).map(|u| u.code.to_owned()),
    }
}

/// Resolved at `at`, with an after-photo (its row is not seeded).
fn resolved(run: &mut Run<'_>, at: Ts) -> bool {
    let cmd = Command::Resolve {
        media_ids: vec![Uuid::nil()],
    };
    run.step(Role::UnitMember, cmd, Some("已清理完毕"), at)
}

/// A unit asks for as long again, and the dispatcher approves it.
fn extend(run: &mut Run<'_>, at: Ts) {
    let (id, amount, unit) = (Uuid::now_v7(), run.rules.time_limit, run.rules.limit_unit);
    let Ok(amount) = i32::try_from(amount) else {
        return;
    };
    let ask = Command::RequestExtension {
        id,
        amount,
        unit: None,
        pending: false,
    };
    if run.step(Role::UnitMember, ask, Some("需协调多个部门"), at) {
        let extension = ExtensionRef {
            id,
            status: ExtensionStatus::Pending,
            amount,
            unit,
        };
        let decide = Command::DecideExtension {
            extension,
            approve: true,
        };
        run.step(Role::Dispatcher, decide, None, at + Duration::minutes(30));
    }
}

/// A UUIDv7 of the event's own time and its place in the timeline (in
/// the 12 bits after the version), so that events of one instant keep
/// their order too.
fn event_id(at: Ts, place: usize) -> Uuid {
    let ms = u64::try_from(at.timestamp_millis()).unwrap_or(0);
    let mut rest: [u8; 10] = rand::random();
    let place = u16::try_from(place.min(0x0fff)).unwrap_or(0x0fff);
    rest[..2].copy_from_slice(&place.to_be_bytes());
    uuid::Builder::from_unix_timestamp_millis(ms, &rest).into_uuid()
}
