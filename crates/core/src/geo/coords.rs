//! Coordinates: the datum a client speaks and the validated WGS-84 point,
//! from the domain crate (`domain::geo`).

pub use domain::geo::*;
