//! Each request's token checked against its account: disabled, role, unit
//! and revocation are read through a per-node cache of at most
//! `account_cache_secs` (≤ 30 s), so a change made on any node reaches
//! every node within that time; the node that made it forgets at once.

use super::{Caller, Role, error::AuthError, jwt::Claims};
use entity::user;
use moka::sync::Cache;
use sea_orm::{DatabaseConnection, EntityTrait, QuerySelect};
use std::time::Duration;
use uuid::Uuid;

/// What a token is checked against.
#[derive(Debug, Clone)]
struct Standing {
    role: Role,
    unit_id: Option<Uuid>,
    disabled: bool,
    /// Unix milliseconds; tokens issued before are refused.
    valid_after: Option<i64>,
}

/// The per-node cache of account standings (`None`: no such account).
#[derive(Clone)]
pub struct AccountCheck {
    cache: Cache<Uuid, Option<Standing>>,
    /// Whether each session has ended (`super::sessions`).
    ended: Cache<Uuid, bool>,
}

impl AccountCheck {
    pub fn new(ttl: Duration) -> Self {
        Self {
            cache: Cache::builder()
                .max_capacity(200_000)
                .time_to_live(ttl)
                .build(),
            ended: Cache::builder()
                .max_capacity(200_000)
                .time_to_live(ttl)
                .build(),
        }
    }

    /// The caller a valid token stands for: the account's current role and
    /// unit (a change of either applies to tokens already issued).
    pub async fn caller(
        &self,
        db: &DatabaseConnection,
        claims: &Claims,
    ) -> Result<Caller, AuthError> {
        let standing = match self.cache.get(&claims.sub) {
            Some(s) => s,
            None => {
                let s = load(db, claims.sub).await?;
                self.cache.insert(claims.sub, s.clone());
                s
            }
        };
        let s = standing.ok_or(AuthError::AccountGone)?;
        if s.disabled {
            return Err(AuthError::TokenOfDisabled);
        }
        // Staff tokens from before short sessions (no `iat_ms`) lived 7
        // days: they end now.
        let old_staff_token = claims.iat_ms == 0 && s.role != Role::Citizen;
        if old_staff_token
            || s.valid_after
                .is_some_and(|after| claims.issued_ms() < after)
        {
            return Err(AuthError::TokenRevoked);
        }
        if let Some(sid) = claims.sid {
            let ended = match self.ended.get(&sid) {
                Some(e) => e,
                None => {
                    let e = super::sessions::ended(db, sid).await?;
                    self.ended.insert(sid, e);
                    e
                }
            };
            if ended {
                return Err(AuthError::SessionEnded);
            }
        }
        Ok(Caller {
            user_id: claims.sub,
            role: s.role,
            unit_id: s.unit_id,
        })
    }

    /// Forgets a session's state on this node (after ending it here).
    pub fn forget_session(&self, sid: Uuid) {
        self.ended.invalidate(&sid);
    }

    /// Forgets an account on this node (after a change made here).
    pub fn forget(&self, id: Uuid) {
        self.cache.invalidate(&id);
    }
}

async fn load(db: &DatabaseConnection, id: Uuid) -> Result<Option<Standing>, AuthError> {
    let row = user::Entity::find_by_id(id)
        .select_only()
        .columns([
            user::Column::Role,
            user::Column::UnitId,
            user::Column::Disabled,
            user::Column::TokensValidAfter,
        ])
        .into_tuple::<(
            Role,
            Option<Uuid>,
            bool,
            Option<chrono::DateTime<chrono::FixedOffset>>,
        )>()
        .one(db)
        .await?;
    let Some((role, unit_id, disabled, after)) = row else {
        return Ok(None);
    };
    Ok(Some(Standing {
        role,
        unit_id,
        disabled,
        valid_after: after.map(|t| t.timestamp_millis()),
    }))
}
