//! The reports feature: its services and storage (its handlers are in the app crate).

mod duplicates;
pub mod error;
pub mod idempotency;
pub mod nearby;
pub mod submit;
pub mod views;
