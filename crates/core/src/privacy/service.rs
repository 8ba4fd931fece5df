//! The download and the deletion (no HTTP here).

use super::error::PrivacyError;
use crate::{
    core::{Actor, Caller, Role, time::utc_now},
    points::rewards::{self, Ledger, Redemptions},
    reports::views::{self, Mine, Report, ReportList},
    state::AppState,
};
use chrono::{DateTime, FixedOffset};
use entity::{
    case_follower, content_check, media, outbox, patrol, session, team, team_member, user,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait, sea_query::Expr};
use uuid::Uuid;

/// The most reports (and follows) one download holds.
const MOST: u64 = 2000;

/// Everything the city holds about a citizen.
#[derive(Debug)]
pub struct Export {
    /// When this copy was made.
    pub exported_at: DateTime<FixedOffset>,
    pub account: Account,
    /// Every report filed, newest first.
    pub reports: Vec<Report>,
    /// The cases followed that are still public.
    pub follows: ReportList,
    /// The points balance and every ledger entry.
    pub points: Ledger,
    /// Every redemption code.
    pub redemptions: Redemptions,
    /// Days photos are kept after their case ended (0: no limit).
    pub photo_days: u32,
    /// Days an unused account keeps its identity (0: no limit).
    pub identity_days: u32,
}

/// The account as the city holds it.
#[derive(Debug)]
pub struct Account {
    pub id: Uuid,
    pub openid: Option<String>,
    pub display_name: String,
    pub phone: Option<String>,
    pub created_at: DateTime<FixedOffset>,
    /// The last login.
    pub last_seen_at: DateTime<FixedOffset>,
}

/// What the city holds about a citizen.
pub async fn export(state: &AppState, caller: &Caller) -> Result<Export, PrivacyError> {
    caller.require(&[Role::Citizen])?;
    let u = user::Entity::find_by_id(caller.user_id)
        .one(&state.db)
        .await
        .map_err(crate::infra::DbError::from)?
        .ok_or(PrivacyError::NoAccount)?;
    let mine = views::list_mine(state, caller, Mine::Reported, None, MOST).await?;
    let mut reports = Vec::with_capacity(mine.items.len());
    for (case, _) in &mine.items {
        reports.push(views::get_mine(state, caller, case.id).await?);
    }
    let follows = views::list_mine(state, caller, Mine::Followed, None, MOST).await?;
    let points = rewards::history(state, caller, None, 100_000).await?;
    let redemptions = rewards::mine(state, caller, None, 100_000).await?;
    let r = &state.config.retention;
    Ok(Export {
        exported_at: utc_now(),
        account: Account {
            id: u.id,
            openid: u.openid,
            display_name: u.display_name,
            phone: u.phone,
            created_at: u.created_at,
            last_seen_at: u.updated_at,
        },
        reports,
        follows,
        points,
        redemptions,
        photo_days: r.photo_days,
        identity_days: r.identity_days,
    })
}

/// Why an account's identity is removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// Its owner deleted it.
    Deleted,
    /// Unused since before this time (`retention.identity_days`); checked
    /// again inside the transaction, so a login meanwhile keeps it.
    Expired(crate::core::time::Ts),
}

/// The name a removed identity leaves on the city's records.
pub const GONE: &str = "已注销用户";

/// Removes a citizen's identity, in one transaction: the WeChat ids,
/// phone and name; every session; follows; the openids its content checks
/// kept; the subscribe messages to it, queued or sent; unattached uploads
/// expire now. Cases, their photos (until their
/// retention) and the ledger stay, linked to an account that names nobody.
/// Returns false when there was nothing to erase (already deleted, or
/// used again since the retention job looked).
pub async fn erase(state: &AppState, user_id: Uuid, why: Why) -> Result<bool, PrivacyError> {
    let now = utc_now();
    let txn = state.db.begin().await?;
    let Some(u) = user::Entity::find_by_id(user_id)
        .filter(user::Column::Role.eq(Role::Citizen))
        .one(&txn)
        .await?
    else {
        return Err(PrivacyError::NoAccount);
    };
    let mut guard = user::Entity::update_many()
        .filter(user::Column::Id.eq(user_id))
        .filter(user::Column::DeletedAt.is_null());
    if let Why::Expired(idle_since) = why {
        guard = guard.filter(user::Column::UpdatedAt.lt(idle_since));
    }
    let erased = guard
        .col_expr(user::Column::Openid, Expr::value(Option::<String>::None))
        .col_expr(user::Column::Unionid, Expr::value(Option::<String>::None))
        .col_expr(
            user::Column::SessionKey,
            Expr::value(Option::<String>::None),
        )
        .col_expr(user::Column::Phone, Expr::value(Option::<String>::None))
        .col_expr(
            user::Column::WechatOpenid,
            Expr::value(Option::<String>::None),
        )
        .col_expr(user::Column::DisplayName, Expr::value(GONE))
        .col_expr(user::Column::Disabled, Expr::value(true))
        .col_expr(user::Column::TokensValidAfter, Expr::value(now))
        .col_expr(user::Column::DeletedAt, Expr::value(now))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .exec(&txn)
        .await?
        .rows_affected;
    if erased == 0 {
        // Deleted already, or a login since the job looked: nothing to do.
        return Ok(false);
    }
    session::Entity::update_many()
        .col_expr(session::Column::EndedAt, Expr::value(now))
        .col_expr(session::Column::EndedWhy, Expr::value("account_deleted"))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::EndedAt.is_null())
        .exec(&txn)
        .await?;
    case_follower::Entity::delete_many()
        .filter(case_follower::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    // A volunteer: out of their team (a team they led has no leader until
    // staff name one), their open patrol ended, and the name they served
    // under gone from their patrols, which stay as the city's record.
    crate::volunteers::patrols::end_open(state, &txn, user_id)
        .await
        .map_err(anyhow::Error::new)?;
    team_member::Entity::delete_many()
        .filter(team_member::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    team::Entity::update_many()
        .col_expr(team::Column::LeaderId, Expr::value(Option::<Uuid>::None))
        .filter(team::Column::LeaderId.eq(user_id))
        .exec(&txn)
        .await?;
    patrol::Entity::update_many()
        .col_expr(patrol::Column::VolunteerName, Expr::value(GONE))
        .filter(patrol::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    // Their good moments stay as records, under no name and off the board.
    entity::moment::Entity::update_many()
        .col_expr(entity::moment::Column::AuthorName, Expr::value(GONE))
        .col_expr(entity::moment::Column::Published, Expr::value(false))
        .filter(entity::moment::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    entity::persuasion::Entity::update_many()
        .col_expr(entity::persuasion::Column::VolunteerName, Expr::value(GONE))
        .filter(entity::persuasion::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    if let Some(openid) = &u.openid {
        // Messages to the person, queued or sent, name their WeChat.
        outbox::Entity::delete_many()
            .filter(outbox::Column::Kind.eq(crate::notify::WECHAT))
            .filter(outbox::Column::Target.eq(openid.as_str()))
            .exec(&txn)
            .await?;
        content_check::Entity::update_many()
            .col_expr(
                content_check::Column::Openid,
                Expr::value(Option::<String>::None),
            )
            .filter(content_check::Column::Openid.eq(openid.as_str()))
            .exec(&txn)
            .await?;
    }
    // Photos expire on the node's clock, as their purge reads it.
    media::Entity::update_many()
        .col_expr(media::Column::ExpiresAt, Expr::value(state.clock.now()))
        .filter(media::Column::OwnerId.eq(user_id))
        .filter(media::Column::CaseId.is_null())
        .exec(&txn)
        .await?;
    let (actor, action) = match why {
        Why::Deleted => (
            Actor {
                id: Some(user_id),
                role: Role::Citizen.as_str(),
            },
            "account.delete",
        ),
        Why::Expired(_) => (Actor::SYSTEM, "account.expire"),
    };
    crate::audit::record(
        &txn,
        actor,
        action,
        "user",
        Some(user_id.to_string()),
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    state.auth.accounts.forget(user_id);
    Ok(true)
}
