//! The categories feature: its services and storage (its handlers are in the app crate).

pub mod service;
