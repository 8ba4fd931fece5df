//! The live feed of the command centre: every committed timeline entry, on
//! every node, as Server-Sent Events.

pub use suishoupai_core::live::*;

use crate::error::ErrorCode;
pub mod dto;

use crate::{
    api::Tag, auth::BearerAuth, error::ApiError, error::Res, state::AppState,
    web::enums::CoordSystem,
};
use dto::FeedMessage;
use futures_util::{StreamExt, stream::BoxStream};
use poem::web::Data;
use poem_openapi::{
    OpenApi,
    param::{Header, Query},
    payload::EventStream,
    types::ToJSON,
};
use uuid::Uuid;

pub struct LiveApi;

#[OpenApi(prefix_path = "/api/v1", tag = "Tag::CommandCentre")]
impl LiveApi {
    /// Live feed (Server-Sent Events)
    ///
    /// Every new case, status change, warning (预警), overdue mark (超期),
    /// accept-limit miss and escalation (督办) in the caller's scope (staff:
    /// the whole city; a unit member: its unit's subtree), within about a
    /// second of its commit on any node. Each SSE message has `event:` the
    /// kind and `id:` the timeline entry's id; a comment line is sent every
    /// 15 s as a heartbeat.
    ///
    /// Resuming: reconnect with `Last-Event-ID` (as EventSource does; a
    /// browser sends the bearer token through a fetch-based SSE client)
    /// and the feed first replays from the timeline what came after
    /// it, then goes on live. A replay reaches back an hour and reads at
    /// most `feed_replay_rows` (10,000) entries of the caller's scope;
    /// when it cannot give everything, it sends one `reset` message
    /// (`FeedReset`: reload the view) instead of the rest. Replay starts 5 s
    /// before the event named, since an entry committed a moment late can
    /// carry an earlier id: a client drops the ids it already has. A
    /// message the bus lost between nodes is found in the timeline within
    /// about four seconds. The scope is fixed when the feed opens; the feed
    /// ends when its token expires, or when the account is disabled, its
    /// sessions are ended, or its role or unit changes (within
    /// `account_cache_secs`): the client reconnects with a fresh token.
    #[oai(path = "/events", method = "get", operation_id = "liveEvents")]
    async fn events(
        &self,
        state: Data<&AppState>,
        req: &poem::Request,
        auth: BearerAuth,
        /// The id of the last event received, to resume after it.
        #[oai(name = "Last-Event-ID")]
        last_event_id: Header<Option<Uuid>>,
        /// Datum of the locations (default wgs84).
        #[oai(name = "coordSystem", default)]
        coord_system: Query<CoordSystem>,
    ) -> Res<EventStream<BoxStream<'static, FeedMessage>>, FeedErrors> {
        let most = state.config.limits.feeds_per_account;
        let slot = state
            .live
            .feed_slots
            .take(&auth.0.user_id.to_string(), most)
            .ok_or_else(|| ApiError::TooManyRequests {
                code: ErrorCode::TooManyFeeds,
                message: format!(
                    "this account has {most} live feeds open on this node; close one first"
                ),
                retry_after_secs: 5,
            })?;
        let scope = crate::cases::filter::scope(&state, &auth.0)?;
        let (here, system) = (state.clone(), coord_system.0);
        let stream = feed::stream(state.clone(), scope, last_event_id.0)
            // The slot is given back when the feed ends.
            .map(move |item| {
                let _held = &slot;
                FeedMessage::of(&here, item, system)
            });
        let token = req
            .header("authorization")
            .and_then(|h| h.get(7..))
            .unwrap_or_default()
            .to_owned();
        let stream = stream
            .take_until(standing_ends(state.clone(), token, auth.0))
            .boxed();
        Ok(EventStream::new(stream)
            .keep_alive(std::time::Duration::from_secs(15))
            .to_event(|e| {
                poem::web::sse::Event::message(e.to_json_string())
                    .id(e.id().to_string())
                    .event_type(e.kind().as_str())
            }))
    }
}

/// Resolves when the feed's caller stops standing as it stood at the
/// start: the token expired, or the account was disabled, revoked, or got
/// another role or unit.
async fn standing_ends(state: AppState, token: String, caller: crate::core::Caller) {
    use crate::auth::jwt::TokenKind;
    let Some(claims) = state.auth.jwt.verify(&token, TokenKind::Access) else {
        return;
    };
    let every = std::time::Duration::from_secs(state.config.account_cache_secs.clamp(1, 30));
    loop {
        let left = claims.exp - chrono::Utc::now().timestamp();
        if left <= 0 {
            return;
        }
        let left = std::time::Duration::from_secs(u64::try_from(left).unwrap_or(1));
        tokio::time::sleep(every.min(left)).await;
        match state.auth.accounts.caller(&state.db, &claims).await {
            Ok(now) if now.role == caller.role && now.unit_id == caller.unit_id => {}
            // A database that cannot be asked is not a revocation.
            Err(crate::auth::error::AuthError::Db(_)) => {}
            _ => return,
        }
    }
}

crate::error_set!(FeedErrors: 400, 401, 403, 429);
