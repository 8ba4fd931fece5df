//! The media feature: its services and storage (its handlers are in the app crate).

pub mod context;
pub mod pipeline;
pub mod review;
pub mod service;
pub mod stored;
