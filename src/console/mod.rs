//! The staff console at `/console/`: a single-page app (Vue, Leaflet,
//! ECharts from the npm registry) that `build.rs` builds with Vite and this
//! module embeds, so the binary alone serves it, same origin as the API.
//!
//! `index.html` is never cached (a new release is picked up at the next
//! load); the hashed files under `assets/` are immutable. `settings.json`
//! carries the basemap configuration. Every answer forbids framing and
//! carries a Content-Security-Policy that allows scripts and connections
//! to this origin only, and images from here, the configured tile host and
//! `public_url` (where signed photo URLs point).

use crate::{
    config::{Config, ConsoleConfig},
    state::AppState,
};
use poem::{
    Endpoint, IntoResponse, Response, Route, handler,
    http::{StatusCode, header},
    web::{Data, Json, Path},
};

mod assets {
    include!(concat!(env!("OUT_DIR"), "/console_assets.rs"));
}

/// The public board's page at `/board/` (曝光台, 红黑榜, 文明瞬间): for
/// anyone on a phone, from a 公众号 menu or a poster's QR code; the same
/// build as the console, its scripts under `/console/assets/`.
#[handler]
pub fn board(state: Data<&AppState>) -> Response {
    serve("board.html", &csp(&state.config)).unwrap_or_else(not_found)
}

/// The routes under `/console`.
pub fn routes() -> impl Endpoint {
    Route::new()
        .at("/settings.json", settings)
        .at("/*path", file)
}

/// A file by its path; the empty path (`/console/`) is the page.
#[handler]
fn file(Path(path): Path<String>, state: Data<&AppState>) -> Response {
    let path = if path.is_empty() { "index.html" } else { &path };
    serve(path, &csp(&state.config)).unwrap_or_else(not_found)
}

/// The page's Content-Security-Policy.
fn csp(c: &Config) -> String {
    let mut img = vec!["'self'".to_owned(), "data:".into(), "blob:".into()];
    img.extend(c.console.tile_url.as_deref().and_then(origin));
    img.extend(origin(&c.public_url));
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
         img-src {}; connect-src 'self'; font-src 'self' data:; object-src 'none'; \
         base-uri 'self'; frame-ancestors 'none'",
        img.join(" ")
    )
}

/// `scheme://host[:port]` of a URL or tile template; a `{s}` subdomain
/// becomes a `*.` wildcard (`https://t{s}.tianditu.gov.cn/…` →
/// `https://*.tianditu.gov.cn`).
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url
        .split_once("://")
        .filter(|(s, _)| matches!(*s, "http" | "https"))?;
    let host = rest.split(['/', '?']).next().filter(|h| !h.is_empty())?;
    let host = match host.split_once('.') {
        Some((first, tail)) if first.contains('{') => format!("*.{tail}"),
        _ => host.to_owned(),
    };
    (!host.contains(['{', '}', ' ', ';', '\''])).then(|| format!("{scheme}://{host}"))
}

/// What the console needs to know besides the API: the basemap.
#[handler]
fn settings(state: Data<&AppState>) -> Json<ConsoleConfig> {
    Json(state.config.console.clone())
}

fn serve(path: &str, csp: &str) -> Option<Response> {
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
            .header(header::CONTENT_SECURITY_POLICY, csp)
            .body(*bytes),
    )
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(serde_json::json!({"code": crate::error::ErrorCode::NotFound, "message": "no such console file"})),
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
