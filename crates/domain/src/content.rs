//! What a content check is about, and what a text's check found, as the
//! case loop records it (the checks themselves are the app's `content`).

crate::vocabulary! {
    /// What a check is about (`content_checks.subject`).
    pub enum Subject {
        Description = "description",
        Comment = "comment",
        Photo = "photo",
    }
}

impl Subject {
    /// The word for it in a message to the citizen.
    pub fn said(self) -> &'static str {
        match self {
            Self::Description => "描述",
            Self::Comment => "评价",
            Self::Photo => "照片",
        }
    }
}

crate::vocabulary! {
    /// Where a content check stands (`content_checks.status`).
    pub enum CheckStatus {
        /// Waiting for WeChat's verdict.
        Pending = "pending",
        /// WeChat passed it.
        Pass = "pass",
        /// WeChat flags it for a person.
        Review = "review",
        /// WeChat found it risky.
        Risky = "risky",
        /// No verdict could be had: left for a person.
        Unchecked = "unchecked",
    }
}

/// What a text's check found, to record with its case (in the case's
/// transaction, as an effect of the change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextCheck {
    pub subject: Subject,
    /// Review, Pending or Unchecked (a passed text is not recorded).
    pub status: CheckStatus,
    pub label: Option<i32>,
    pub openid: Option<String>,
}
