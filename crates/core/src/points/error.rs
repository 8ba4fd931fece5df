//! Every way a points operation can fail; the app's `error` module
//! (`src/error/mapping.rs`) maps each to its HTTP status.

use crate::{
    core::{Forbidden, page::BadCursor},
    infra::DbError,
};

#[derive(Debug, thiserror::Error)]
pub enum PointsError {
    /// No such reward or code, or not offered (404).
    #[error("{what} not found")]
    NotFound { what: &'static str },
    /// The balance does not cover the cost (409).
    #[error("{name} costs {cost} points; the balance is {balance}")]
    InsufficientPoints {
        name: String,
        cost: i32,
        balance: i64,
    },
    /// None left (409).
    #[error("{name} is out of stock")]
    OutOfStock { name: String },
    /// Another reward has the name (409).
    #[error("a reward is already called {name}")]
    NameTaken { name: String },
    /// A name of spaces only (400).
    #[error("a reward needs a name")]
    InvalidName,
    /// The Idempotency-Key redeemed another reward (422).
    #[error("this Idempotency-Key was used to redeem another reward")]
    KeyReused,
    /// The code was checked off before (409).
    #[error("this code was checked off at {at}")]
    AlreadyUsed { at: String },
    #[error(transparent)]
    Cursor(#[from] BadCursor),
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

crate::db_err_into!(PointsError);
