//! The working calendar: the pure domain (working hours, holidays, 调休,
//! deadline arithmetic, in the `domain` crate) and its storage in the
//! database.

pub use ::domain::calendar as domain;
pub mod store;

pub use ::domain::calendar::{CalendarError, HolidayYear, SHIPPED, WorkCalendar};
