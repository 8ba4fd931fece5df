//! Abuse limits and the bounds on what one client may hold.

use serde::{Deserialize, Serialize};

/// Abuse limits: events allowed per minute, per user and per client IP.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RateLimits {
    /// Login attempts per client IP, successful or not (a flood limit).
    pub login_per_ip: u32,
    /// Failed password logins per (username, client IP) a minute before
    /// that pair is locked for a while; successes never count, so nobody
    /// can lock another person out from elsewhere.
    pub login_failures_per_user_ip: u32,
    /// Failed password logins per client IP, whatever the username
    /// (slows credential stuffing from one address).
    pub login_failures_per_ip: u32,
    /// Failed logins per minute for one username from all addresses
    /// together (a guesser with many addresses); past it the account's
    /// password logins wait (`429`), from every address except those it
    /// logged in from in the last 30 days.
    pub login_failures_per_user: u32,
    /// Password checks (Argon2, about 19 MiB each) running at once on this
    /// node; past it a login waits `password_check_wait_ms`, then is 503.
    pub password_checks_at_once: usize,
    pub password_check_wait_ms: u64,
    pub upload_per_user: u32,
    pub upload_per_ip: u32,
    pub report_per_user: u32,
    pub report_per_ip: u32,
    /// The reverse proxies in front of the nodes (IPs or CIDRs). A request
    /// from one of them is attributed to the rightmost X-Forwarded-For
    /// address that is not itself a trusted proxy; anything left of it was
    /// written by the client and is ignored. Empty: the peer address.
    pub trusted_proxies: Vec<String>,
    /// Seconds a client gets to send a request head (and an HTTP/1.1
    /// keep-alive connection may wait for its next one).
    pub header_read_secs: u64,
    /// Seconds a connection may move no byte either way before it is closed.
    pub idle_secs: u64,
    /// Seconds a request body may send nothing while it is being read, in
    /// any request state (a handler waiting for it too): `408 body_timeout`.
    pub body_idle_secs: u64,
    /// The slowest a body may arrive on average, bytes per second, after
    /// a first `body_idle_secs`: a 15 MiB photo at the default 16 KiB/s
    /// gets 15 + 960 s. Slower is `408 body_timeout`.
    pub body_min_bytes_per_sec: u64,
    /// Photo uploads (and Open311 posts with a photo) one client address
    /// may have in flight at once on a node; more is `429 too_many_uploads`.
    pub uploads_per_address: u32,
    /// Live feeds (`/events`) one account may hold open on a node; more is
    /// `429 too_many_feeds` (a console tab holds one).
    pub feeds_per_account: u32,
    /// Timeline entries a feed's replay after `Last-Event-ID` reads at
    /// most (in the caller's scope); past it the feed sends `reset` and
    /// goes on live, and the client reloads its view.
    pub feed_replay_rows: usize,
    /// Case exports (CSV, XLSX) a node runs at once; more is `503
    /// export_busy`. Each account runs one at a time (`429`).
    pub exports_at_once: usize,
    /// Open311 reads (requests, a request, a token) per client address a
    /// minute; they need no key.
    pub open311_reads_per_ip: u32,
    /// Who may ask `/readyz` and `/metrics` (IPs or CIDRs, matched against
    /// the client address): loopback and private ranges by default.
    pub ops_networks: Vec<String>,
}
