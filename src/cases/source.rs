//! How a report came in: the mini-program, a volunteer's failed 劝导 or
//! 随手治, or an Open311 integrator with what it sent besides (a photo link, answers to the category's extra
//! questions). Its contact stays out: staff read it through the audited
//! reporter view.

use super::views::Filed;
pub use crate::core::channel::Channel;
use poem_openapi::Object;
use serde::Deserialize;

/// How a report came in, and what an integrator sent with it.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct CaseSource {
    /// The channel it came through.
    pub channel: Channel,
    /// The integrator (its api_key's name), for Open311.
    #[oai(skip_serializing_if_is_none)]
    pub integrator: Option<String>,
    /// A photo link the integrator gave (not fetched; open with care).
    #[oai(skip_serializing_if_is_none)]
    pub media_url: Option<String>,
    /// Answers to the category's extra questions.
    pub answers: Vec<AttributeAnswer>,
}

/// One answer to a category's extra question, as stored with the case.
#[derive(Debug, Object, Deserialize)]
#[oai(rename_all = "camelCase")]
pub struct AttributeAnswer {
    /// The attribute's code.
    pub code: String,
    /// The question.
    pub question: String,
    /// The answer, as a person reads it (a list's names, not its keys).
    pub answer: String,
}

/// How the report came in: an Open311 case names its integrator (from
/// its submit event) and shows its photo link and attribute answers.
pub fn of(channel: Channel, open311: Option<Filed>) -> CaseSource {
    let Some(o) = open311 else {
        return CaseSource {
            channel,
            integrator: None,
            media_url: None,
            answers: vec![],
        };
    };
    CaseSource {
        channel: Channel::Open311,
        integrator: o.integrator,
        media_url: o.media_url,
        answers: serde_json::from_value(serde_json::Value::Array(o.answers)).unwrap_or_default(),
    }
}
