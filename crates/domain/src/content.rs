//! What a content check is about, and what a text's check found, as the
//! case loop records it (the checks themselves are the app's `content`).

/// What a check is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Description,
    Comment,
    Photo,
}

impl Subject {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Description => "description",
            Self::Comment => "comment",
            Self::Photo => "photo",
        }
    }

    /// The word for it in a message to the citizen.
    pub fn said(self) -> &'static str {
        match self {
            Self::Description => "描述",
            Self::Comment => "评价",
            Self::Photo => "照片",
        }
    }
}

/// What a text's check found, to record with its case (in the case's
/// transaction, as an effect of the change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextCheck {
    pub subject: Subject,
    /// review | pending | unchecked
    pub status: &'static str,
    pub label: Option<i32>,
    pub openid: Option<String>,
}
