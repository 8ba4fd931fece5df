//! Loading the case index and keeping it current.

use super::snapshot;
use super::{Case, Data};
use crate::infra::{metrics::Metrics, store::ObjectStore};
use crate::{
    core::{CaseStatus, Ts, time::utc},
    infra::bus::LiveBus,
    state::AppState,
};
use entity::cases::{self, Column as C};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::{
    collections::HashSet,
    path::Path,
    sync::{Arc, RwLock},
    time::Duration,
};

/// Room for clocks and slow commits when reading what changed since an
/// instant.
const MARGIN: chrono::Duration = chrono::Duration::seconds(60);
use uuid::Uuid;

/// The columns the index reads.
#[derive(Debug, FromQueryResult)]
struct Row {
    id: Uuid,
    lat: f64,
    lng: f64,
    status: CaseStatus,
    category_id: Uuid,
    area_id: Uuid,
    unit_id: Option<Uuid>,
    overdue_at: Option<Ts>,
    warned_at: Option<Ts>,
    escalation_level: i32,
    extended: bool,
    reopen_count: i32,
    return_count: i32,
    accept_overdue_at: Option<Ts>,
    claimed_at: Option<Ts>,
    rating: Option<i32>,
    handling_minutes: Option<i64>,
    created_at: Ts,
    dispatched_at: Option<Ts>,
    due_at: Option<Ts>,
    resolved_at: Option<Ts>,
    closed_at: Option<Ts>,
    channel: domain::channel::Channel,
}

const COLUMNS: [C; 23] = [
    C::Id,
    C::Lat,
    C::Lng,
    C::Status,
    C::CategoryId,
    C::AreaId,
    C::UnitId,
    C::OverdueAt,
    C::WarnedAt,
    C::EscalationLevel,
    C::Extended,
    C::ReopenCount,
    C::ReturnCount,
    C::AcceptOverdueAt,
    C::ClaimedAt,
    C::Rating,
    C::HandlingMinutes,
    C::CreatedAt,
    C::DispatchedAt,
    C::DueAt,
    C::ResolvedAt,
    C::ClosedAt,
    C::Channel,
];

impl From<Row> for Case {
    fn from(r: Row) -> Self {
        Self {
            id: r.id,
            lat: r.lat,
            lng: r.lng,
            status: r.status,
            channel: r.channel,
            category: r.category_id,
            area: r.area_id,
            unit: r.unit_id,
            overdue_marked: r.overdue_at.is_some(),
            warned_marked: r.warned_at.is_some(),
            escalation_level: r.escalation_level,
            extended: r.extended,
            reopen_count: r.reopen_count,
            return_count: r.return_count,
            accept_late: r.accept_overdue_at.is_some(),
            claimed: r.claimed_at.is_some(),
            rating: r.rating,
            handling_minutes: r.handling_minutes,
            created: r.created_at,
            dispatched: r.dispatched_at,
            due: r.due_at,
            resolved: r.resolved_at,
            closed: r.closed_at,
        }
    }
}

/// The index of one node, with the connection it reads through.
#[derive(Clone)]
pub struct CaseIndex {
    data: Arc<RwLock<Data>>,
    db: DatabaseConnection,
    /// When the load began.
    loaded_at: Ts,
    /// When these cases were last read in full from the database (a
    /// snapshot carries it on, and is not used once it is a week old).
    full_load: Ts,
    /// Every change made before this instant is in the index (the last
    /// catch-up's start, less its margin): what a snapshot covers.
    covered: Arc<std::sync::Mutex<Ts>>,
    /// Held from a read of cases until its rows are applied, so that rows
    /// are applied in the order they were read and a slow older read never
    /// overwrites a newer one (the follow task and the write path both read).
    reading: Arc<tokio::sync::Mutex<()>>,
}

const BATCH: u64 = 20_000;

impl CaseIndex {
    /// Reads every case, in keyset batches; `started` is the node's time
    /// (the cases' `updated_at` clock) as the load begins. The arrays are
    /// sized first (with room for a day's new cases), so that the load
    /// never holds a doubled copy of them.
    async fn from_database(db: DatabaseConnection, started: Ts) -> anyhow::Result<Self> {
        let mut data = Data::new();
        let count = cases::Entity::find().count(&db).await?;
        data.reserve(usize::try_from(count + count / 64).unwrap_or(0));
        let mut after: Option<Uuid> = None;
        loop {
            let mut q = cases::Entity::find()
                .select_only()
                .columns(COLUMNS)
                .order_by_asc(C::Id)
                .limit(BATCH);
            if let Some(a) = after {
                q = q.filter(C::Id.gt(a));
            }
            let rows = q.into_model::<Row>().all(&db).await?;
            let n = rows.len();
            after = rows.last().map(|r| r.id);
            for r in rows {
                data.upsert(&r.into());
            }
            if n < usize::try_from(BATCH).unwrap_or(usize::MAX) {
                break;
            }
        }
        Ok(Self::of(data, db, (started, started)))
    }

    fn of(data: Data, db: DatabaseConnection, (loaded_at, full_load): (Ts, Ts)) -> Self {
        Self {
            data: Arc::new(RwLock::new(data)),
            db,
            loaded_at,
            full_load,
            covered: Arc::new(std::sync::Mutex::new(loaded_at - MARGIN)),
            reading: Arc::default(),
        }
    }

    /// The index from the snapshot in the object store and the cases
    /// changed since it was covered, or else from every case; `started` is
    /// the node's time (the cases' `updated_at` clock) as the load begins.
    pub async fn load(
        db: DatabaseConnection,
        started: Ts,
        store: &ObjectStore,
        dir: &Path,
        metrics: &Metrics,
    ) -> anyhow::Result<Self> {
        match Self::from_snapshot(&db, started, store, dir).await {
            Ok(Some(index)) => {
                metrics
                    .case_index
                    .with_label_values(&["load_snapshot"])
                    .inc();
                return Ok(index);
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(
                error = %format!("{e:#}"),
                "case index: the snapshot is not used; reading every case"
            ),
        }
        let index = Self::from_database(db, started).await?;
        metrics
            .case_index
            .with_label_values(&["load_database"])
            .inc();
        Ok(index)
    }

    /// The index from the snapshot, when there is one of this layout and
    /// schema, read in full from the database within the week, and whose
    /// cases, with those changed since it was covered, are the database's
    /// (counted before and after the catch-up, as cases are never deleted:
    /// a snapshot of another database, or of this one before a restore,
    /// is not used).
    async fn from_snapshot(
        db: &DatabaseConnection,
        started: Ts,
        store: &ObjectStore,
        dir: &Path,
    ) -> anyhow::Result<Option<Self>> {
        tokio::fs::create_dir_all(dir).await?;
        let file = tempfile::Builder::new()
            .prefix("case-index-")
            .tempfile_in(dir)?;
        if !store.get_file(snapshot::KEY, file.path()).await? {
            return Ok(None);
        }
        let len = tokio::fs::metadata(file.path()).await?.len();
        let read =
            tokio::task::spawn_blocking(move || snapshot::read(file.as_file(), len)).await??;
        let Some((data, covered, full_load)) = read else {
            return Ok(None);
        };
        if started - full_load > chrono::Duration::days(7) {
            return Ok(None);
        }
        let before = cases::Entity::find().count(db).await?;
        // `loaded_at` is now: the catch-up below reads what changed before.
        let index = Self::of(data, db.clone(), (started, full_load));
        index.changed_since(covered - MARGIN).await?;
        let after = cases::Entity::find().count(db).await?;
        let held = index.len() as u64;
        if held < before || held > after {
            tracing::warn!(
                held,
                before,
                after,
                "case index: the snapshot's cases are not the database's; reading every case"
            );
            return Ok(None);
        }
        Ok(Some(index))
    }

    /// What a snapshot taken now covers.
    pub fn covered(&self) -> Ts {
        *self
            .covered
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn len(&self) -> usize {
        self.read(Data::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Runs `f` on the index as it is now.
    pub fn read<T>(&self, f: impl FnOnce(&Data) -> T) -> T {
        let guard = self
            .data
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&guard)
    }

    /// Re-reads these cases.
    pub async fn refresh(&self, ids: Vec<Uuid>) -> anyhow::Result<()> {
        let _reading = self.reading.lock().await;
        for chunk in ids.chunks(500) {
            let rows = cases::Entity::find()
                .select_only()
                .columns(COLUMNS)
                .filter(C::Id.is_in(chunk.to_vec()))
                .into_model::<Row>()
                .all(&self.db)
                .await?;
            self.apply(rows);
        }
        Ok(())
    }

    /// Re-reads the cases changed since `since`.
    async fn changed_since(&self, since: Ts) -> anyhow::Result<usize> {
        let _reading = self.reading.lock().await;
        let rows = cases::Entity::find()
            .select_only()
            .columns(COLUMNS)
            .filter(C::UpdatedAt.gte(utc(since)))
            .into_model::<Row>()
            .all(&self.db)
            .await?;
        let n = rows.len();
        self.apply(rows);
        Ok(n)
    }

    /// Builds the rollups of the whole segments that have none: after a
    /// load, and of the segments whose cases changed since. Each is built
    /// under a read lock and put in place unless its segment changed
    /// meanwhile; returns how many were put in place. Blocking: seconds
    /// for a decade's index.
    pub fn settle(&self) -> usize {
        let mut n = 0;
        for (s, generation) in self.read(Data::unsettled) {
            let Some(r) = self.read(|d| d.roll(s)) else {
                continue;
            };
            let put = self
                .data
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .settle(s, generation, r);
            n += usize::from(put);
        }
        n
    }

    fn apply(&self, mut rows: Vec<Row>) {
        // In id order, so that new cases extend the sorted run of ids.
        rows.sort_unstable_by_key(|r| r.id);
        let mut guard = self
            .data
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for r in rows {
            guard.upsert(&r.into());
        }
    }
}
/// Keeps the index current: the cases each event names, re-read in small
/// batches as they come; and every `catch_up` the cases whose `updated_at`
/// moved (with a margin for clocks and slow commits), for what the bus
/// lost.
pub async fn follow(state: AppState, bus: LiveBus, catch_up: Duration) {
    let mut rx = bus.subscribe();
    let mut last_catch_up = tokio::time::Instant::now();
    let mut lagged = false;
    // From before the load began: what changed while it ran is read again.
    let mut since = state.command.index.loaded_at - MARGIN;
    settle(&state).await;
    loop {
        let mut ids = HashSet::new();
        let wait = tokio::time::sleep(Duration::from_millis(100));
        tokio::pin!(wait);
        loop {
            tokio::select! {
                msg = rx.recv() => match msg {
                    Ok(e) => { ids.insert(e.case_id); }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        // Too much at once: the catch-up covers it.
                        lagged = true;
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                },
                () = &mut wait => break,
            }
        }
        if !ids.is_empty()
            && let Err(e) = state.command.index.refresh(ids.into_iter().collect()).await
        {
            tracing::warn!(error = %format!("{e:#}"), "case index: refresh failed");
        }
        if lagged || last_catch_up.elapsed() >= catch_up {
            let started = state.clock.now();
            match state.command.index.changed_since(since).await {
                Ok(_) => {
                    since = started - chrono::Duration::seconds(30);
                    if let Ok(mut c) = state.command.index.covered.lock() {
                        *c = since;
                    }
                    last_catch_up = tokio::time::Instant::now();
                    lagged = false;
                    settle(&state).await;
                }
                Err(e) => tracing::warn!(error = %format!("{e:#}"), "case index: catch-up failed"),
            }
        }
    }
}

/// Builds the rollups the index lacks, off the async threads.
async fn settle(state: &AppState) {
    let index = state.command.index.clone();
    let started = std::time::Instant::now();
    match tokio::task::spawn_blocking(move || index.settle()).await {
        Ok(0) => {}
        Ok(n) => tracing::debug!(
            segments = n,
            ms = started.elapsed().as_millis(),
            "case index: segments rolled up"
        ),
        Err(e) => tracing::warn!(error = %e, "case index: rollup failed"),
    }
}

/// Writes the index's snapshot to the object store every `every` (the
/// nodes that run the background jobs).
pub async fn keep_snapshot(state: AppState, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tick.tick().await;
        let event = match save_snapshot(&state).await {
            Ok(n) => {
                tracing::info!(cases = n, "case index: snapshot written");
                "save_ok"
            }
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "case index: snapshot failed");
                "save_failed"
            }
        };
        state.metrics.case_index.with_label_values(&[event]).inc();
    }
}

/// Writes the snapshot to a file under the data folder, then to the
/// object store; returns the cases written.
pub async fn save_snapshot(state: &AppState) -> anyhow::Result<u64> {
    let index = state.command.index.clone();
    let covered = index.covered();
    let dir = std::path::PathBuf::from(&state.config.data_dir);
    tokio::fs::create_dir_all(&dir).await?;
    let file = tempfile::Builder::new()
        .prefix("case-index-")
        .tempfile_in(&dir)?;
    let (file, n) = tokio::task::spawn_blocking(move || {
        snapshot::write(&index.data, (covered, index.full_load), file.as_file()).map(|n| (file, n))
    })
    .await??;
    state.store.put_file(snapshot::KEY, file.path()).await?;
    Ok(n)
}
