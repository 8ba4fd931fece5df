//! What a content check is about, and what a text's check found, as the
//! case loop records it (the checks themselves are the app's `content`).

crate::vocabulary! {
    stored;
    /// What a check is about.
    #[cfg_attr(
        feature = "openapi",
        derive(poem_openapi::Enum),
        oai(rename = "CheckSubject", rename_all = "snake_case")
    )]
    pub enum Subject {
        /// The report's description.
        Description = "description",
        /// The rating's comment.
        Comment = "comment",
        Photo = "photo",
    }
}

impl Subject {
    /// The subject in words, as staff read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Description => "问题描述",
            Self::Comment => "评价内容",
            Self::Photo => "照片",
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

crate::vocabulary! {
    stored;
    /// What WeChat said, or that nobody knows yet.
    #[cfg_attr(
        feature = "openapi",
        derive(poem_openapi::Enum),
        oai(rename_all = "snake_case")
    )]
    pub enum CheckStatus {
        /// Waiting for a verdict (WeChat unreachable, or a photo's verdict
        /// not come yet).
        Pending = "pending",
        Pass = "pass",
        /// WeChat is unsure: a person decides.
        Review = "review",
        /// Breaks WeChat's rules; a risky photo is served to nobody.
        Risky = "risky",
        /// No verdict could be had (no openid, or retries spent): a person decides.
        Unchecked = "unchecked",
    }
}

impl CheckStatus {
    /// The state in words, as staff read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "待检测",
            Self::Pass => "正常",
            Self::Review => "疑似违规",
            Self::Risky => "违规",
            Self::Unchecked => "未能检测",
        }
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
