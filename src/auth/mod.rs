//! Authentication: WeChat login for citizens, password login for staff and
//! unit accounts, dev login in the embedded default; bearer JWTs; `/me`.

pub use suishoupai_core::auth::*;

use crate::{
    api::Tag,
    error::{ApiError, Res},
    state::AppState,
    web,
};
use poem::Request;
use poem_openapi::{Object, OpenApi, SecurityScheme, auth::Bearer, payload::Json};
use uuid::Uuid;

/// A JWT from one of the `/auth/*` endpoints, as `Authorization: Bearer <token>`.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", bearer_format = "JWT", checker = "check_bearer")]
pub struct BearerAuth(pub Caller);

async fn check_bearer(req: &Request, bearer: Bearer) -> poem::Result<Caller> {
    let state = req
        .data::<AppState>()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("app state missing")))?;
    let claims = state
        .auth
        .jwt
        .verify(&bearer.token, jwt::TokenKind::Access)
        .ok_or_else(|| ApiError::unauthorized("the bearer token is invalid or expired"))?;
    Ok(state
        .auth
        .accounts
        .caller(&state.db, &claims)
        .await
        .map_err(ApiError::from)?)
}

/// WeChat login: the code from `wx.login()`.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct WechatLogin {
    /// The temporary code returned by `wx.login()`.
    #[oai(validator(min_length = 1, max_length = 128))]
    pub code: String,
}

/// Binding a unit account to a WeChat: the code from `wx.login()` and the
/// account's password, given again.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct BindWechat {
    /// The temporary code returned by `wx.login()`.
    #[oai(validator(min_length = 1, max_length = 128))]
    pub code: String,
    /// The account's password (a token alone does not bind).
    #[oai(validator(min_length = 1, max_length = 256))]
    pub password: String,
}

/// Development login (embedded default only): any openid becomes a citizen.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct DevLogin {
    #[oai(validator(min_length = 1, max_length = 64))]
    /// Any string; it becomes the test citizen's openid.
    pub openid: String,
}

/// Staff or unit account login.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct PasswordLogin {
    #[oai(validator(min_length = 1, max_length = 64))]
    /// Account name.
    pub username: String,
    #[oai(validator(min_length = 1, max_length = 256))]
    /// Account password.
    pub password: String,
}

/// A staff session's refresh token.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct RefreshRequest {
    /// The `refreshToken` of the last password login or refresh.
    #[oai(validator(min_length = 1, max_length = 2048))]
    pub refresh_token: String,
}

/// What a logout may name its session by, besides the bearer token.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct LogoutRequest {
    /// The session's refresh token, expired or not (null: none).
    #[oai(nullable, validator(min_length = 1, max_length = 2048))]
    pub refresh_token: Option<String>,
}

/// A bearer token and who it is for.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// When the token stops working: 7 days for citizens, an hour for
    /// staff and unit accounts (by default).
    pub expires_at: chrono::DateTime<chrono::FixedOffset>,
    /// Staff and unit accounts: exchange at `POST /auth/refresh` for the
    /// next token, until `refreshExpiresAt` (the end of the session).
    #[oai(skip_serializing_if_is_none)]
    pub refresh_token: Option<String>,
    /// When the session ends and the password is asked again.
    #[oai(skip_serializing_if_is_none)]
    pub refresh_expires_at: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub user: Me,
}

/// The caller's own account.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct Me {
    pub id: Uuid,
    pub role: web::enums::Role,
    /// Name shown in the console and timelines.
    pub display_name: String,
    /// The unit of a unit member.
    #[oai(skip_serializing_if_is_none)]
    pub unit_id: Option<Uuid>,
    /// Staff and unit accounts only.
    #[oai(skip_serializing_if_is_none)]
    pub username: Option<String>,
    /// Staff and unit accounts only: whether a WeChat is bound for the
    /// mini-program's one-tap login.
    #[oai(skip_serializing_if_is_none)]
    pub wechat_bound: Option<bool>,
}

impl From<service::Tokens> for TokenResponse {
    fn from(t: service::Tokens) -> Self {
        Self {
            token: t.token,
            expires_at: t.expires_at,
            refresh_token: t.refresh_token,
            refresh_expires_at: t.refresh_expires_at,
            user: t.user.into(),
        }
    }
}

impl From<service::Profile> for Me {
    fn from(p: service::Profile) -> Self {
        Self {
            id: p.id,
            role: p.role,
            display_name: p.display_name,
            unit_id: p.unit_id,
            username: p.username,
            wechat_bound: p.wechat_bound,
        }
    }
}

pub struct AuthApi;

#[OpenApi(prefix_path = "/api/v1", tag = "Tag::Auth")]
impl AuthApi {
    /// Log in with WeChat
    ///
    /// Exchanges a `wx.login()` code through WeChat's code2Session for a
    /// citizen token. The citizen is created on first login (keyed by openid;
    /// unionid kept when WeChat gives one). The WeChat session key never
    /// leaves the server.
    #[oai(path = "/auth/wechat", method = "post", operation_id = "authWechat")]
    async fn wechat(
        &self,
        state: poem::web::Data<&AppState>,
        req: &Request,
        body: Json<WechatLogin>,
    ) -> Res<Json<TokenResponse>, WechatLoginErrors> {
        web::limit_login(&state, req, None).await?;
        Ok(Json(
            service::wechat_login(&state, &body.code).await?.into(),
        ))
    }

    /// Log in as any citizen (development)
    ///
    /// Exists only in the embedded default (`dev_login`); elsewhere `404`.
    #[oai(path = "/auth/dev", method = "post", operation_id = "authDev")]
    async fn dev(
        &self,
        state: poem::web::Data<&AppState>,
        req: &Request,
        body: Json<DevLogin>,
    ) -> Res<Json<TokenResponse>, DevLoginErrors> {
        if !state.config.dev_login {
            return Err(ApiError::NotFound("route not found".into()).into());
        }
        web::limit_login(&state, req, None).await?;
        Ok(Json(service::dev_login(&state, &body.openid).await?.into()))
    }

    /// Log in with a username and password
    ///
    /// For staff (admin, dispatcher, supervisor) and unit accounts. Limits
    /// (`429 rate_limited` with Retry-After): attempts per client IP; and
    /// failed attempts only, per (username, client IP), per client IP, and
    /// per username from every address together; the last does not apply
    /// at an address the account logged in from in the last 30 days, so
    /// nobody can lock an account out from another address. The
    /// client IP is the peer's, or behind the configured proxies the
    /// rightmost X-Forwarded-For hop that is not one of them. When too
    /// many password checks run at once: `503 login_busy` with
    /// Retry-After.
    #[oai(
        path = "/auth/password",
        method = "post",
        operation_id = "authPassword"
    )]
    async fn password(
        &self,
        state: poem::web::Data<&AppState>,
        req: &Request,
        body: Json<PasswordLogin>,
    ) -> Res<Json<TokenResponse>, PasswordLoginErrors> {
        web::limit_login(&state, req, Some(&body.username)).await?;
        match service::password_login(&state, &body.username, &body.password).await {
            Err(e @ error::AuthError::InvalidCredentials) => {
                web::login_failed(&state, req, &body.username).await?;
                Err(ApiError::from(e).into())
            }
            r => {
                let tokens = r?;
                web::login_succeeded(&state, req, &body.username).await;
                Ok(Json(tokens.into()))
            }
        }
    }

    /// Continue a staff session
    ///
    /// Exchanges a staff or unit account's refresh token for a new bearer
    /// token and a new refresh token. The session keeps the end it got at
    /// the password login (`staff_session_secs`, 12 hours by default). The
    /// account is read afresh: disabled → `401 account_disabled`; password
    /// reset or sessions ended since → `401 token_revoked`; the new token
    /// carries the account's current role and unit.
    #[oai(path = "/auth/refresh", method = "post", operation_id = "authRefresh")]
    async fn refresh(
        &self,
        state: poem::web::Data<&AppState>,
        body: Json<RefreshRequest>,
    ) -> Res<Json<TokenResponse>, RefreshErrors> {
        Ok(Json(
            service::refresh(&state, &body.refresh_token).await?.into(),
        ))
    }

    /// Log out
    ///
    /// Ends a session on the server: every token of it (its bearer tokens,
    /// its refresh token, tokens issued from it earlier) is refused from
    /// then on with `401 session_ended`, on this node at once and on the
    /// others within `account_cache_secs`. The session is named by the
    /// `Authorization: Bearer` token, by the body's `refreshToken`, or by
    /// both; either may have expired (a client idle past its token's hour
    /// can still end the session its refresh token keeps). Neither given,
    /// or one given that this service did not sign: `401`. Logging out
    /// twice is harmless.
    #[oai(path = "/auth/logout", method = "post", operation_id = "authLogout")]
    async fn logout(
        &self,
        state: poem::web::Data<&AppState>,
        req: &Request,
        body: web::optional_json::OptionalJson<LogoutRequest>,
    ) -> Res<LoggedOut, LogoutErrors> {
        let bearer = req
            .headers()
            .get(poem::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let refresh = body.0.as_ref().and_then(|b| b.refresh_token.as_deref());
        service::logout(&state, bearer, refresh).await?;
        Ok(LoggedOut::Ended)
    }

    /// Log in a unit's field worker with WeChat
    ///
    /// For the mini-program: a `wx.login()` code logs in the unit account
    /// bound to that WeChat (`POST /me/wechat`), as a password login would
    /// (a token and a refresh token, a new session). No account bound:
    /// `401 wechat_not_bound`; disabled: `403`. Limited like every login
    /// (`429`).
    #[oai(
        path = "/auth/wechat/staff",
        method = "post",
        operation_id = "authWechatStaff"
    )]
    async fn wechat_staff(
        &self,
        state: poem::web::Data<&AppState>,
        req: &Request,
        body: Json<WechatLogin>,
    ) -> Res<Json<TokenResponse>, WechatLoginErrors> {
        web::limit_login(&state, req, None).await?;
        Ok(Json(binding::login(&state, &body.code).await?.into()))
    }

    /// Bind my WeChat
    ///
    /// A unit member binds the WeChat that gave this `wx.login()` code to
    /// the account, giving its password again (a token alone is not
    /// enough: wrong → `401 invalid_credentials`, counted like a failed
    /// login), so that its next login in the mini-program is one tap
    /// (`POST /auth/wechat/staff`). Binding again replaces the binding; a
    /// WeChat bound to another account is `409 wechat_bound_elsewhere`;
    /// any other role is `403`. A password reset or disabling the account
    /// ends the binding. Audited.
    #[oai(path = "/me/wechat", method = "post", operation_id = "bindWechat")]
    async fn bind_wechat(
        &self,
        state: poem::web::Data<&AppState>,
        req: &Request,
        auth: BearerAuth,
        body: Json<BindWechat>,
    ) -> Res<Json<Me>, BindErrors> {
        let me = service::me(&state, &auth.0).await?;
        let username = me.username.unwrap_or_default();
        web::limit_login(&state, req, Some(&username)).await?;
        match binding::bind(&state, &auth.0, &body.code, &body.password).await {
            Err(e @ error::AuthError::InvalidCredentials) => {
                web::login_failed(&state, req, &username).await?;
                Err(ApiError::from(e).into())
            }
            r => {
                r?;
                web::login_succeeded(&state, req, &username).await;
                Ok(Json(service::me(&state, &auth.0).await?.into()))
            }
        }
    }

    /// Unbind my WeChat
    ///
    /// Ends the caller's binding; the next login needs the password.
    #[oai(path = "/me/wechat", method = "delete", operation_id = "unbindWechat")]
    async fn unbind_wechat(
        &self,
        state: poem::web::Data<&AppState>,
        auth: BearerAuth,
    ) -> Res<Json<Me>, UnbindErrors> {
        binding::unbind(&state, &auth.0).await?;
        Ok(Json(service::me(&state, &auth.0).await?.into()))
    }

    /// Delete my account
    ///
    /// The citizen's account is deleted at once (个人信息保护法): the
    /// WeChat identity, phone and name are removed, every session ends,
    /// follows are dropped, unattached uploads expire. Reports stay as the
    /// city's records, no longer linked to any person; their photos are
    /// kept only as long as the city's retention says. Points and codes
    /// not used are lost. Audited. Logging in again with the same WeChat
    /// starts a new, empty account. Staff accounts are `403`.
    #[oai(path = "/me", method = "delete", operation_id = "deleteMe")]
    async fn delete_me(
        &self,
        state: poem::web::Data<&AppState>,
        auth: BearerAuth,
    ) -> Res<Deleted, DeleteMeErrors> {
        auth.0.require(&[Role::Citizen])?;
        let why = crate::privacy::service::Why::Deleted;
        // Already deleted: the caller's token would have been refused.
        crate::privacy::service::erase(&state, auth.0.user_id, why).await?;
        Ok(Deleted::Done)
    }

    /// The caller's account
    #[oai(path = "/me", method = "get", operation_id = "getMe")]
    async fn me(
        &self,
        state: poem::web::Data<&AppState>,
        auth: BearerAuth,
    ) -> Res<Json<Me>, MeErrors> {
        Ok(Json(service::me(&state, &auth.0).await?.into()))
    }
}

crate::error_set!(WechatLoginErrors: 400, 401, 403, 413, 415, 429, 503);
crate::error_set!(DevLoginErrors: 400, 403, 404, 413, 415, 429);
crate::error_set!(PasswordLoginErrors: 400, 401, 413, 415, 429, 503);
crate::error_set!(RefreshErrors: 400, 401, 413, 415);
crate::error_set!(MeErrors: 401);
crate::error_set!(DeleteMeErrors: 401, 403);
crate::error_set!(LogoutErrors: 400, 401, 413, 415);

/// The answer to an account deletion.
#[derive(poem_openapi::ApiResponse)]
pub enum Deleted {
    /// The account is deleted: its identity is removed, its sessions end.
    #[oai(status = 204)]
    Done,
}

/// The answer to a logout.
#[derive(poem_openapi::ApiResponse)]
pub enum LoggedOut {
    /// The session is ended.
    #[oai(status = 204)]
    Ended,
}
crate::error_set!(BindErrors: 400, 401, 403, 409, 413, 415, 429, 503);
crate::error_set!(UnbindErrors: 401, 403);
