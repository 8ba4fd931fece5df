//! Routing (派单): which unit is responsible for a category at a place.
//! Rules map (category, area) to a unit; the most specific area wins, then
//! the most specific category (小类, then its 大类, then any); a city-wide
//! rule (no area) is the fallback. Units and rules live in a snapshot that
//! every node reloads when they change.

mod directory;
pub mod store;

pub use directory::*;
