//! The cases feature: its services and storage (its handlers are in the app crate).

pub mod clock;
pub mod context;
pub mod error;
pub mod filter;
pub mod numbers;
pub mod publication;
pub mod repo;
pub mod scheduler;
pub mod service;
pub mod views;

/// The typed case and the pure transition core, from the `domain` crate.
pub use domain::case::{model, transition};
