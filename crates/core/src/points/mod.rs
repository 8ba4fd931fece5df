//! The points feature: its services and storage (its handlers are in the app crate).

pub mod error;
pub mod ledger;
pub mod rewards;
pub mod rules;
