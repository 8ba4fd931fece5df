//! The admin feature: its services and storage (its handlers are in the app crate).

pub mod accounts;
pub mod api_keys;
pub mod areas;
pub mod audit;
pub mod calendar;
pub mod categories;
pub mod codes;
pub mod error;
pub mod rules;
pub mod units;

pub use error::AdminError;
