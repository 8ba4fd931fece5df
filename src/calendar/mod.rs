//! The working calendar: the pure domain (working hours, holidays, 调休,
//! deadline arithmetic) and its storage in the database.

pub mod domain;
pub mod store;

pub use domain::{CalendarError, HolidayYear, SHIPPED, WorkCalendar};
