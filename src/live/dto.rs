//! The live feed's messages (Server-Sent Events), from what the feed
//! sends (`feed::Item`).

use super::feed::Item;
pub use super::feed::{FeedKind, ResetReason};
use crate::{
    core::Ts,
    geo::coords::{CoordSystem, Wgs84},
    state::AppState,
    web::dto::{CategoryRef, Location},
};
use poem_openapi::{Object, Union};
use uuid::Uuid;

/// One event of the live feed.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct FeedEvent {
    /// The timeline entry's id (UUIDv7, in time order); the SSE `id`.
    pub id: Uuid,
    pub kind: FeedKind,
    /// The timeline action.
    pub action: crate::core::EventAction,
    /// The case's id.
    pub case_id: Uuid,
    /// The case's number.
    pub case_no: String,
    /// The status before (none for a new case).
    #[oai(nullable)]
    pub from_status: Option<crate::web::enums::CaseStatus>,
    /// The status after.
    pub status: crate::web::enums::CaseStatus,
    /// The unit the case is dispatched to.
    #[oai(nullable)]
    pub unit_id: Option<Uuid>,
    pub category: CategoryRef,
    /// Where the case is, in the datum asked for.
    pub location: Location,
    /// When it happened.
    pub at: Ts,
}

/// The feed could not replay everything since `Last-Event-ID`: the client
/// reloads what it shows; the feed goes on live after this message.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct FeedReset {
    /// Where a reconnect resumes (the SSE `id`).
    pub id: Uuid,
    /// Always `reset`.
    pub kind: FeedKind,
    /// Why the replay could not give everything.
    pub reason: ResetReason,
    /// When the reset was sent.
    pub at: Ts,
}

/// A message of the live feed: a case's event, or a reset (`kind`).
#[derive(Debug, Clone, Union)]
pub enum FeedMessage {
    Event(FeedEvent),
    Reset(FeedReset),
}

impl FeedMessage {
    /// The SSE `id`.
    pub fn id(&self) -> Uuid {
        match self {
            Self::Event(e) => e.id,
            Self::Reset(r) => r.id,
        }
    }

    /// The SSE `event` type.
    pub fn kind(&self) -> FeedKind {
        match self {
            Self::Event(e) => e.kind,
            Self::Reset(r) => r.kind,
        }
    }
}

impl FeedMessage {
    /// The message of an item, its location in `system`.
    pub fn of(state: &AppState, item: Item, system: CoordSystem) -> Self {
        let e = match item {
            Item::Event(e) => e,
            Item::Reset { id, reason, at } => {
                return Self::Reset(FeedReset {
                    id,
                    kind: FeedKind::Reset,
                    reason,
                    at,
                });
            }
        };
        Self::Event(FeedEvent {
            id: e.id,
            kind: FeedKind::of(e.action, e.from, e.to),
            action: e.action,
            case_id: e.case_id,
            case_no: e.case_no.clone(),
            from_status: e.from,
            status: e.to,
            unit_id: e.unit_id,
            category: CategoryRef::of(&state.categories.get(), e.category_id),
            location: Location::of(Wgs84::from_stored(e.lat, e.lng), system),
            at: e.at,
        })
    }
}
