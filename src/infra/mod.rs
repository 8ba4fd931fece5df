//! Infrastructure adapters: database, object store, shared state, metrics.

pub mod db;
pub mod db_error;
pub mod egress;
pub mod metrics;
pub mod settings;
pub mod shared;
pub mod snapshot;
pub mod store;

pub use db_error::DbError;
