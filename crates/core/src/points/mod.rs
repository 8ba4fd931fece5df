//! The points feature: its services and storage (its handlers are in the app crate).

pub mod error;
pub mod ledger;
pub mod model;
pub mod rewards;
pub mod rules;
