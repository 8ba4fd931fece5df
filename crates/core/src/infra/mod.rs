//! Infrastructure adapters: database, object store, shared state, the live
//! bus, metrics.

pub mod bus;
pub mod db;
pub mod db_error;
pub mod egress;
pub mod metrics;
pub mod networks;
pub mod settings;
pub mod shared;
pub mod slots;
pub mod snapshot;
pub mod store;

pub use db_error::DbError;
