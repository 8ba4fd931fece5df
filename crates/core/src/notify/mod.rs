//! Notifications through an outbox: a row written in the transaction of the
//! change it announces, delivered at least once by [`worker`] with retries
//! and backoff. Citizens get WeChat subscribe messages; units get a WeCom
//! group-robot markdown message or a JSON POST signed with HMAC.

pub mod context;
mod outbox;
pub mod wechat;
pub mod worker;

pub use outbox::*;
