//! Delivers the outbox: claims due rows (a short lease in the row itself, so
//! several nodes never send one row at once), sends, and records the result;
//! failures are retried with exponential backoff up to a limit.

use super::{UNIT, UnitMessage, WECHAT, wechat};
use crate::campaign::schedule::TaskMessage;
use crate::{core::time::utc_now, state::AppState};
use anyhow::Context;
use chrono::Duration;
use entity::outbox;
use hmac::{Hmac, Mac};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use sha2::Sha256;

/// How one delivery attempt ended.
pub enum Outcome {
    Sent,
    /// Recorded, never retried.
    Skipped(String),
    /// Retried with backoff, up to `workflow.outbox_max_attempts`.
    Failed(String),
}

/// Runs a job of a kind the notifications do not own (content checks);
/// the crate root names it, so that this module imports no feature.
pub type OtherJobs =
    fn(AppState, outbox::Model) -> futures_util::future::BoxFuture<'static, Outcome>;

/// Starts delivering what is due now; returns how many rows were claimed.
///
/// Each claimed row is sent on a task of its own (at most
/// `webhooks.at_once` per node), so that one slow receiver holds up only
/// its own row; the row's lease keeps other nodes off it meanwhile.
pub async fn deliver_due(state: &AppState, other: OtherJobs) -> anyhow::Result<usize> {
    let now = utc_now();
    let free = state.notify.slots.available_permits();
    if free == 0 {
        return Ok(0);
    }
    let rows = outbox::Entity::find()
        .filter(outbox::Column::Status.eq(domain::outbox::JobStatus::Pending))
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .filter(
            Condition::any()
                .add(outbox::Column::LockedUntil.is_null())
                .add(outbox::Column::LockedUntil.lt(now)),
        )
        .order_by_asc(outbox::Column::NextAttemptAt)
        .limit(u64::try_from(free.min(32)).unwrap_or(32))
        .all(&state.db)
        .await
        .context("read outbox")?;
    let mut claimed_rows = 0;
    for row in rows {
        let Ok(permit) = state.notify.slots.clone().try_acquire_owned() else {
            break;
        };
        let claimed = outbox::Entity::update_many()
            .col_expr(
                outbox::Column::LockedUntil,
                Expr::value(now + Duration::seconds(60)),
            )
            .col_expr(
                outbox::Column::Attempts,
                Expr::col(outbox::Column::Attempts).add(1),
            )
            .filter(outbox::Column::Id.eq(row.id))
            .filter(outbox::Column::Status.eq(domain::outbox::JobStatus::Pending))
            .filter(
                Condition::any()
                    .add(outbox::Column::LockedUntil.is_null())
                    .add(outbox::Column::LockedUntil.lt(now)),
            )
            .exec(&state.db)
            .await
            .context("claim outbox row")?;
        if claimed.rows_affected != 1 {
            continue;
        }
        claimed_rows += 1;
        let state = state.clone();
        tokio::spawn(async move {
            let _permit = permit;
            if let Err(e) = deliver(&state, row, other).await {
                tracing::warn!(error = %format!("{e:#}"), "outbox delivery failed");
            }
        });
    }
    Ok(claimed_rows)
}

/// Sends one claimed row and records the outcome (the lease ends).
async fn deliver(state: &AppState, row: outbox::Model, other: OtherJobs) -> anyhow::Result<()> {
    let attempts = row.attempts + 1;
    let outcome = match row.kind {
        WECHAT => match wechat::send(state, &row.payload).await {
            wechat::Sent::Ok => Outcome::Sent,
            wechat::Sent::Skip(e) => Outcome::Skipped(e),
            wechat::Sent::Retry(e) => Outcome::Failed(e),
        },
        UNIT => unit_webhook(state, &row).await,
        _ => other(state.clone(), row.clone()).await,
    };
    let mut am = outbox::ActiveModel {
        locked_until: Set(None),
        ..Default::default()
    };
    let done = utc_now();
    let counted = |what: &str| {
        state
            .metrics
            .notifications
            .with_label_values(&[row.kind.as_str(), what])
            .inc();
    };
    match outcome {
        Outcome::Sent => {
            am.status = Set(domain::outbox::JobStatus::Sent);
            am.done_at = Set(Some(done));
            counted("sent");
        }
        Outcome::Skipped(e) => {
            am.status = Set(domain::outbox::JobStatus::Skipped);
            am.last_error = Set(Some(e));
            am.done_at = Set(Some(done));
            counted("skipped");
        }
        Outcome::Failed(e) => {
            tracing::warn!(id = %row.id, kind = row.kind.as_str(), attempts, error = %e, "notification failed");
            am.last_error = Set(Some(e));
            if attempts >= state.config.workflow.outbox_max_attempts {
                am.status = Set(domain::outbox::JobStatus::Failed);
                am.done_at = Set(Some(done));
                counted("failed");
            } else {
                am.next_attempt_at = Set(done + backoff(state, attempts));
                counted("retry");
            }
        }
    }
    outbox::Entity::update_many()
        .set(am)
        .filter(outbox::Column::Id.eq(row.id))
        .exec(&state.db)
        .await
        .context("record outbox result")?;
    Ok(())
}

/// base × 2^(attempts−1), capped at one hour.
fn backoff(state: &AppState, attempts: i32) -> Duration {
    let base = i64::try_from(state.config.workflow.outbox_backoff_ms).unwrap_or(1000);
    let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(0);
    Duration::milliseconds(std::cmp::min(base.saturating_mul(1i64 << exp), 3_600_000))
}

/// The markdown a WeCom group robot shows.
fn markdown(m: &UnitMessage) -> String {
    let due = m
        .due_at
        .map(|d| {
            d.with_timezone(&crate::core::time::shanghai())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|| "—".into());
    format!(
        "**{}**\n> 案卷：<font color=\"info\">{}</font>\n> 类别：{}\n> 时限：{}\n> 状态：{}",
        m.text, m.case_no, m.category, due, m.status
    )
}

/// The markdown a WeCom group robot shows for a 创建日历 task.
fn task_markdown(m: &TaskMessage) -> String {
    format!(
        "**{}**\n> 指标：<font color=\"info\">{} {}</font>\n> 节点：{}\n> 日期：{}\n> 单位：{}",
        m.text,
        m.item_code,
        m.item_name,
        m.title,
        m.due_on.format("%Y-%m-%d"),
        m.unit_name
    )
}

async fn unit_webhook(state: &AppState, row: &outbox::Model) -> Outcome {
    // A case's message, or a 创建日历 task's.
    let content = if let Ok(msg) = serde_json::from_str::<UnitMessage>(&row.payload) {
        markdown(&msg)
    } else if let Ok(msg) = serde_json::from_str::<TaskMessage>(&row.payload) {
        task_markdown(&msg)
    } else {
        return Outcome::Skipped("payload is not a unit message".into());
    };
    let Ok(unit_id) = row.target.parse() else {
        return Outcome::Skipped("target is not a unit id".into());
    };
    let unit = match super::unit_row(&state.db, unit_id).await {
        Ok(Some(u)) => u,
        Ok(None) => return Outcome::Skipped("unit no longer exists".into()),
        Err(e) => return Outcome::Failed(format!("{e:#}")),
    };
    let Some(url) = unit.webhook_url.as_deref() else {
        return Outcome::Skipped("unit has no webhook any more".into());
    };
    // A literal address never reaches the resolver's guard: checked here
    // (URLs saved before the check existed).
    if let Err(e) = state.notify.egress.check_literal(url) {
        return Outcome::Skipped(e.to_string());
    }
    let request = if unit.webhook_kind.as_deref() == Some("wecom") {
        state
            .notify
            .webhook_http
            .post(url)
            .json(&serde_json::json!({
                "msgtype": "markdown",
                "markdown": {"content": content},
            }))
    } else {
        let body = row.payload.clone();
        let ts = utc_now().timestamp().to_string();
        let secret = unit.webhook_secret.clone().unwrap_or_default();
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
            return Outcome::Skipped("bad webhook secret".into());
        };
        mac.update(ts.as_bytes());
        mac.update(b".");
        mac.update(body.as_bytes());
        let sig = hex::encode(mac.finalize().into_bytes());
        state
            .notify
            .webhook_http
            .post(url)
            .header("content-type", "application/json")
            .header("x-suishoupai-timestamp", ts)
            .header("x-suishoupai-signature", format!("sha256={sig}"))
            .header("x-suishoupai-delivery", row.id.to_string())
            .body(body)
    };
    match request.send().await {
        Ok(r) if r.status().is_success() => {
            if unit.webhook_kind.as_deref() == Some("wecom") {
                // WeCom answers 200 with an errcode.
                match r.json::<serde_json::Value>().await {
                    Ok(v) if v["errcode"].as_i64().unwrap_or(0) == 0 => Outcome::Sent,
                    Ok(v) => Outcome::Failed(format!("wecom errcode {}", v["errcode"])),
                    Err(_) => Outcome::Sent,
                }
            } else {
                Outcome::Sent
            }
        }
        Ok(r) => Outcome::Failed(format!("HTTP {}", r.status())),
        Err(e) => Outcome::Failed(if e.is_timeout() {
            "timed out".into()
        } else if refused_internal(&e) {
            "refused: the host resolves to an internal address".into()
        } else if e.is_connect() {
            "connection failed".into()
        } else {
            "request failed".into()
        }),
    }
}

/// Whether a send failed because the guarded resolver refused the host.
fn refused_internal(e: &reqwest::Error) -> bool {
    let mut cur: Option<&dyn std::error::Error> = Some(e);
    while let Some(x) = cur {
        if x.downcast_ref::<crate::infra::egress::Refused>().is_some() {
            return true;
        }
        cur = x.source();
    }
    false
}
