//! The outermost layer: request ids, access logs, metrics, body limits, and
//! the conversion of every error (ours, poem's parse errors, unknown routes,
//! panics) into the JSON error body.

use crate::error::ErrorCode;
use crate::{error::ApiError, state::AppState};
use futures_util::FutureExt;
use poem::{Endpoint, IntoResponse, Middleware, Request, Response, Result, http::StatusCode};
use std::{panic::AssertUnwindSafe, time::Instant};
use tracing::Instrument;

pub struct Observe {
    pub state: AppState,
}

impl<E: Endpoint> Middleware<E> for Observe {
    type Output = ObserveEndpoint<E>;
    fn transform(&self, ep: E) -> Self::Output {
        ObserveEndpoint {
            inner: ep,
            state: self.state.clone(),
        }
    }
}

pub struct ObserveEndpoint<E> {
    inner: E,
    state: AppState,
}

impl<E: Endpoint> Endpoint for ObserveEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> Result<Self::Output> {
        let request_id = uuid::Uuid::now_v7().to_string();
        let method = req.method().to_string();
        let path = req.uri().path().to_owned();
        let span = tracing::info_span!("request", id = %request_id, %method, %path);
        let started = Instant::now();
        let state = &self.state;
        async move {
            let resp = match super::body::admit(state, &mut req) {
                Err(refused) => Ok(refused.to_response(&request_id)),
                Ok(bound) => {
                    let r = match AssertUnwindSafe(self.inner.call(req)).catch_unwind().await {
                        Ok(Ok(r)) => Ok(r.into_response()),
                        Ok(Err(e)) => Err(e),
                        Err(_) => {
                            Err(ApiError::Internal(anyhow::anyhow!("handler panicked")).into())
                        }
                    };
                    // Whatever the handler made of a cut body, the answer is
                    // the cut's (413 or 503); the budget bytes are given back.
                    match bound.finish() {
                        Some(cut) => Ok(cut.to_response(&request_id)),
                        None => r,
                    }
                }
            };
            let mut resp = match resp {
                Ok(r) => r,
                Err(e) => render_error(e, &request_id),
            };
            if path.starts_with("/open311/") {
                resp = crate::open311::wire::rewrite_error(&path, resp).await;
            }
            if let Ok(v) = request_id.parse() {
                resp.headers_mut().insert("x-request-id", v);
            }
            if resp.status() == StatusCode::METHOD_NOT_ALLOWED
                && let Some(v) = allowed_methods(&path).and_then(|a| a.parse().ok())
            {
                resp.headers_mut().insert("allow", v);
            }
            let route = resp
                .extensions()
                .get::<poem_openapi::OperationId>()
                .map_or_else(|| "unmatched".to_owned(), |o| o.0.to_owned());
            let status = resp.status().as_u16().to_string();
            let elapsed = started.elapsed();
            state
                .metrics
                .http_requests
                .with_label_values(&[&route, &method, &status])
                .inc();
            state
                .metrics
                .http_latency
                .with_label_values(&[&route, &method, &status])
                .observe(elapsed.as_secs_f64());
            tracing::info!(
                status = resp.status().as_u16(),
                route,
                ms = elapsed.as_millis() as u64,
                "done"
            );
            Ok(resp)
        }
        .instrument(span)
        .await
    }
}

/// The methods the spec has for a path (`GET, POST`), for the `Allow`
/// header of a 405, as RFC 9110 asks.
fn allowed_methods(path: &str) -> Option<String> {
    static ROUTES: std::sync::OnceLock<Vec<(Vec<String>, String)>> = std::sync::OnceLock::new();
    let routes = ROUTES.get_or_init(|| {
        let spec: serde_json::Value =
            serde_json::from_str(&crate::api::spec_json()).unwrap_or_default();
        let Some(paths) = spec["paths"].as_object() else {
            return vec![];
        };
        paths
            .iter()
            .map(|(template, ops)| {
                let segments = template.split('/').map(str::to_owned).collect();
                let methods = ops
                    .as_object()
                    .map(|o| {
                        o.keys()
                            .map(|m| m.to_uppercase())
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default();
                (segments, methods)
            })
            .collect()
    });
    let asked: Vec<&str> = path.split('/').collect();
    // The most literal template that matches, as the router picks it.
    routes
        .iter()
        .filter(|(segments, _)| {
            segments.len() == asked.len()
                && segments
                    .iter()
                    .zip(&asked)
                    .all(|(s, a)| s.starts_with('{') || s == a)
        })
        .min_by_key(|(segments, _)| segments.iter().filter(|s| s.starts_with('{')).count())
        .map(|(_, methods)| methods.clone())
}

/// Turns any error into the JSON error body; logs 5xx causes with the id.
fn render_error(e: poem::Error, request_id: &str) -> Response {
    if let Some(api) = e.downcast_ref::<ApiError>() {
        if let ApiError::Internal(cause) = api {
            tracing::error!(request_id, error = %format!("{cause:#}"), "internal error");
        }
        return api.to_response(request_id);
    }
    let status = e.status();
    let message = e.to_string();
    let api = match status {
        StatusCode::NOT_FOUND => ApiError::NotFound("route not found".into()),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::BadRequest {
            code: ErrorCode::MethodNotAllowed,
            message: "this method is not allowed on this route".into(),
            details: None,
        },
        StatusCode::UNAUTHORIZED => ApiError::unauthorized("a bearer token is required"),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge(message),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMedia {
            code: ErrorCode::UnsupportedContentType,
            message,
        },
        s if s.is_client_error() => ApiError::BadRequest {
            code: ErrorCode::InvalidRequest,
            message,
            details: None,
        },
        _ => ApiError::Internal(anyhow::anyhow!("{message}")),
    };
    if let ApiError::Internal(cause) = &api {
        tracing::error!(request_id, error = %cause, "internal error");
    }
    let mut resp = api.to_response(request_id);
    if status == StatusCode::METHOD_NOT_ALLOWED {
        resp.set_status(StatusCode::METHOD_NOT_ALLOWED);
    }
    resp
}
