//! Shapes of the content-security endpoints.

use chrono::{DateTime, FixedOffset};
use poem_openapi::Object;
use serde::Deserialize;
use uuid::Uuid;

use super::{
    flags::{Flag, Flags, Review},
    wechat::label_text,
};

/// The checks' vocabulary, written once in the domain (with its schemas).
pub use domain::content::{CheckStatus, Subject as CheckSubject};

/// A flag for the dispatcher: content WeChat doubted or could not judge.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct ContentFlag {
    pub id: Uuid,
    pub subject: CheckSubject,
    pub status: CheckStatus,
    /// WeChat's label (10001 ads, 20001 politics, 20002 porn, 20003 abuse …).
    pub label: Option<i32>,
    /// The label in words (广告, 时政, 色情, 辱骂 …).
    pub label_text: String,
    /// The case the content belongs to (none: a photo not yet in a report).
    pub case_id: Option<Uuid>,
    /// Its case number.
    pub case_no: Option<String>,
    /// The photo, for photo checks.
    pub media_id: Option<Uuid>,
    /// Whether the photo is blocked from every view.
    pub blocked: bool,
    /// When the content was checked first.
    pub created_at: DateTime<FixedOffset>,
    /// When WeChat's verdict came (or the checks gave up).
    pub decided_at: Option<DateTime<FixedOffset>>,
    /// When a person reviewed it; none while it is open.
    pub reviewed_at: Option<DateTime<FixedOffset>>,
    /// What the reviewer decided, and why.
    pub review_note: Option<String>,
}

/// A page of content flags, newest first.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct FlagPage {
    /// The flags of this page.
    pub items: Vec<ContentFlag>,
    /// Pass as `cursor` for the next page; none at the end.
    pub next_cursor: Option<String>,
}

/// A person's decision on a flag.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct FlagReview {
    /// What was decided and why (2–200 characters, not only spaces), for
    /// the audit log.
    #[oai(validator(min_length = 2, max_length = 200, pattern = "\\S"))]
    pub note: String,
    /// Photos only: `true` blocks the photo from every view, `false` lets
    /// it be seen again (WeChat was wrong); absent leaves it as it is.
    pub block_photo: Option<bool>,
}

impl From<Flag> for ContentFlag {
    fn from(f: Flag) -> Self {
        Self {
            label_text: label_text(f.label).into(),
            id: f.id,
            subject: f.subject,
            status: f.status,
            label: f.label,
            case_id: f.case_id,
            case_no: f.case_no,
            media_id: f.media_id,
            blocked: f.blocked,
            created_at: f.created_at,
            decided_at: f.decided_at,
            reviewed_at: f.reviewed_at,
            review_note: f.review_note,
        }
    }
}

impl From<Flags> for FlagPage {
    fn from(f: Flags) -> Self {
        Self {
            items: f.items.into_iter().map(ContentFlag::from).collect(),
            next_cursor: f.next_cursor,
        }
    }
}

impl From<FlagReview> for Review {
    fn from(r: FlagReview) -> Self {
        Self {
            note: r.note,
            block_photo: r.block_photo,
        }
    }
}

/// WeChat's verdict inside a push.
#[derive(Debug, Object, Deserialize)]
pub struct PushResult {
    /// risky | pass | review
    pub suggest: Option<String>,
    /// WeChat's label.
    pub label: Option<i64>,
}

/// A message push in JSON: an event (mediaCheckAsync's verdict is
/// `wxa_media_check`) or, in safe mode, `{ToUserName, Encrypt}`.
#[derive(Debug, Object, Deserialize)]
pub struct PushMessage {
    /// The mini-program's original id.
    #[oai(rename = "ToUserName")]
    #[serde(rename = "ToUserName")]
    pub to_user_name: Option<String>,
    /// Safe mode: the encrypted message.
    #[oai(rename = "Encrypt")]
    #[serde(rename = "Encrypt")]
    pub encrypt: Option<String>,
    /// `event` for events.
    #[oai(rename = "MsgType")]
    #[serde(rename = "MsgType")]
    pub msg_type: Option<String>,
    /// `wxa_media_check` for a photo's verdict.
    #[oai(rename = "Event")]
    #[serde(rename = "Event")]
    pub event: Option<String>,
    /// The mini-program's appid.
    pub appid: Option<String>,
    /// The trace id mediaCheckAsync returned.
    pub trace_id: Option<String>,
    /// 0 when WeChat could check the photo.
    pub errcode: Option<i64>,
    /// The verdict (version 2).
    pub result: Option<PushResult>,
}
