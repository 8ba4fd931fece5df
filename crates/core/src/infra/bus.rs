//! The live bus: every committed timeline entry, announced to every node.
//! Redis pub/sub in production (each node publishes to one channel and
//! listens on it, its own messages included); an in-process broadcast in
//! the embedded default. A message lost in transit is not lost for good:
//! the timeline is the source, and a feed resumes from it.

use crate::core::{CaseStatus, Ts};
use anyhow::Context;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use std::{sync::Arc, time::Duration};
use tokio::sync::{broadcast, mpsc};
use uuid::Uuid;

/// One timeline entry as the bus carries it (WGS-84).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BusEvent {
    /// The timeline entry's id (UUIDv7).
    pub id: Uuid,
    pub case_id: Uuid,
    pub case_no: String,
    /// The timeline action (its stored word on the wire).
    pub action: crate::core::EventAction,
    pub from: Option<CaseStatus>,
    pub to: CaseStatus,
    pub unit_id: Option<Uuid>,
    pub category_id: Uuid,
    pub lat: f64,
    pub lng: f64,
    pub at: Ts,
}

/// How many events a slow subscriber may fall behind before it is told
/// it lagged (and resumes from the timeline).
const BACKLOG: usize = 4096;

#[derive(Clone)]
pub struct LiveBus {
    tx: broadcast::Sender<Arc<BusEvent>>,
    /// To the publisher task (Redis only), which keeps commits in order
    /// and never holds up a request.
    outbox: Option<mpsc::Sender<Vec<BusEvent>>>,
}

/// Batches of events waiting for Redis; past this, they go out on this
/// node only (the other nodes' sweeps pick them up from the timeline).
const OUTBOX: usize = 10_000;

impl LiveBus {
    /// The in-process bus, or the Redis one (which starts its listener and
    /// its publisher).
    pub async fn start(redis_url: Option<&str>, prefix: &str) -> anyhow::Result<Self> {
        let (tx, _) = broadcast::channel(BACKLOG);
        let Some(url) = redis_url else {
            return Ok(Self { tx, outbox: None });
        };
        let client = redis::Client::open(url).context("parse redis url")?;
        let cfg = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(3)))
            .set_response_timeout(Some(Duration::from_secs(3)));
        let conn = client
            .get_connection_manager_with_config(cfg)
            .await
            .context("connect to redis (live bus)")?;
        let channel = format!("{prefix}live");
        let (out_tx, out_rx) = mpsc::channel(OUTBOX);
        tokio::spawn(listen(client, channel.clone(), tx.clone()));
        tokio::spawn(publish_all(conn, channel, out_rx, tx.clone()));
        Ok(Self {
            tx,
            outbox: Some(out_tx),
        })
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<BusEvent>> {
        self.tx.subscribe()
    }

    /// Announces events on this node only (the sweep's recoveries).
    pub fn announce_here(&self, e: BusEvent) {
        // No subscriber is not an error.
        let _ = self.tx.send(Arc::new(e));
    }

    /// Announces committed events. Never fails nor waits: the change is
    /// committed, and what the bus loses the sweep finds in the timeline.
    pub fn publish(&self, events: Vec<BusEvent>) {
        if events.is_empty() {
            return;
        }
        match &self.outbox {
            None => events.into_iter().for_each(|e| self.announce_here(e)),
            Some(out) => {
                if let Err(e) = out.try_send(events) {
                    tracing::warn!("live bus: publisher behind; announcing on this node only");
                    let (mpsc::error::TrySendError::Full(events)
                    | mpsc::error::TrySendError::Closed(events)) = e;
                    events.into_iter().for_each(|e| self.announce_here(e));
                }
            }
        }
    }
}

/// Publishes each batch to Redis, in commit order; a batch Redis refuses
/// goes out on this node only.
async fn publish_all(
    conn: redis::aio::ConnectionManager,
    channel: String,
    mut rx: mpsc::Receiver<Vec<BusEvent>>,
    tx: broadcast::Sender<Arc<BusEvent>>,
) {
    while let Some(events) = rx.recv().await {
        let mut c = conn.clone();
        let sent = match serde_json::to_string(&events) {
            Ok(body) => redis::cmd("PUBLISH")
                .arg(&channel)
                .arg(body)
                .query_async::<i64>(&mut c)
                .await
                .map_err(anyhow::Error::from),
            Err(e) => Err(e.into()),
        };
        if let Err(e) = sent {
            tracing::warn!(error = %e, "live bus: publish failed; announcing on this node only");
            for e in events {
                let _ = tx.send(Arc::new(e));
            }
        }
    }
}

/// Listens on the channel for ever, reconnecting after a second when Redis
/// goes away.
async fn listen(client: redis::Client, channel: String, tx: broadcast::Sender<Arc<BusEvent>>) {
    loop {
        match client.get_async_pubsub().await {
            Ok(mut ps) => match ps.subscribe(&channel).await {
                Ok(()) => {
                    let mut stream = ps.on_message();
                    while let Some(msg) = stream.next().await {
                        let Ok(body) = msg.get_payload::<String>() else {
                            continue;
                        };
                        match serde_json::from_str::<Vec<BusEvent>>(&body) {
                            Ok(events) => {
                                for e in events {
                                    let _ = tx.send(Arc::new(e));
                                }
                            }
                            Err(e) => tracing::warn!(error = %e, "live bus: bad message"),
                        }
                    }
                    tracing::warn!("live bus: subscription ended; reconnecting");
                }
                Err(e) => tracing::warn!(error = %e, "live bus: subscribe failed"),
            },
            Err(e) => tracing::warn!(error = %e, "live bus: connect failed"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
