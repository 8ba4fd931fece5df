//! The case (案卷) domain: statuses, case numbers, timeline events.

pub mod domain;
