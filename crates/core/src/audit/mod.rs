//! The audit log (`api-docs/contract.md` §7): every staff and unit action, and every view of
//! a reporter's identity, with actor, time and reason; admins read it.

pub mod service;

pub use service::{Actor, record};
