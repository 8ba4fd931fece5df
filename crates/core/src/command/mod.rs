//! The command feature: its services and storage (its handlers are in the app crate).

pub mod context;
pub mod export;
pub mod export_rows;
pub mod index;
pub mod map;
mod mercator;
pub mod period;
pub mod seed;
pub mod service;
pub mod stats;
