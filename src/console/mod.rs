//! The staff console at `/console/`: a single-page app (Vue, Leaflet,
//! ECharts from the npm registry) that `build.rs` builds with Vite and this
//! module embeds, so the binary alone serves it, same origin as the API.
//!
//! `index.html` is never cached (a new release is picked up at the next
//! load); the hashed files under `assets/` are immutable. `settings.json`
//! carries the basemap configuration. Every answer forbids framing and
//! carries a Content-Security-Policy that allows scripts from this origin
//! only; images may come from elsewhere (tiles, photos signed by an S3
//! store).

use crate::{config::ConsoleConfig, state::AppState};
use poem::{
    Endpoint, IntoResponse, Response, Route, handler,
    http::{StatusCode, header},
    web::{Data, Json, Path},
};

mod assets {
    include!(concat!(env!("OUT_DIR"), "/console_assets.rs"));
}

/// The routes under `/console`.
pub fn routes() -> impl Endpoint {
    Route::new()
        .at("/settings.json", settings)
        .at("/*path", file)
}

/// A file by its path; the empty path (`/console/`) is the page.
#[handler]
fn file(Path(path): Path<String>) -> Response {
    serve(if path.is_empty() { "index.html" } else { &path }).unwrap_or_else(not_found)
}

/// What the console needs to know besides the API: the basemap.
#[handler]
fn settings(state: Data<&AppState>) -> Json<ConsoleConfig> {
    Json(state.config.console.clone())
}

fn serve(path: &str) -> Option<Response> {
    let (_, bytes) = assets::FILES.iter().find(|(p, _)| *p == path)?;
    let cache = if path.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    Some(
        Response::builder()
            .header(header::CONTENT_TYPE, mime(path))
            .header(header::CACHE_CONTROL, cache)
            .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
            .header(header::X_FRAME_OPTIONS, "DENY")
            .header(header::REFERRER_POLICY, "same-origin")
            .header(
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                 img-src 'self' data: blob: https: http:; connect-src 'self'; \
                 font-src 'self' data:; object-src 'none'; base-uri 'self'; \
                 frame-ancestors 'none'",
            )
            .body(*bytes),
    )
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(serde_json::json!({"code": "not_found", "message": "no such console file"})),
    )
        .into_response()
}

fn mime(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "woff2" => "font/woff2",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}
