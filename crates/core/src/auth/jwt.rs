//! Bearer tokens: HS256 JWTs carrying the user id and role.
//!
//! Two kinds: access tokens (sent on every request; citizens' live
//! `token_ttl_secs`, staff and unit accounts' `staff_token_ttl_secs`), and
//! for staff and unit accounts a refresh token that only `/auth/refresh`
//! takes, valid until the session's end (`staff_session_secs` after the
//! password login; refreshing does not extend it). Every token carries its
//! session's id (`sid`), which the server can end (`super::sessions`).

use super::Role;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a token may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// `Authorization: Bearer` on API calls.
    #[default]
    Access,
    /// Only for `POST /auth/refresh`.
    Refresh,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub role: Role,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<Uuid>,
    #[serde(default)]
    pub kind: TokenKind,
    pub iat: i64,
    /// When it was issued, in milliseconds (a password reset in the same
    /// second as a login must not revoke the new token); 0 in old tokens.
    #[serde(default)]
    pub iat_ms: i64,
    pub exp: i64,
    /// The session the token was issued from (`sessions`); none in tokens
    /// from before sessions were kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<Uuid>,
    /// A refresh token's own id: good once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<Uuid>,
}

impl Claims {
    /// When the token was issued, unix milliseconds.
    pub fn issued_ms(&self) -> i64 {
        if self.iat_ms > 0 {
            self.iat_ms
        } else {
            self.iat.saturating_mul(1000)
        }
    }
}

/// The lifetimes of issued tokens, in seconds.
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    /// Citizens' access tokens.
    pub citizen: u64,
    /// Staff and unit accounts' access tokens.
    pub staff: u64,
    /// A staff session: how long after a password login refresh works.
    pub staff_session: u64,
}

#[derive(Clone)]
pub struct JwtKeys {
    enc: EncodingKey,
    dec: DecodingKey,
    lifetimes: Lifetimes,
}

/// An issued token with its expiry (unix seconds).
pub struct Issued {
    pub token: String,
    pub exp: i64,
}

fn secs(s: u64) -> i64 {
    i64::try_from(s).unwrap_or(i64::MAX / 4)
}

impl JwtKeys {
    pub fn new(secret: &SecretString, lifetimes: Lifetimes) -> Self {
        let bytes = secret.expose_secret().as_bytes();
        Self {
            enc: EncodingKey::from_secret(bytes),
            dec: DecodingKey::from_secret(bytes),
            lifetimes,
        }
    }

    fn sign(&self, claims: &Claims) -> anyhow::Result<Issued> {
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.enc)?;
        Ok(Issued {
            token,
            exp: claims.exp,
        })
    }

    /// How long a new session lasts for the role, in seconds: a citizen's
    /// as long as its token, a staff one `staff_session_secs`.
    pub fn session_secs(&self, role: Role) -> i64 {
        secs(if role == Role::Citizen {
            self.lifetimes.citizen
        } else {
            self.lifetimes.staff_session
        })
    }

    /// An access token for the account, living as long as its role allows
    /// but never past the end of its session `(id, end)` when one is given.
    pub fn access(
        &self,
        sub: Uuid,
        role: Role,
        unit: Option<Uuid>,
        session: Option<(Uuid, i64)>,
    ) -> anyhow::Result<Issued> {
        let now_ms = chrono::Utc::now().timestamp_millis();
        let now = now_ms / 1000;
        let ttl = if role == Role::Citizen {
            self.lifetimes.citizen
        } else {
            self.lifetimes.staff
        };
        let exp = (now + secs(ttl)).min(session.map_or(i64::MAX, |s| s.1));
        self.sign(&Claims {
            sub,
            role,
            unit,
            kind: TokenKind::Access,
            iat: now,
            iat_ms: now_ms,
            exp,
            sid: session.map(|s| s.0),
            jti: None,
        })
    }

    /// The refresh token `jti` of a staff or unit account's session
    /// `(id, end)`, good until the session's end.
    pub fn refresh(
        &self,
        sub: Uuid,
        role: Role,
        (sid, end): (Uuid, i64),
        jti: Uuid,
    ) -> anyhow::Result<Issued> {
        let now_ms = chrono::Utc::now().timestamp_millis();
        self.sign(&Claims {
            sub,
            role,
            unit: None,
            kind: TokenKind::Refresh,
            iat: now_ms / 1000,
            iat_ms: now_ms,
            exp: end,
            sid: Some(sid),
            jti: Some(jti),
        })
    }

    /// The claims of a valid token of this kind.
    pub fn verify(&self, token: &str, kind: TokenKind) -> Option<Claims> {
        self.decode(token, kind, true)
    }

    /// The claims of a token this service signed, of this kind, even if it
    /// has expired: enough to name the session it belongs to, never to
    /// act as its holder.
    pub fn verify_any_age(&self, token: &str, kind: TokenKind) -> Option<Claims> {
        self.decode(token, kind, false)
    }

    fn decode(&self, token: &str, kind: TokenKind, check_expiry: bool) -> Option<Claims> {
        let mut v = Validation::new(Algorithm::HS256);
        v.leeway = 5;
        v.validate_exp = check_expiry;
        jsonwebtoken::decode::<Claims>(token, &self.dec, &v)
            .ok()
            .map(|d| d.claims)
            .filter(|c| c.kind == kind)
    }
}
