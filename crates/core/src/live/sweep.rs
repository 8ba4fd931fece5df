//! The sweep: what the bus lost, found in the timeline. Redis pub/sub
//! delivers at most once: a message published while a node's subscription
//! reconnects, or that Redis refused, never reaches that node. Every two
//! seconds each node reads the timeline entries of the last few seconds
//! (one query per node, however many feeds it serves) and announces, on
//! this node only, those its bus did not carry. Entries younger than two
//! seconds are left for the next round, so that a message still on its way
//! is not announced twice.

use super::feed::{floor_id, timeline_after};
use crate::state::AppState;
use std::{
    collections::HashMap,
    time::{Duration, Instant},
};
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

/// How far back each round looks, and how long an id is remembered.
const WINDOW_MS: u64 = 12_000;
/// Entries younger than this are left for the next round.
const SETTLE_MS: u64 = 2_000;

pub async fn run(state: AppState, every: Duration) {
    let mut rx = state.live.bus.subscribe();
    let mut seen: HashMap<Uuid, Instant> = HashMap::new();
    loop {
        let wait = tokio::time::sleep(every);
        tokio::pin!(wait);
        loop {
            tokio::select! {
                m = rx.recv() => match m {
                    Ok(e) => { seen.insert(e.id, Instant::now()); }
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return,
                },
                () = &mut wait => break,
            }
        }
        let now_ms = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
        let settled = floor_id(now_ms.saturating_sub(SETTLE_MS));
        match timeline_after(
            &state,
            floor_id(now_ms.saturating_sub(WINDOW_MS)),
            None,
            2000,
        )
        .await
        {
            Ok(events) => {
                for e in events.into_iter().filter(|e| e.id < settled) {
                    if seen.insert(e.id, Instant::now()).is_none() {
                        tracing::debug!(event = %e.id, "live sweep: announcing an event the bus lost");
                        state.live.bus.announce_here(e);
                    }
                }
            }
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "live sweep failed"),
        }
        let keep = Duration::from_millis(WINDOW_MS * 2);
        seen.retain(|_, at| at.elapsed() < keep);
    }
}
