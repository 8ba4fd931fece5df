//! The content feature: its services and storage (its handlers are in the app crate).

pub mod checks;
pub mod error;
pub mod flags;
pub mod push;
pub mod wechat;

pub use checks::{PHOTO_JOB, Rejected, Subject, TEXT_JOB};
