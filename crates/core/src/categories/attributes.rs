//! A 小类's extra questions (its Open311 service definition), from the
//! domain crate (`domain::attributes`).

pub use domain::attributes::*;
