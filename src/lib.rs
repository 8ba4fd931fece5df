//! Suishoupai (随手拍): the backend of a WeChat mini-program with which
//! citizens report urban-management problems, and the city gets each report
//! to the unit responsible until it is fixed and rated.

pub mod admin;
pub mod api;
pub mod auth;
pub mod board;
pub mod campaign;
pub mod cases;
pub mod categories;
pub mod command;
pub mod console;
pub mod content;
pub mod error;
pub mod live;
pub mod media;
pub mod open311;
pub mod ops;
pub mod points;
pub mod privacy;
pub mod reports;
pub mod volunteers;
pub mod web;

// What has no HTTP of its own is the core crate's, under the same paths.
pub use suishoupai_core::{
    audit, calendar, config, core, demo, geo, infra, notify, routing, spawn_jobs, state,
};

use anyhow::Context;
use config::Config;
use poem::{EndpointExt, Route};
use state::AppState;
use std::{future::Future, net::SocketAddr, time::Duration};

/// A built application: bound, migrated, ready to serve.
pub struct App {
    listener: tokio::net::TcpListener,
    pub addr: SocketAddr,
    pub state: AppState,
}

impl App {
    /// Connects everything, migrates, loads demo data into an empty embedded
    /// database, and binds the listener (port 0 picks a free port).
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        config.check()?;
        let config = config.with_embedded_secret()?;
        for addr in std::net::ToSocketAddrs::to_socket_addrs(&config.bind)
            .with_context(|| format!("bind address {}", config.bind))?
        {
            config.check_exposure(addr)?;
        }
        let state = suishoupai_core::start(config).await?;
        let listener = tokio::net::TcpListener::bind(state.config.bind.as_str())
            .await
            .with_context(|| format!("bind {}", state.config.bind))?;
        let addr = listener.local_addr().context("listener has no address")?;
        Ok(Self {
            listener,
            addr,
            state,
        })
    }

    /// Serves until `shutdown` resolves, then lets in-flight requests (photo
    /// uploads included) finish within the grace period.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let grace = Duration::from_secs(self.state.config.shutdown_grace_secs);
        let jobs = spawn_jobs(&self.state);
        let route = routes(self.state.clone());
        let limits = &self.state.config.limits;
        let timeouts = ops::server::Timeouts {
            header_read: Duration::from_secs(limits.header_read_secs.max(1)),
            idle: Duration::from_secs(limits.idle_secs.max(1)),
            grace,
        };
        let result = ops::server::serve(self.listener, route, shutdown, timeouts)
            .await
            .context("server");
        for j in jobs {
            j.abort();
        }
        result
    }
}

/// The whole HTTP surface.
pub fn routes(state: AppState) -> impl poem::Endpoint<Output = poem::Response> {
    let api = api::service();
    let spec = api::spec_json();
    // Swagger UI on the served spec (the filters expanded, the labels in),
    // not on poem-openapi's raw one.
    let ui = {
        let html = api.swagger_ui_html().replacen(&api.spec(), &spec, 1);
        poem::endpoint::make_sync(move |_| poem::web::Html(html.clone()))
    };
    let spec = poem::endpoint::make_sync(move |_| {
        poem::Response::builder()
            .content_type("application/json; charset=utf-8")
            .body(spec.clone())
    });
    Route::new()
        .at("/docs", ui)
        .nest("/console", console::routes())
        .at("/board", console::board)
        .at("/board/", console::board)
        .at("/openapi.json", spec)
        .nest("/", api)
        .data(state.clone())
        .with(ops::middleware::Observe { state })
}
