//! Prometheus metrics, one registry per app instance (nothing global, so
//! several apps in one test process do not mix their counts).

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, Opts, Registry, TextEncoder,
};

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    pub http_requests: IntCounterVec,
    pub http_latency: HistogramVec,
    pub photos: IntCounterVec,
    pub rate_limited: IntCounterVec,
    pub notifications: IntCounterVec,
    pub case_timers: IntCounterVec,
    /// Content-security verdicts by subject and outcome.
    pub content_checks: IntCounterVec,
    /// SQL statements sent to the database (all nodes' pools count their own).
    pub db_statements: IntCounter,
    /// Case index loads by source (snapshot, database) and snapshots
    /// written by outcome.
    pub case_index: IntCounterVec,
}

impl Metrics {
    pub fn new() -> anyhow::Result<Self> {
        let registry = Registry::new_custom(Some("suishoupai".into()), None)?;
        let http_requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by route, method and status",
            ),
            &["route", "method", "status"],
        )?;
        let http_latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP latency by route").buckets(
                vec![
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ],
            ),
            &["route", "method", "status"],
        )?;
        let photos = IntCounterVec::new(
            Opts::new("photos_processed_total", "Uploaded photos by outcome"),
            &["outcome"],
        )?;
        let rate_limited = IntCounterVec::new(
            Opts::new(
                "rate_limit_rejections_total",
                "Requests refused by abuse limits",
            ),
            &["scope"],
        )?;
        let notifications = IntCounterVec::new(
            Opts::new(
                "notifications_total",
                "Notification delivery attempts by kind and outcome",
            ),
            &["kind", "outcome"],
        )?;
        let case_timers = IntCounterVec::new(
            Opts::new(
                "case_timers_fired_total",
                "Deadline events fired by the scheduler (warning, overdue, escalation)",
            ),
            &["event"],
        )?;
        let content_checks = IntCounterVec::new(
            Opts::new(
                "content_checks_total",
                "WeChat content-security verdicts by subject and outcome (pass, review, risky, unreachable)",
            ),
            &["subject", "outcome"],
        )?;
        registry.register(Box::new(content_checks.clone()))?;
        let db_statements = IntCounter::new(
            "db_statements_total",
            "SQL statements sent to the database by this node",
        )?;
        registry.register(Box::new(db_statements.clone()))?;
        let case_index = IntCounterVec::new(
            Opts::new(
                "case_index_total",
                "Case index loads by source (load_snapshot, load_database) and snapshots written (save_ok, save_failed)",
            ),
            &["event"],
        )?;
        registry.register(Box::new(case_index.clone()))?;
        registry.register(Box::new(notifications.clone()))?;
        registry.register(Box::new(case_timers.clone()))?;
        registry.register(Box::new(http_requests.clone()))?;
        registry.register(Box::new(http_latency.clone()))?;
        registry.register(Box::new(photos.clone()))?;
        registry.register(Box::new(rate_limited.clone()))?;
        Ok(Self {
            registry,
            http_requests,
            http_latency,
            photos,
            rate_limited,
            notifications,
            content_checks,
            case_timers,
            db_statements,
            case_index,
        })
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        if TextEncoder::new()
            .encode(&self.registry.gather(), &mut buf)
            .is_err()
        {
            return String::new();
        }
        String::from_utf8(buf).unwrap_or_default()
    }
}
