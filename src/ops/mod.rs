//! Operations endpoints: liveness, readiness, Prometheus metrics.

pub use suishoupai_core::ops::*;

pub mod body;
pub mod middleware;
pub mod server;

use crate::{
    api::Tag,
    error::{ApiError, ErrorBody, Res},
    state::AppState,
};
use poem::{Request, web::Data};
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    payload::{Json, PlainText},
};

/// Liveness.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct Health {
    /// Always `ok` when the process answers.
    pub status: String,
}

/// The state of each dependency.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct Readiness {
    /// `ok` when every part answers.
    pub status: String,
    /// `ok` or `unavailable`.
    pub database: String,
    /// `ok`, or `in-process` in the embedded default.
    pub redis: String,
    /// `ok` or `unavailable`.
    pub object_store: String,
}

impl From<service::Probed> for Readiness {
    fn from(p: service::Probed) -> Self {
        Self {
            status: if p.ok { "ok" } else { "unavailable" }.into(),
            database: p.database.into(),
            redis: p.redis.into(),
            object_store: p.object_store.into(),
        }
    }
}

#[derive(ApiResponse)]
pub enum ReadyResponse {
    /// Every dependency answers.
    #[oai(status = 200)]
    Ready(Json<Readiness>),
    /// At least one dependency does not answer.
    #[oai(status = 503)]
    NotReady(Json<Readiness>),
    /// Asked from outside the operations networks.
    #[oai(status = 403)]
    Refused(Json<ErrorBody>),
}

crate::error_set!(OpsErrors: 403);

/// Whether the caller is on one of `limits.ops_networks` (the client
/// address as `web::client_ip` finds it, behind trusted proxies too).
fn from_ops_network(state: &AppState, req: &Request) -> bool {
    let Ok(ip) = crate::web::client_ip(state, req).parse::<std::net::IpAddr>() else {
        return false;
    };
    state.ops.ops_networks.contains(ip)
}

fn refused() -> ApiError {
    ApiError::Forbidden("operations endpoints answer the operations networks only".into())
}

pub struct OpsApi;

#[OpenApi(tag = "Tag::Operations")]
impl OpsApi {
    /// Liveness
    #[oai(path = "/healthz", method = "get", operation_id = "healthz")]
    async fn healthz(&self) -> Json<Health> {
        Json(Health {
            status: "ok".into(),
        })
    }

    /// Readiness: database, Redis and object store reachable
    ///
    /// For load balancers and probes on `limits.ops_networks` (loopback
    /// and private ranges by default; others `403`). The parts are asked
    /// at most once a second per node, however many ask.
    #[oai(path = "/readyz", method = "get", operation_id = "readyz")]
    async fn readyz(&self, state: Data<&AppState>, req: &Request) -> ReadyResponse {
        if !from_ops_network(&state, req) {
            let e = refused();
            return ReadyResponse::Refused(Json(e.body("")));
        }
        let probed = service::readiness(&state).await;
        if probed.ok {
            ReadyResponse::Ready(Json(probed.into()))
        } else {
            ReadyResponse::NotReady(Json(probed.into()))
        }
    }

    /// Prometheus metrics
    ///
    /// Requests and latency by route and status, photos processed,
    /// abuse-limit rejections. For `limits.ops_networks` only (`403`).
    #[oai(path = "/metrics", method = "get", operation_id = "metrics")]
    async fn metrics(
        &self,
        state: Data<&AppState>,
        req: &Request,
    ) -> Res<PlainText<String>, OpsErrors> {
        if !from_ops_network(&state, req) {
            return Err(refused().into());
        }
        Ok(PlainText(state.metrics.render()))
    }
}
