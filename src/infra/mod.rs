//! Infrastructure adapters: database, object store, shared state, metrics.

pub mod db;
pub mod metrics;
pub mod settings;
pub mod shared;
pub mod snapshot;
pub mod store;
pub mod time;
