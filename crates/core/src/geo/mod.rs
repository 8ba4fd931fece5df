//! Coordinates and areas.

pub mod areas;
pub mod coords;
pub mod store;
