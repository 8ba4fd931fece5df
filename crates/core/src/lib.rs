//! Suishoupai's core: the services, storage, state, configuration and
//! background jobs of the backend; everything but HTTP. This crate has no
//! poem: the app crate (`src/`) serves it, and its handlers turn the values
//! these services return into responses. The domain (`crates/domain`) is
//! below it; `entity` and `migration` are its storage.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod board;
pub mod calendar;
pub mod campaign;
pub mod cases;
pub mod categories;
pub mod command;
pub mod config;
pub mod content;
pub mod core;
pub mod demo;
pub mod geo;
pub mod infra;
pub mod live;
pub mod media;
pub mod notify;
pub mod open311;
pub mod ops;
pub mod points;
pub mod privacy;
pub mod reports;
pub mod routing;
pub mod state;
pub mod volunteers;

use anyhow::Context;
use config::{Config, Mode};
use state::AppState;
use std::time::Duration;

/// Connects everything, migrates, loads demo data into an empty embedded
/// database, and builds the state every node shares.
pub async fn start(config: Config) -> anyhow::Result<AppState> {
    let metrics = infra::metrics::Metrics::new()?;
    let mut db =
        infra::db::connect(&config.database_url, config.database_schema.as_deref()).await?;
    // The case index's own reads run in the background and are not
    // counted with the statements of requests.
    let index_db = db.clone();
    let statements = metrics.db_statements.clone();
    db.set_metric_callback(move |_| statements.inc());
    let demo = config.demo_data && config.mode == Mode::Embedded;
    let clock = match config.clock.start {
        Some(t) => core::Now::starting_at(t),
        None => core::Now::system(),
    };
    infra::db::first_start(&db, config.database_schema.as_deref(), || async {
        infra::db::migrate(&db).await?;
        calendar::store::seed_shipped(&db).await?;
        if demo
            && demo::load_if_empty(&db, clock.now())
                .await
                .context("load demo city")?
        {
            demo::load_campaign(&db, clock.now())
                .await
                .context("load demo 创建日历")?;
        }
        Ok(())
    })
    .await?;
    AppState::build(config, clock, db, index_db, metrics).await
}

/// Starts the background jobs of a node: the sweeps, the snapshot reloads,
/// the live feed's sweep and the case index; the scheduler and the outbox
/// where `workflow.background_jobs` is on. Abort them to stop.
pub fn spawn_jobs(state: &AppState) -> Vec<tokio::task::JoinHandle<()>> {
    let mut jobs = vec![
        tokio::spawn(sweep_expired_media(state.clone())),
        tokio::spawn(refresh_snapshots(state.clone())),
        tokio::spawn(live::sweep::run(state.clone(), Duration::from_secs(2))),
        tokio::spawn(command::index::follow(
            state.clone(),
            state.live.bus.clone(),
            Duration::from_millis(state.config.workflow.index_catch_up_ms.max(100)),
        )),
    ];
    if state.config.workflow.background_jobs {
        if state.config.workflow.index_snapshot_secs > 0 {
            jobs.push(tokio::spawn(command::index::keep_snapshot(
                state.clone(),
                Duration::from_secs(state.config.workflow.index_snapshot_secs),
            )));
        }
        jobs.push(tokio::spawn(run_scheduler(state.clone())));
        jobs.push(tokio::spawn(run_outbox(state.clone())));
    }
    jobs
}

/// Deletes unattached uploads, Idempotency-Keys and sessions past their
/// expiry, applies the retention of photos and identities (hourly, on the
/// nodes that run the background jobs), and
/// (hourly, on the nodes that run the background jobs) objects no photo
/// row names, older than an hour; every ten minutes.
async fn sweep_expired_media(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    let mut tick_no: u64 = 0;
    loop {
        tick.tick().await;
        if let Err(e) = reports::idempotency::purge_expired(&state).await {
            tracing::warn!(error = %e, "idempotency key sweep failed");
        }
        if let Err(e) = auth::sessions::purge_expired(&state.db).await {
            tracing::warn!(error = %e, "session sweep failed");
        }
        // The store sweep lists every photo object: the nodes that run
        // the background jobs only, hourly, not at start.
        if state.config.workflow.background_jobs && tick_no % 6 == 5 {
            match privacy::retention::run(&state).await {
                Ok((0, 0)) => {}
                Ok((photos, people)) => {
                    tracing::info!(
                        photos,
                        people,
                        "retention: photos deleted, identities removed"
                    );
                }
                Err(e) => tracing::warn!(error = %format!("{e:#}"), "retention run failed"),
            }
            let grace = Duration::from_secs(3600);
            match media::service::sweep_orphans(&state.db, &state.store, grace).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(n, "orphaned photo objects deleted"),
                Err(e) => tracing::warn!(error = %format!("{e:#}"), "orphan sweep failed"),
            }
        }
        tick_no += 1;
        match campaign::files::purge_unattached(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(n, "unattached 创建日历 files deleted"),
            Err(e) => tracing::warn!(error = %e, "创建日历 file sweep failed"),
        }
        match media::service::purge_expired(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(n, "expired unattached photos deleted"),
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "photo sweep failed"),
        }
    }
}

/// Fires deadline warnings, overdue marks and escalations; reminds units
/// of their 创建日历 tasks and marks the overdue ones; sends again the
/// photos whose content-security verdict has not come.
async fn run_scheduler(state: AppState) {
    let every = Duration::from_millis(state.config.workflow.scheduler_tick_ms.max(50));
    loop {
        if let Err(e) = cases::scheduler::tick(&state).await {
            tracing::warn!(error = %format!("{e:#}"), "scheduler tick failed");
        }
        if let Err(e) = content::checks::resend_stale(&state).await {
            tracing::warn!(error = %format!("{e:#}"), "content check resend failed");
        }
        if let Err(e) = campaign::schedule::tick(&state).await {
            tracing::warn!(error = %e, "创建日历 tick failed");
        }
        if let Err(e) = volunteers::patrols::close_capped(&state).await {
            tracing::warn!(error = %format!("{e:#}"), "closing capped patrols failed");
        }
        tokio::time::sleep(every).await;
    }
}

/// Delivers queued notifications.
async fn run_outbox(state: AppState) {
    let every = Duration::from_millis(state.config.workflow.outbox_tick_ms.max(50));
    loop {
        match notify::worker::deliver_due(&state, other_jobs).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "outbox delivery failed"),
        }
        tokio::time::sleep(every).await;
    }
}

/// The outbox's jobs that are not notifications: content checks.
fn other_jobs(
    state: AppState,
    row: entity::outbox::Model,
) -> futures_util::future::BoxFuture<'static, notify::worker::Outcome> {
    Box::pin(async move {
        match row.kind {
            content::TEXT_JOB | content::PHOTO_JOB => content::checks::run_job(&state, &row).await,
            other => notify::worker::Outcome::Skipped(format!("no runner for {}", other.as_str())),
        }
    })
}

/// Reloads areas, units and rules, the calendar and categories when another
/// node (or the CLI) changed them.
async fn refresh_snapshots(state: AppState) {
    let every = Duration::from_millis(state.config.workflow.cache_refresh_ms.max(100));
    let mut seen = infra::settings::generations(&state.db)
        .await
        .unwrap_or_default();
    loop {
        tokio::time::sleep(every).await;
        match infra::settings::generations(&state.db).await {
            Ok(now) => {
                let changed: Vec<_> = infra::settings::Gen::ALL
                    .into_iter()
                    .filter(|g| now.get(g) != seen.get(g))
                    .collect();
                if !changed.is_empty() {
                    match state.refresh(&changed).await {
                        Ok(()) => seen = now,
                        Err(e) => tracing::warn!(error = %format!("{e:#}"), "reload failed"),
                    }
                }
            }
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "reading generations failed"),
        }
    }
}
