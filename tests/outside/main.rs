//! What drives the app from outside its process: a real browser (the
//! console), the mini-program's pages under Node, real GeoReport clients
//! in Python, and server processes killed mid-way. `cargo test` runs it
//! with the rest; `cargo test --test outside` runs it alone.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod console;
mod crash;
mod georeport;
mod miniprogram;
