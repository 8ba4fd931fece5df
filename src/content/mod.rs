//! Content security (内容安全): what a WeChat mini-program must check.
//! Citizens' descriptions and rating comments go through `msgSecCheck` v2
//! before they are stored; their photos go to `mediaCheckAsync` after
//! upload, and the verdict comes back on the message-push callback here.
//! What WeChat doubts, refuses after the fact or cannot judge becomes a
//! flag for the dispatcher. Off in the embedded default
//! (`wechat.content_security.enabled`).

pub use suishoupai_core::content::*;

pub mod dto;

use crate::{api::Tag, auth::BearerAuth, error::Res, state::AppState};
use dto::{ContentFlag, FlagPage, FlagReview, PushMessage};
use error::ContentError;
use poem::web::Data;
use poem_openapi::{
    OpenApi,
    param::{Path, Query},
    payload::{Json, PlainText},
};
use secrecy::ExposeSecret;
use uuid::Uuid;

pub struct ContentApi;

#[OpenApi(tag = "Tag::Content")]
impl ContentApi {
    /// Message-push URL check (WeChat)
    ///
    /// WeChat checks the push URL it is given: the signature over (Token,
    /// timestamp, nonce) must match, and the answer is `echostr`. A wrong
    /// signature, or a timestamp more than 300 s from now, is `401`;
    /// content security off is `404`.
    #[oai(
        path = "/wechat/callback",
        method = "get",
        operation_id = "wechatPushVerify"
    )]
    async fn verify(
        &self,
        state: Data<&AppState>,
        /// SHA-1 of Token, timestamp and nonce, sorted and joined.
        #[oai(validator(max_length = 64))]
        signature: Query<String>,
        /// Unix time of the push.
        #[oai(validator(max_length = 20))]
        timestamp: Query<String>,
        /// A random string.
        #[oai(validator(max_length = 64))]
        nonce: Query<String>,
        /// What to answer.
        #[oai(validator(max_length = 256))]
        echostr: Query<String>,
    ) -> Res<PlainText<String>, PushErrors> {
        let token = token(&state)?;
        push::verify(
            &[&token, &timestamp.0, &nonce.0],
            &timestamp.0,
            &signature.0,
            chrono::Utc::now().timestamp(),
        )?;
        Ok(PlainText(echostr.0))
    }

    /// Message push (WeChat): photo verdicts
    ///
    /// mediaCheckAsync's verdicts (`Event` `wxa_media_check`) arrive here,
    /// in JSON, in safe mode only (`encrypt_type=aes`; the configuration
    /// requires the EncodingAESKey): `msg_signature` over (Token,
    /// timestamp, nonce, Encrypt), and the message is decrypted with the
    /// key. A plain push is `400`. Each (timestamp, nonce) is taken once in
    /// its window, on every node: a push sent again is `401 replayed_push`.
    /// A `risky` photo is blocked from every view at once and its case
    /// flagged; `review` flags it. Other events, and verdicts on traces we
    /// no longer wait for, are acknowledged and ignored. The answer is
    /// `success`. Bad signature or stale timestamp: `401`; a message that
    /// does not decrypt or is not for this app: `400`; the nonce store
    /// (Redis) unreachable: `503`, which WeChat retries.
    #[oai(
        path = "/wechat/callback",
        method = "post",
        operation_id = "wechatPush"
    )]
    #[allow(clippy::too_many_arguments)] // one per query parameter WeChat sends
    async fn push(
        &self,
        state: Data<&AppState>,
        /// SHA-1 of Token, timestamp and nonce, sorted and joined (sent by
        /// WeChat; safe mode checks `msg_signature`).
        #[oai(name = "signature", validator(max_length = 64))]
        _signature: Query<String>,
        /// Unix time of the push.
        #[oai(validator(max_length = 20))]
        timestamp: Query<String>,
        /// A random string.
        #[oai(validator(max_length = 64))]
        nonce: Query<String>,
        /// `aes` in safe mode.
        #[oai(validator(max_length = 16))]
        encrypt_type: Query<Option<String>>,
        /// Safe mode: SHA-1 of Token, timestamp, nonce and Encrypt.
        #[oai(validator(max_length = 64))]
        msg_signature: Query<Option<String>>,
        body: Json<PushMessage>,
    ) -> Res<PlainText<&'static str>, PushErrors> {
        let token = token(&state)?;
        let now = chrono::Utc::now().timestamp();
        let (ts, nonce) = (timestamp.0.as_str(), nonce.0.as_str());
        // Safe mode only (the configuration requires its key): a plain
        // push's signature does not cover the message.
        if encrypt_type.0.as_deref() != Some("aes") {
            return Err(ContentError::Invalid(
                "safe mode is on here: pushes must be encrypted (encrypt_type=aes)".into(),
            )
            .into());
        }
        let enc = body
            .0
            .encrypt
            .as_deref()
            .ok_or_else(|| ContentError::Invalid("safe mode, but no Encrypt field".into()))?;
        let given = msg_signature.0.as_deref().unwrap_or_default();
        push::verify(&[&token, ts, nonce, enc], ts, given, now)?;
        let key = state
            .config
            .wechat
            .content_security
            .encoding_aes_key
            .as_ref()
            .ok_or_else(|| ContentError::Invalid("safe mode is not configured here".into()))?;
        let plain = push::decrypt(key.expose_secret(), &state.config.wechat.appid, enc)?;
        let msg = serde_json::from_str::<PushMessage>(&plain)
            .map_err(|e| ContentError::Invalid(format!("not a push message: {e}")))?;
        // Each (timestamp, nonce) once in the timestamp's window, on every
        // node: a captured push sent again is refused. Given back when the
        // verdict could not be applied, so that WeChat's retry is taken.
        let once = format!("wechat-push:{ts}:{nonce}");
        let window = std::time::Duration::from_secs(2 * push::MAX_SKEW_SECS.unsigned_abs());
        let first = state.shared.kv_set_once(&once, window).await.map_err(|e| {
            tracing::warn!(error = %e, "push nonce store unavailable");
            ContentError::Unavailable(e)
        })?;
        if !first {
            return Err(ContentError::Push(push::PushError::Replayed).into());
        }
        if let Err(e) = apply_push(&state, &msg).await {
            let _ = state.shared.kv_del_if(&once, "1").await;
            return Err(e.into());
        }
        Ok(PlainText("success"))
    }

    /// Content flags for the dispatcher
    ///
    /// Citizens' text and photos WeChat's content security doubted
    /// (`review`), found risky after the fact (`risky`; a photo is then
    /// blocked), or could not judge (`unchecked`: no openid, or retries
    /// spent), newest first, with cursor pagination. Open flags by default;
    /// `reviewed=true` lists the ones a person closed. Staff only.
    #[oai(
        path = "/api/v1/content/flags",
        method = "get",
        operation_id = "listContentFlags"
    )]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// List reviewed flags instead of open ones.
        #[oai(default)]
        reviewed: Query<bool>,
        /// `nextCursor` of the previous page.
        #[oai(validator(min_length = 1, max_length = 512))]
        cursor: Query<Option<String>>,
        /// Flags per page, 1–100 (default 50).
        #[oai(
            default = "default_limit",
            validator(minimum(value = "1"), maximum(value = "100"))
        )]
        limit: Query<u64>,
    ) -> Res<Json<FlagPage>, FlagListErrors> {
        let page = (cursor.0.as_deref(), limit.0);
        Ok(Json(
            flags::list(&state, &auth.0, reviewed.0, page).await?.into(),
        ))
    }

    /// Review a content flag
    ///
    /// Closes the flag with what was decided (audited); for a photo,
    /// `blockPhoto` blocks it from every view or lets it be seen again.
    /// Reviewed already: `409 already_reviewed`. Staff only.
    #[oai(
        path = "/api/v1/content/flags/:id/review",
        method = "post",
        operation_id = "reviewContentFlag"
    )]
    async fn review(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<FlagReview>,
    ) -> Res<Json<ContentFlag>, FlagReviewErrors> {
        let flag = flags::review(&state, &auth.0, id.0, body.0.into()).await?;
        Ok(Json(flag.into()))
    }
}

fn default_limit() -> u64 {
    50
}

/// The push Token, or `404` when content security is off.
fn token(state: &AppState) -> Result<String, ContentError> {
    let cs = &state.config.wechat.content_security;
    if !cs.enabled {
        return Err(ContentError::Off);
    }
    Ok(cs.callback_token.expose_secret().to_owned())
}

/// Applies a push's verdict: a photo's `wxa_media_check`; anything else is
/// acknowledged and ignored.
async fn apply_push(state: &AppState, msg: &PushMessage) -> Result<(), ContentError> {
    if msg.event.as_deref() == Some("wxa_media_check")
        && let Some(trace) = msg.trace_id.as_deref()
    {
        let verdict = msg
            .result
            .as_ref()
            .filter(|_| msg.errcode.unwrap_or(0) == 0)
            .and_then(|r| {
                Some(wechat::Verdict {
                    suggest: wechat::Suggest::parse(r.suggest.as_deref()?)?,
                    label: r.label.and_then(|l| i32::try_from(l).ok()),
                })
            });
        checks::photo_verdict(state, trace, verdict).await?;
    }
    Ok(())
}

crate::error_set!(PushErrors: 400, 401, 404, 413, 415, 503);
crate::error_set!(FlagListErrors: 400, 401, 403);
crate::error_set!(FlagReviewErrors: 400, 401, 403, 404, 409, 413, 415);
