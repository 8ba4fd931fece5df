//! The deadline scheduler: fires every due timer through the transition
//! core (`Command::Tick`). Its state is the case rows themselves
//! (`timer_at` and the fields it summarises), so it survives restarts; each
//! firing is written under a guard on the fields it changes, so several
//! nodes fire each event exactly once. A case that fails to fire is logged
//! and its timer postponed by ten minutes, so that it never holds up the
//! others. (A row the code could not read at all, a value outside its
//! enum, would fail the whole read; the database's checks keep such values
//! out, migrations 3, 14 and 15.)

use super::{
    error::CaseError,
    model::Case,
    repo, service,
    transition::{self, Command, Ctx, Refusal, Who},
};
use crate::state::AppState;
use sea_orm::TransactionTrait;

/// Fires everything due now; returns the number of events fired.
pub async fn tick(state: &AppState) -> Result<usize, CaseError> {
    let now = state.clock.now();
    let due = repo::due_timers(&state.db, now, 200).await?;
    let mut fired = 0;
    for case in due {
        let id = case.id;
        match fire_all(state, case).await {
            Ok(n) => fired += n,
            Err(e) => {
                tracing::warn!(case = %id, error = %e, "scheduler: case postponed");
                let later = now + chrono::Duration::minutes(10);
                if let Err(e) = repo::postpone_timer(&state.db, id, later).await {
                    tracing::warn!(case = %id, error = %e, "scheduler: postponing failed");
                }
            }
        }
    }
    Ok(fired)
}

/// Fires what is due on one case (several things may be, if it aged while
/// the scheduler was down).
async fn fire_all(state: &AppState, mut case: Case) -> Result<usize, CaseError> {
    let mut fired = 0;
    for _ in 0..8 {
        match fire_one(state, &case).await? {
            Some(next) => {
                fired += 1;
                case = next;
            }
            None => break,
        }
    }
    Ok(fired)
}

/// Fires the first thing due on this case, unless another node did;
/// returns the case as it is afterwards.
async fn fire_one(state: &AppState, case: &Case) -> Result<Option<Case>, CaseError> {
    let cat = service::category(state, case.category_id)?;
    let (clock, dir, who) = (
        crate::cases::clock::of(state),
        state.directory.get(),
        Who::System,
    );
    let ctx = Ctx {
        who: &who,
        now: state.clock.now(),
        clock: &clock,
        units: &*dir,
        category: &cat,
        expected_version: None,
    };
    let due = transition::what_is_due(case, ctx.now);
    let t = match transition::decide(case, &Command::Tick, None, &ctx) {
        Ok(t) => t,
        Err(Refusal::NothingDue) => {
            // Changed meanwhile: refresh the index so it is not read again.
            repo::refresh_timer(&state.db, case).await?;
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    let txn = state.db.begin().await?;
    if !repo::write(&txn, case, &t).await? {
        // Another node fired it, or the case changed: nothing to do.
        txn.rollback().await?;
        return Ok(None);
    }
    service::commit(state, txn, &t, &cat, &who, ctx.now).await?;
    if let Some(due) = due {
        state
            .metrics
            .case_timers
            .with_label_values(&[due.as_str()])
            .inc();
    }
    Ok(Some(t.after))
}
