//! sea-orm entities for Suishoupai. Generated-style models only: no behaviour
//! lives here (services in the app crate own the rules).

pub mod area;
pub mod case_counter;
pub mod case_event;
pub mod cases;
pub mod category;
pub mod media;
pub mod routing_rule;
pub mod unit;
pub mod user;
