//! The checks themselves: text before it is stored (a risky text is
//! refused; a verdict that cannot be had now is asked again later through
//! the outbox), photos after upload (sent through the outbox; the verdict
//! comes on the push callback, and a photo whose verdict never comes is
//! sent again, then left for a person).

use super::wechat::{self, Scene, Suggest, Verdict};
use crate::{core::Ts, notify::worker::Outcome, state::AppState};
use anyhow::Context;
use entity::{cases, content_check as check, media, outbox, user};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, TransactionTrait, sea_query::Expr,
};
use uuid::Uuid;

/// The outbox job that asks msgSecCheck again about a stored text.
pub const TEXT_JOB: Job = Job::ContentText;
/// The outbox job that sends a photo to mediaCheckAsync.
pub const PHOTO_JOB: Job = Job::ContentPhoto;

pub use domain::content::{CheckStatus, Subject, TextCheck};
use domain::outbox::Job;

/// msgSecCheck's scene for what is checked.
fn scene(subject: Subject) -> Scene {
    match subject {
        Subject::Comment => Scene::Comment,
        _ => Scene::Post,
    }
}

/// WeChat found the text risky: refused, nothing stored (422).
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "the {} was not accepted: WeChat's content rules flag it ({}, label {}); change it and send again",
    .subject.said(), wechat::label_text(*.label), .label.unwrap_or(0)
)]
pub struct Rejected {
    pub subject: Subject,
    pub label: Option<i32>,
}

async fn openid_of(state: &AppState, user_id: Uuid) -> Option<String> {
    user::Entity::find_by_id(user_id)
        .select_only()
        .column(user::Column::Openid)
        .into_tuple::<Option<String>>()
        .one(&state.db)
        .await
        .inspect_err(|e| tracing::warn!(error = %e, "content check: reading the openid failed"))
        .ok()
        .flatten()
        .flatten()
}

/// Checks a citizen's text before it is stored. `pass` (or checks off):
/// nothing to record. `review`: recorded as a flag for the dispatcher.
/// `risky`: refused. WeChat unreachable: accepted, and asked again later
/// (`pending`). A citizen without an openid cannot be checked: recorded
/// as `unchecked`, for a person.
pub async fn screen_text(
    state: &AppState,
    user_id: Uuid,
    text: &str,
    subject: Subject,
) -> Result<Option<TextCheck>, Rejected> {
    if !state.config.wechat.content_security.enabled || text.trim().is_empty() {
        return Ok(None);
    }
    let Some(openid) = openid_of(state, user_id).await else {
        return Ok(Some(TextCheck {
            subject,
            status: CheckStatus::Unchecked,
            label: None,
            openid: None,
        }));
    };
    match wechat::check_text(state, &openid, text, scene(subject)).await {
        Ok(Verdict { suggest, label }) => {
            count(state, subject, suggest.as_str());
            match suggest {
                Suggest::Pass => Ok(None),
                Suggest::Review => Ok(Some(TextCheck {
                    subject,
                    status: CheckStatus::Review,
                    label,
                    openid: Some(openid),
                })),
                Suggest::Risky => Err(Rejected { subject, label }),
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "msgSecCheck unreachable: accepted, checked again later");
            count(state, subject, "unreachable");
            Ok(Some(TextCheck {
                subject,
                status: CheckStatus::Pending,
                label: None,
                openid: Some(openid),
            }))
        }
    }
}

fn count(state: &AppState, subject: Subject, outcome: &str) {
    state
        .metrics
        .content_checks
        .with_label_values(&[subject.as_str(), outcome])
        .inc();
}

/// A new check row, and its outbox job when it is `pending`.
async fn insert_check<C: ConnectionTrait>(
    db: &C,
    (subject, case_id, media_id): (Subject, Option<Uuid>, Option<Uuid>),
    (status, label, openid): (CheckStatus, Option<i32>, Option<String>),
    now: Ts,
) -> anyhow::Result<()> {
    let id = Uuid::now_v7();
    check::Entity::insert(check::ActiveModel {
        id: Set(id),
        subject: Set(subject),
        case_id: Set(case_id),
        media_id: Set(media_id),
        openid: Set(openid),
        status: Set(status),
        label: Set(label),
        trace_id: Set(None),
        sends: Set(0),
        sent_at: Set(None),
        created_at: Set(now),
        decided_at: Set((status != CheckStatus::Pending).then_some(now)),
        reviewed_at: Set(None),
        reviewed_by: Set(None),
        review_note: Set(None),
    })
    .exec_without_returning(db)
    .await
    .context("record content check")?;
    if status == CheckStatus::Pending {
        let job = if subject == Subject::Photo {
            PHOTO_JOB
        } else {
            TEXT_JOB
        };
        crate::notify::enqueue(db, job, case_id, id.to_string(), String::new()).await?;
    }
    Ok(())
}

/// Records a text's check with its case, in the case's transaction; a
/// `pending` one gets its outbox job.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    case_id: Uuid,
    c: &TextCheck,
    now: Ts,
) -> anyhow::Result<()> {
    let found = (c.status, c.label, c.openid.clone());
    insert_check(db, (c.subject, Some(case_id), None), found, now).await
}

/// Who a citizen's photo is checked as: `Some(openid)` when the checks are
/// on (the inner none: a citizen without one). Read before the upload's
/// transaction begins.
pub async fn photo_owner(state: &AppState, owner: Uuid) -> Option<Option<String>> {
    if !state.config.wechat.content_security.enabled {
        return None;
    }
    Some(openid_of(state, owner).await)
}

/// Queues a citizen's new photo for mediaCheckAsync, in the upload's
/// transaction; `openid` from [`photo_owner`] (none: left for a person).
pub async fn enqueue_photo<C: ConnectionTrait>(
    db: &C,
    media_id: Uuid,
    openid: Option<String>,
    now: Ts,
) -> anyhow::Result<()> {
    let status = if openid.is_some() {
        CheckStatus::Pending
    } else {
        CheckStatus::Unchecked
    };
    let subject = (Subject::Photo, None, Some(media_id));
    insert_check(db, subject, (status, None, openid), now).await
}

/// Runs an outbox job of content security. A check whose last attempt
/// fails is left for a person (`unchecked`).
pub async fn run_job(state: &AppState, row: &outbox::Model) -> Outcome {
    let Ok(id) = row.target.parse::<Uuid>() else {
        return Outcome::Skipped("target is not a check id".into());
    };
    let found = match check::Entity::find_by_id(id).one(&state.db).await {
        Ok(f) => f,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    let Some(c) = found.filter(|c| c.status == CheckStatus::Pending) else {
        return Outcome::Skipped("no pending check".into());
    };
    let Some(openid) = c.openid.clone() else {
        return Outcome::Skipped("no openid".into());
    };
    let result = if row.kind == PHOTO_JOB {
        send_photo(state, &c, &openid).await
    } else {
        recheck_text(state, &c, &openid).await
    };
    let Err(e) = result else {
        return Outcome::Sent;
    };
    if row.attempts + 1 >= state.config.workflow.outbox_max_attempts
        && let Err(u) = unchecked(&state.db, c.id, None, state.clock.now()).await
    {
        return Outcome::Failed(format!("{e}; and marking it unchecked failed: {u:#}"));
    }
    Outcome::Failed(e)
}

async fn send_photo(state: &AppState, c: &check::Model, openid: &str) -> Result<(), String> {
    let ttl = state.config.wechat.content_security.fetch_url_ttl_secs;
    let media_id = c.media_id.ok_or("a photo check without a photo")?;
    let url = state.media.signer.url(media_id, "full", ttl);
    let trace = wechat::send_photo(state, openid, &url).await?;
    check::Entity::update_many()
        .col_expr(check::Column::TraceId, Expr::value(trace))
        .col_expr(check::Column::Sends, Expr::value(c.sends + 1))
        .col_expr(check::Column::SentAt, Expr::value(state.clock.now()))
        .filter(check::Column::Id.eq(c.id))
        .filter(check::Column::Status.eq(CheckStatus::Pending))
        .exec(&state.db)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

async fn recheck_text(state: &AppState, c: &check::Model, openid: &str) -> Result<(), String> {
    let case_id = c.case_id.ok_or("a text check without a case")?;
    let row = cases::Entity::find_by_id(case_id)
        .one(&state.db)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the case is gone")?;
    let (subject, text) = if c.subject == Subject::Comment {
        (Subject::Comment, row.rating_comment.unwrap_or_default())
    } else {
        (Subject::Description, row.description)
    };
    let v = wechat::check_text(state, openid, &text, scene(subject)).await?;
    count(state, subject, v.suggest.as_str());
    decide(&state.db, c.id, v, state.clock.now())
        .await
        .map_err(|e| format!("{e:#}"))
}

/// Records a verdict on a pending check; a risky photo is blocked at once.
async fn decide(db: &DatabaseConnection, id: Uuid, v: Verdict, now: Ts) -> anyhow::Result<()> {
    let txn = db.begin().await?;
    let n = check::Entity::update_many()
        .col_expr(check::Column::Status, Expr::value(v.suggest.status()))
        .col_expr(check::Column::Label, Expr::value(v.label))
        .col_expr(check::Column::DecidedAt, Expr::value(now))
        .filter(check::Column::Id.eq(id))
        .filter(check::Column::Status.eq(CheckStatus::Pending))
        .exec(&txn)
        .await?
        .rows_affected;
    if n == 1 && v.suggest == Suggest::Risky {
        let media_id = check::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .and_then(|c| c.media_id);
        if let Some(m) = media_id {
            block(&txn, m, Some(now)).await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// Blocks a photo from every view (or lets it be seen again).
pub async fn block<C: ConnectionTrait>(
    db: &C,
    media_id: Uuid,
    at: Option<Ts>,
) -> anyhow::Result<()> {
    media::Entity::update_many()
        .col_expr(media::Column::BlockedAt, Expr::value(at))
        .filter(media::Column::Id.eq(media_id))
        .exec(db)
        .await?;
    Ok(())
}

/// A photo's verdict from the push callback, by its trace id. A verdict
/// for an unknown or superseded trace is ignored; an errcode (WeChat could
/// not check it) leaves the photo to be sent again.
pub async fn photo_verdict(
    state: &AppState,
    trace_id: &str,
    v: Option<Verdict>,
) -> anyhow::Result<()> {
    let found = check::Entity::find()
        .filter(check::Column::TraceId.eq(trace_id))
        .one(&state.db)
        .await?;
    let Some(c) = found.filter(|c| c.status == CheckStatus::Pending) else {
        return Ok(());
    };
    let Some(v) = v else {
        tracing::warn!(
            trace_id,
            "mediaCheckAsync could not check a photo; sent again later"
        );
        return Ok(());
    };
    count(state, Subject::Photo, v.suggest.as_str());
    decide(&state.db, c.id, v, state.clock.now()).await
}

async fn unchecked<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    sends: Option<i32>,
    now: Ts,
) -> anyhow::Result<()> {
    let mut q = check::Entity::update_many()
        .col_expr(
            check::Column::Status,
            Expr::value(CheckStatus::Unchecked.as_str()),
        )
        .col_expr(check::Column::DecidedAt, Expr::value(now))
        .filter(check::Column::Id.eq(id))
        .filter(check::Column::Status.eq(CheckStatus::Pending));
    if let Some(n) = sends {
        q = q.filter(check::Column::Sends.eq(n));
    }
    q.exec(db).await?;
    Ok(())
}

/// Photos whose verdict has not come within `verdict_wait_secs`: sent
/// again (a new outbox job), or after `max_sends` left for a person. Each
/// row is claimed under a guard, so one node does it.
pub async fn resend_stale(state: &AppState) -> anyhow::Result<usize> {
    let cs = &state.config.wechat.content_security;
    if !cs.enabled {
        return Ok(0);
    }
    let wait = i64::try_from(cs.verdict_wait_secs).unwrap_or(900);
    let cutoff = state.clock.now() - chrono::Duration::seconds(wait);
    let stale = check::Entity::find()
        .filter(check::Column::Status.eq(CheckStatus::Pending))
        .filter(check::Column::SentAt.lt(cutoff))
        .limit(100)
        .all(&state.db)
        .await?;
    let mut n = 0;
    for c in stale {
        let txn = state.db.begin().await?;
        if c.sends >= cs.max_sends {
            unchecked(&txn, c.id, Some(c.sends), state.clock.now()).await?;
        } else {
            let claimed = check::Entity::update_many()
                .col_expr(check::Column::SentAt, Expr::value(Option::<Ts>::None))
                .filter(check::Column::Id.eq(c.id))
                .filter(check::Column::Status.eq(CheckStatus::Pending))
                .filter(check::Column::Sends.eq(c.sends))
                .filter(check::Column::SentAt.eq(c.sent_at))
                .exec(&txn)
                .await?;
            if claimed.rows_affected == 1 {
                let (kind, target) = (PHOTO_JOB, c.id.to_string());
                crate::notify::enqueue(&txn, kind, None, target, String::new()).await?;
            }
        }
        txn.commit().await?;
        n += 1;
    }
    Ok(n)
}
