//! The auth feature: its services and storage (its handlers are in the app crate).

pub mod accounts;
pub mod binding;
pub mod context;
pub mod error;
pub mod jwt;
pub mod password;
pub mod service;
pub mod sessions;
pub mod wechat;

pub use crate::core::{Caller, Role};
