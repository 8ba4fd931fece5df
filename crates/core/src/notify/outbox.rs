//! The outbox's writer: jobs queued in the transaction of the change they
//! announce, and what a unit is told.

use crate::{config::WechatConfig, core::CaseStatus};
use anyhow::Context;
use entity::{outbox, unit};
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const WECHAT: Job = Job::WechatSubscribe;
pub const UNIT: Job = Job::UnitWebhook;

use domain::outbox::{Job, JobStatus};

/// What a unit is told, whatever the channel.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnitMessage {
    /// dispatched | reopened | warning | overdue | escalated | accept_overdue | extension_decided
    pub event: String,
    pub case_id: Uuid,
    pub case_no: String,
    pub status: String,
    pub category: String,
    pub due_at: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub text: String,
}

/// Queues a job for the outbox worker (a message, or a content check), in
/// the caller's transaction.
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    kind: Job,
    case_id: Option<Uuid>,
    target: String,
    payload: String,
) -> anyhow::Result<()> {
    let now = chrono::Utc::now().fixed_offset();
    outbox::Entity::insert(outbox::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(kind),
        case_id: Set(case_id),
        target: Set(target),
        payload: Set(payload),
        status: Set(JobStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        done_at: Set(None),
    })
    .exec(db)
    .await
    .context("write outbox")?;
    Ok(())
}

/// Cuts a value to a template field's limit (WeChat rejects longer ones).
pub fn fit(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max_chars.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Whom a citizen message is for, about which case.
pub struct Citizen<'a> {
    pub case_id: Uuid,
    pub case_no: &'a str,
    /// None: the reporter did not log in with WeChat (no message).
    pub openid: Option<&'a str>,
    pub category: &'a str,
}

/// Queues a subscribe message to the reporter about a status change, when a
/// template is configured and the reporter logged in with WeChat.
pub async fn citizen<C: ConnectionTrait>(
    db: &C,
    cfg: &WechatConfig,
    to: &Citizen<'_>,
    status: CaseStatus,
    note: Option<&str>,
) -> anyhow::Result<()> {
    let (Some(template), Some(openid)) = (cfg.subscribe_template_id.as_deref(), to.openid) else {
        return Ok(());
    };
    let at = chrono::Utc::now()
        .with_timezone(&crate::core::time::shanghai())
        .format("%Y-%m-%d %H:%M")
        .to_string();
    // Field limits of subscribe-message templates: character_string ≤ 32,
    // thing ≤ 20, phrase ≤ 5 characters.
    let payload = serde_json::json!({
        "touser": openid,
        "template_id": template,
        "page": format!("pages/report/detail?id={}", to.case_id),
        "miniprogram_state": cfg.miniprogram_state,
        "lang": "zh_CN",
        "data": {
            "character_string1": {"value": fit(to.case_no, 32)},
            "thing2": {"value": fit(to.category, 20)},
            "phrase3": {"value": fit(status.label(), 5)},
            "time4": {"value": at},
            "thing5": {"value": fit(note.unwrap_or(status.label()), 20)},
        }
    });
    enqueue(
        db,
        WECHAT,
        Some(to.case_id),
        openid.to_owned(),
        payload.to_string(),
    )
    .await
}

/// Queues a message to a unit, when the unit has a webhook.
pub async fn unit<C: ConnectionTrait>(
    db: &C,
    target: &unit::Model,
    msg: &UnitMessage,
) -> anyhow::Result<()> {
    if target.webhook_url.is_none() {
        return Ok(());
    }
    enqueue(
        db,
        UNIT,
        Some(msg.case_id),
        target.id.to_string(),
        serde_json::to_string(msg)?,
    )
    .await
}

/// Looks up a unit fresh (webhook settings may have changed) for delivery.
pub async fn unit_row<C: ConnectionTrait>(db: &C, id: Uuid) -> anyhow::Result<Option<unit::Model>> {
    Ok(unit::Entity::find_by_id(id).one(db).await?)
}
