//! The open311 feature: its services and storage (its handlers are in the app crate).

pub mod error;
pub mod service;
