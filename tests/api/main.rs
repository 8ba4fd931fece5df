//! The black-box suite: each test starts the app on port 0 with state of
//! its own and speaks HTTP to it, on the embedded backends or on the real
//! parts named by `TEST_DATABASE_URL`, `TEST_REDIS_URL`, `TEST_S3_ENDPOINT`
//! (`common`). One binary, one link; a module per feature.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod accounts;
mod admin;
mod auth;
mod board;
mod campaign;
mod cases;
mod command;
mod content;
mod field;
mod follow;
mod media;
mod nodes;
mod notify;
mod open311;
mod ops;
mod points;
mod privacy;
mod reports;
mod s3;
mod scheduler;
mod vocabulary;
mod volunteer_work;
mod volunteers;
