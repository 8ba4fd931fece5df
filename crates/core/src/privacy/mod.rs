//! The privacy feature: its services and storage (its handlers are in the app crate).

pub mod error;
pub mod retention;
pub mod service;
