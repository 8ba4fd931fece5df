//! The outbox's vocabulary: what a job is, and where it stands.

crate::vocabulary! {
    stored;
    /// What an outbox job does (`outbox.kind`).
    pub enum Job {
        /// A subscribe message to a citizen's WeChat.
        WechatSubscribe = "wechat_subscribe",
        /// A unit's webhook (企业微信 robot or a signed JSON POST).
        UnitWebhook = "unit_webhook",
        /// Ask msgSecCheck again about a stored text.
        ContentText = "content_text",
        /// Send a photo to mediaCheckAsync.
        ContentPhoto = "content_photo",
    }
}

crate::vocabulary! {
    stored;
    /// Where an outbox job stands (`outbox.status`).
    pub enum JobStatus {
        /// Waiting for its time (a first try, or a retry).
        Pending = "pending",
        Sent = "sent",
        /// Not to be sent (no subscription, no webhook, a receiver that
        /// refused it for good).
        Skipped = "skipped",
        /// Given up after the last attempt.
        Failed = "failed",
    }
}
