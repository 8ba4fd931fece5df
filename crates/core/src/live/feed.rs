//! One subscriber's feed: a replay from the timeline after `Last-Event-ID`,
//! then the bus, filtered to the caller's scope. When the subscriber falls
//! too far behind the bus, it replays from the timeline again.

use crate::infra::bus::BusEvent;
use crate::{core::Ts, state::AppState};
use entity::{case_event, cases};
use futures_util::{StreamExt, stream::BoxStream};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{HashMap, HashSet};
use tokio::sync::{broadcast::error::RecvError, mpsc};
use uuid::Uuid;

pub use domain::feed::{FeedKind, ResetReason};

/// What a subscriber is sent: a timeline entry in its scope, or a reset.
#[derive(Debug, Clone)]
pub enum Item {
    /// A timeline entry (as the bus shares it between subscribers).
    Event(std::sync::Arc<BusEvent>),
    /// The replay could not give everything since `Last-Event-ID`: the
    /// client reloads what it shows; the feed goes on live after it.
    Reset {
        /// Where a reconnect resumes.
        id: Uuid,
        reason: ResetReason,
        at: Ts,
    },
}

impl Item {
    fn reset(id: Uuid, reason: ResetReason) -> Self {
        Self::Reset {
            id,
            reason,
            at: crate::core::time::utc_now(),
        }
    }
}

fn in_scope(scope: Option<&HashSet<Uuid>>, e: &BusEvent) -> bool {
    scope.is_none_or(|s| e.unit_id.is_some_and(|u| s.contains(&u)))
}

/// The smallest UUIDv7 of the millisecond `ms`.
pub(super) fn floor_id(ms: u64) -> Uuid {
    let mut b = [0u8; 16];
    let be = ms.to_be_bytes();
    b[..6].copy_from_slice(&be[2..]);
    b[6] = 0x70;
    b[8] = 0x80;
    Uuid::from_bytes(b)
}

/// The smallest id of this moment.
fn now_id() -> Uuid {
    floor_id(u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0))
}

/// How far back a replay reaches: a client away longer reloads its view.
pub const REPLAY_MS: u64 = 3_600_000;

fn ms_of(id: Uuid) -> Option<u64> {
    id.get_timestamp().map(|t| {
        let (s, n) = t.to_unix();
        s * 1000 + u64::from(n / 1_000_000)
    })
}

/// Where a replay after `last` starts: 5 s before it, and no further back
/// than an hour; `None` when `last` is older than that (a reset).
fn replay_floor(last: Uuid) -> Option<Uuid> {
    let now_ms = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
    let last_ms = ms_of(last).unwrap_or(now_ms);
    let oldest = now_ms.saturating_sub(REPLAY_MS);
    (last_ms >= oldest).then(|| floor_id(last_ms.saturating_sub(5_000).max(oldest)))
}

/// Timeline entries after `after`, oldest first, as bus events; with a
/// scope (a unit's subtree), only its cases' entries, chosen by the
/// database.
pub(super) async fn timeline_after(
    state: &AppState,
    after: Uuid,
    scope: Option<&HashSet<Uuid>>,
    most: u64,
) -> anyhow::Result<Vec<BusEvent>> {
    let mut q = case_event::Entity::find().filter(case_event::Column::Id.gt(after));
    if let Some(units) = scope {
        let ours = sea_orm::sea_query::Query::select()
            .column(cases::Column::Id)
            .from(cases::Entity)
            .and_where(cases::Column::UnitId.is_in(units.iter().copied()))
            .to_owned();
        q = q.filter(case_event::Column::CaseId.in_subquery(ours));
    }
    let rows = q
        .order_by_asc(case_event::Column::Id)
        .limit(most)
        .all(&state.db)
        .await?;
    let ids: HashSet<Uuid> = rows.iter().map(|r| r.case_id).collect();
    let cases: HashMap<Uuid, cases::Model> = cases::Entity::find()
        .filter(cases::Column::Id.is_in(ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let c = cases.get(&r.case_id)?;
            Some(BusEvent {
                id: r.id,
                case_id: r.case_id,
                case_no: c.case_no.clone(),
                from: r.from_status,
                to: r.to_status,
                action: r.action,
                unit_id: c.unit_id,
                category_id: c.category_id,
                lat: c.lat,
                lng: c.lng,
                at: r.created_at,
            })
        })
        .collect())
}

/// How a replay ended.
struct Replayed {
    /// The ids sent (the bus will bring them again).
    sent: HashSet<Uuid>,
    /// The newest entry read.
    newest: Uuid,
    /// The subscriber is still there.
    open: bool,
}

/// Sends the timeline after `from` to `tx`, at most `feed_replay_rows`
/// entries of the scope (chosen by the database); more than that sends a
/// reset instead of the rest.
async fn replay(
    state: &AppState,
    scope: Option<&HashSet<Uuid>>,
    from: Uuid,
    tx: &mpsc::Sender<Item>,
) -> Replayed {
    const BATCH: usize = 2000;
    let most = state.config.limits.feed_replay_rows.max(1);
    let mut done = Replayed {
        sent: HashSet::new(),
        newest: from,
        open: true,
    };
    let mut read = 0;
    loop {
        // One more than is left shows whether there is more than that.
        let take = BATCH.min(most - read + 1);
        let batch = match timeline_after(state, done.newest, scope, take as u64).await {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "live feed: replay failed");
                return done;
            }
        };
        let full = batch.len() == take;
        let capped = read + batch.len() > most;
        let batch = &batch[..batch.len().min(most - read)];
        read += batch.len();
        for e in batch.iter().filter(|e| in_scope(scope, e)) {
            done.sent.insert(e.id);
            if tx.send(Item::Event(e.clone().into())).await.is_err() {
                done.open = false;
                return done;
            }
        }
        if let Some(last) = batch.last() {
            done.newest = last.id;
        }
        if capped {
            // More than one replay gives: the client reloads; live from now.
            done.newest = done.newest.max(now_id());
            let reset = Item::reset(done.newest, ResetReason::TooMany);
            done.open = tx.send(reset).await.is_ok();
            return done;
        }
        if !full {
            return done;
        }
    }
}

/// The feed of one subscriber.
pub fn stream(
    state: AppState,
    scope: Option<HashSet<Uuid>>,
    last: Option<Uuid>,
) -> BoxStream<'static, Item> {
    let (tx, rx) = mpsc::channel(256);
    tokio::spawn(async move {
        // Subscribe first, so that nothing falls between replay and live.
        let mut rx_bus = state.live.bus.subscribe();
        let mut sent = HashSet::new();
        // The newest event this feed has passed (sent, or out of scope):
        // where a replay after a lag starts.
        let mut high = last.unwrap_or_else(now_id);
        if let Some(l) = last {
            let Some(r) = catch_up(&state, scope.as_ref(), l, &tx).await else {
                return;
            };
            sent = r.sent;
            high = high.max(r.newest);
        }
        loop {
            let msg = tokio::select! {
                m = rx_bus.recv() => m,
                // The subscriber went away: stop listening now, not at the
                // next event.
                () = tx.closed() => return,
            };
            match msg {
                Ok(e) => {
                    high = high.max(e.id);
                    if sent.remove(&e.id) || !in_scope(scope.as_ref(), &e) {
                        continue;
                    }
                    if tx.send(Item::Event(e)).await.is_err() {
                        return;
                    }
                }
                Err(RecvError::Lagged(_)) => {
                    let Some(r) = catch_up(&state, scope.as_ref(), high, &tx).await else {
                        return;
                    };
                    sent = r.sent;
                    high = high.max(r.newest);
                }
                Err(RecvError::Closed) => return,
            }
        }
    });
    tokio_stream::wrappers::ReceiverStream::new(rx).boxed()
}

/// Replays what came after `last`, or resets when that is older than a
/// replay reaches; `None` when the subscriber went away.
async fn catch_up(
    state: &AppState,
    scope: Option<&HashSet<Uuid>>,
    last: Uuid,
    tx: &mpsc::Sender<Item>,
) -> Option<Replayed> {
    let r = match replay_floor(last) {
        Some(floor) => replay(state, scope, floor, tx).await,
        None => {
            let now = now_id();
            Replayed {
                sent: HashSet::new(),
                newest: now,
                open: tx.send(Item::reset(now, ResetReason::TooOld)).await.is_ok(),
            }
        }
    };
    r.open.then_some(r)
}
