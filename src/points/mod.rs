//! Points (积分), what keeps citizens reporting: awards written in the
//! transaction of the case change that earns them (立案, a "solved"
//! rating; the first reporter of a duplicate group), exactly once per
//! case and reason; reversals as entries of their own; caps per day and
//! month; a catalogue of rewards with stock, codes to show, and staff
//! checking them off. Following a case (附议) earns nothing.

pub use suishoupai_core::points::*;

pub mod dto;

use crate::{api::Tag, auth::BearerAuth, core::Role, error::Res, state::AppState};
use dto::{CheckOff, MyPoints, PointsRulesBody, Redemption, RedemptionPage, Reward, RewardInput};
use poem::web::Data;
use poem_openapi::{
    ApiResponse, OpenApi,
    param::{Header, Path, Query},
    payload::Json,
};
use uuid::Uuid;

#[derive(ApiResponse)]
pub enum Redeemed {
    /// Redeemed: show the code to collect the reward (or, for a repeated
    /// Idempotency-Key, the first request's redemption).
    #[oai(status = 201)]
    Created(
        Json<Redemption>,
        /// `true` when this answers a repeated Idempotency-Key.
        #[oai(header = "Idempotent-Replayed")]
        Option<String>,
    ),
}

pub struct PointsApi;

#[OpenApi(prefix_path = "/api/v1", tag = "Tag::Points")]
impl PointsApi {
    /// My points
    ///
    /// The balance and the history, newest first: each entry says why it
    /// was given (立案, a "solved" rating, a reversal, a redemption) and for
    /// which case. Citizens only.
    #[oai(path = "/me/points", method = "get", operation_id = "myPoints")]
    async fn mine(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// `nextCursor` of the previous page.
        #[oai(validator(min_length = 1, max_length = 512))]
        cursor: Query<Option<String>>,
        /// Entries per page, 1–100 (default 50).
        #[oai(
            default = "default_limit",
            validator(minimum(value = "1"), maximum(value = "100"))
        )]
        limit: Query<u64>,
    ) -> Res<Json<MyPoints>, CitizenErrors> {
        let ledger = rewards::history(&state, &auth.0, cursor.0.as_deref(), limit.0).await?;
        Ok(Json(ledger.into()))
    }

    /// Rewards on offer
    ///
    /// The active rewards with their cost and stock, cheapest first.
    #[oai(path = "/rewards", method = "get", operation_id = "listRewards")]
    async fn rewards(
        &self,
        state: Data<&AppState>,
        _auth: BearerAuth,
    ) -> Res<Json<Vec<Reward>>, ReadErrors> {
        Ok(Json(catalogue(&state, false).await?))
    }

    /// Redeem a reward
    ///
    /// Spends the reward's cost (an entry of its own), takes one from its
    /// stock and issues a code to show, in one transaction. Too few
    /// points: `409 insufficient_points`; none left: `409 out_of_stock`;
    /// not offered: `404`. With an `Idempotency-Key`, a retry gets the
    /// first redemption; the key used for another reward is `422
    /// idempotency_key_reused`. Counted with reports against the abuse
    /// limits. Citizens only.
    #[oai(
        path = "/rewards/:id/redeem",
        method = "post",
        operation_id = "redeemReward"
    )]
    async fn redeem(
        &self,
        state: Data<&AppState>,
        req: &poem::Request,
        auth: BearerAuth,
        id: Path<Uuid>,
        /// A client-chosen key (1–128 visible ASCII characters) that makes retries safe.
        #[oai(
            name = "Idempotency-Key",
            validator(min_length = 1, max_length = 128, pattern = "^[!-~]+$")
        )]
        idempotency_key: Header<Option<String>>,
    ) -> Res<Redeemed, RedeemErrors> {
        crate::web::limit_write(&state, req, auth.0.user_id, crate::web::Write::Report).await?;
        let (r, replayed) = rewards::redeem(&state, &auth.0, id.0, idempotency_key.0).await?;
        Ok(Redeemed::Created(
            Json(r.into()),
            replayed.then(|| "true".into()),
        ))
    }

    /// My redemptions
    ///
    /// The caller's codes, newest first, issued or used, with cursor
    /// pagination.
    #[oai(
        path = "/me/redemptions",
        method = "get",
        operation_id = "myRedemptions"
    )]
    async fn redemptions(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// `nextCursor` of the previous page.
        #[oai(validator(min_length = 1, max_length = 512))]
        cursor: Query<Option<String>>,
        /// Redemptions per page, 1–100 (default 50).
        #[oai(
            default = "default_limit",
            validator(minimum(value = "1"), maximum(value = "100"))
        )]
        limit: Query<u64>,
    ) -> Res<Json<RedemptionPage>, CitizenErrors> {
        let page = rewards::mine(&state, &auth.0, cursor.0.as_deref(), limit.0).await?;
        Ok(Json(page.into()))
    }

    /// Check a redemption code off
    ///
    /// Staff (and unit members at a service point) check the code a
    /// citizen shows when they hand the reward over: once. Unknown code:
    /// `404`; already used: `409 already_used`.
    #[oai(
        path = "/redemptions/check-off",
        method = "post",
        operation_id = "checkOffRedemption"
    )]
    async fn check_off(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<CheckOff>,
    ) -> Res<Json<Redemption>, CheckOffErrors> {
        Ok(Json(
            rewards::check_off(&state, &auth.0, &body.0.code)
                .await?
                .into(),
        ))
    }

    /// Points rules
    ///
    /// The rules in force (the defaults until an admin saves some). Admins only.
    #[oai(
        path = "/admin/points/rules",
        method = "get",
        operation_id = "getPointsRules",
        tag = "Tag::Admin"
    )]
    async fn get_rules(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Res<Json<PointsRulesBody>, AdminReadErrors> {
        auth.0.require(&[Role::Admin])?;
        Ok(Json(rules::load(&state.db).await?.into()))
    }

    /// Set the points rules
    ///
    /// Applies to awards from now on; what was awarded stays. Audited.
    #[oai(
        path = "/admin/points/rules",
        method = "put",
        operation_id = "setPointsRules",
        tag = "Tag::Admin"
    )]
    async fn set_rules(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<PointsRulesBody>,
    ) -> Res<Json<PointsRulesBody>, AdminWriteErrors> {
        auth.0.require(&[Role::Admin])?;
        let r = body.0.into();
        rules::set(&state, &auth.0, &r).await?;
        Ok(Json(r.into()))
    }

    /// Every reward
    ///
    /// Offered or not. Admins only.
    #[oai(
        path = "/admin/rewards",
        method = "get",
        operation_id = "adminListRewards",
        tag = "Tag::Admin"
    )]
    async fn all_rewards(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Res<Json<Vec<Reward>>, AdminReadErrors> {
        auth.0.require(&[Role::Admin])?;
        Ok(Json(catalogue(&state, true).await?))
    }

    /// Add a reward
    ///
    /// A name another reward has: `409 name_taken`. Audited.
    #[oai(
        path = "/admin/rewards",
        method = "post",
        operation_id = "createReward",
        tag = "Tag::Admin"
    )]
    async fn create_reward(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<RewardInput>,
    ) -> Res<Json<Reward>, AdminWriteErrors> {
        auth.0.require(&[Role::Admin])?;
        let saved = rewards::save(&state, &auth.0, None, body.0.into()).await?;
        Ok(Json(saved.into()))
    }

    /// Change a reward
    ///
    /// Its name, cost, stock, or whether it is offered. Audited.
    #[oai(
        path = "/admin/rewards/:id",
        method = "put",
        operation_id = "updateReward",
        tag = "Tag::Admin"
    )]
    async fn update_reward(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<RewardInput>,
    ) -> Res<Json<Reward>, AdminUpdateErrors> {
        auth.0.require(&[Role::Admin])?;
        Ok(Json(
            rewards::save(&state, &auth.0, Some(id.0), body.0.into())
                .await?
                .into(),
        ))
    }
}

fn default_limit() -> u64 {
    50
}

crate::error_set!(CitizenErrors: 400, 401, 403);
crate::error_set!(ReadErrors: 401);
crate::error_set!(RedeemErrors: 400, 401, 403, 404, 409, 422, 429);
crate::error_set!(CheckOffErrors: 400, 401, 403, 404, 409, 413, 415);
crate::error_set!(AdminReadErrors: 401, 403);
crate::error_set!(AdminWriteErrors: 400, 401, 403, 409, 413, 415);
crate::error_set!(AdminUpdateErrors: 400, 401, 403, 404, 409, 413, 415);

/// The catalogue as the API shows it.
async fn catalogue(state: &AppState, all: bool) -> Result<Vec<Reward>, error::PointsError> {
    let rewards = rewards::catalogue(state, all).await?;
    Ok(rewards.into_iter().map(Reward::from).collect())
}
