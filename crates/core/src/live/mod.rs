//! The live feature: its services and storage (its handlers are in the app crate).

pub mod context;
pub mod feed;
pub mod sweep;
