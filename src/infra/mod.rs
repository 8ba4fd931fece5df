//! Infrastructure adapters: database, object store, shared state, metrics.

pub mod db;
pub mod metrics;
pub mod shared;
pub mod store;
