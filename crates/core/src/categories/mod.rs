//! The categories feature: its services and storage (its handlers are in the app crate).

pub mod attributes;
pub mod catalog;
pub mod service;
pub mod store;
