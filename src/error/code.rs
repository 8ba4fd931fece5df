//! Every error code the API answers with, written once: the handlers name
//! a variant, the body carries its word, and the spec lists the words as
//! the `ErrorCode` enum, from which the console's and the mini-program's
//! types are generated. Which status each code comes with is in
//! [`super::ApiError`] and the operations' descriptions.

domain::vocabulary! {
    /// Stable machine-readable code of an error, snake_case.
    #[derive(poem_openapi::Enum, serde::Serialize)]
    #[oai(rename_all = "snake_case")]
    #[serde(rename_all = "snake_case")]
    pub enum ErrorCode {
        AccountDisabled = "account_disabled",
        AddressIdUnsupported = "address_id_unsupported",
        AddressNotLocated = "address_not_located",
        AddressTooLong = "address_too_long",
        AfterPhotosRequired = "after_photos_required",
        AlreadyRated = "already_rated",
        AlreadyReviewed = "already_reviewed",
        AlreadyUsed = "already_used",
        ApiKeyNameTaken = "api_key_name_taken",
        AttributeRequired = "attribute_required",
        BboxTooLarge = "bbox_too_large",
        BodyTimeout = "body_timeout",
        ConcurrentUpdate = "concurrent_update",
        ContentRejected = "content_rejected",
        DatabaseUnavailable = "database_unavailable",
        DateRangeTooLong = "date_range_too_long",
        DecodeTimeout = "decode_timeout",
        DescriptionTooLong = "description_too_long",
        DuplicateMediaIds = "duplicate_media_ids",
        EmptyFile = "empty_file",
        ExportBusy = "export_busy",
        ExportTooLarge = "export_too_large",
        ExtensionDecided = "extension_decided",
        ExtensionPending = "extension_pending",
        FieldTooLong = "field_too_long",
        Forbidden = "forbidden",
        HeicNotSupported = "heic_not_supported",
        IdempotencyInProgress = "idempotency_in_progress",
        IdempotencyKeyReused = "idempotency_key_reused",
        IllegalTransition = "illegal_transition",
        ImageCorrupt = "image_corrupt",
        ImageTooCostly = "image_too_costly",
        ImageTooManyPixels = "image_too_many_pixels",
        InsufficientPoints = "insufficient_points",
        InternalError = "internal_error",
        InvalidAttribute = "invalid_attribute",
        InvalidAttributes = "invalid_attributes",
        InvalidBbox = "invalid_bbox",
        InvalidBody = "invalid_body",
        InvalidCalendar = "invalid_calendar",
        InvalidCode = "invalid_code",
        InvalidCoordinates = "invalid_coordinates",
        InvalidCredentials = "invalid_credentials",
        InvalidCriterion = "invalid_criterion",
        InvalidCursor = "invalid_cursor",
        InvalidDate = "invalid_date",
        InvalidDisplayName = "invalid_display_name",
        InvalidFrom = "invalid_from",
        InvalidGeojson = "invalid_geojson",
        InvalidIdempotencyKey = "invalid_idempotency_key",
        InvalidLevel = "invalid_level",
        InvalidMedia = "invalid_media",
        InvalidMediaUrl = "invalid_media_url",
        InvalidMessage = "invalid_message",
        InvalidName = "invalid_name",
        InvalidParent = "invalid_parent",
        InvalidPeriod = "invalid_period",
        InvalidPeriods = "invalid_periods",
        InvalidPhotoCount = "invalid_photo_count",
        InvalidPolygon = "invalid_polygon",
        InvalidRate = "invalid_rate",
        InvalidRefreshToken = "invalid_refresh_token",
        InvalidRequest = "invalid_request",
        InvalidRole = "invalid_role",
        InvalidSignature = "invalid_signature",
        InvalidStatus = "invalid_status",
        InvalidThreshold = "invalid_threshold",
        InvalidTimeLimit = "invalid_time_limit",
        InvalidUnit = "invalid_unit",
        InvalidWebhook = "invalid_webhook",
        LimitsUnavailable = "limits_unavailable",
        LocationRequired = "location_required",
        LoginBusy = "login_busy",
        MediaAlreadyAttached = "media_already_attached",
        MediaBusy = "media_busy",
        MethodNotAllowed = "method_not_allowed",
        NameTaken = "name_taken",
        NoHigherUnit = "no_higher_unit",
        NoUnit = "no_unit",
        NotACarrier = "not_a_carrier",
        NotAPhoto = "not_a_photo",
        NotClosed = "not_closed",
        NotFound = "not_found",
        NotOpen = "not_open",
        NoteRequired = "note_required",
        NoteTooLong = "note_too_long",
        NothingDue = "nothing_due",
        OutOfStock = "out_of_stock",
        OutsideServiceArea = "outside_service_area",
        OwnAccount = "own_account",
        OwnReport = "own_report",
        PageTooDeep = "page_too_deep",
        PayloadTooLarge = "payload_too_large",
        PushUnavailable = "push_unavailable",
        RateLimited = "rate_limited",
        ReasonRequired = "reason_required",
        RefreshReused = "refresh_reused",
        ReplayedPush = "replayed_push",
        RuleExists = "rule_exists",
        ServiceCodeRequired = "service_code_required",
        SessionEnded = "session_ended",
        StorageUnavailable = "storage_unavailable",
        TokenRevoked = "token_revoked",
        TooManyExports = "too_many_exports",
        TooManyFeeds = "too_many_feeds",
        TooManyIds = "too_many_ids",
        TooManyScans = "too_many_scans",
        TooManyUploads = "too_many_uploads",
        Unauthorized = "unauthorized",
        UnitCycle = "unit_cycle",
        UnknownArea = "unknown_area",
        UnknownAttribute = "unknown_attribute",
        UnknownCase = "unknown_case",
        UnknownCategory = "unknown_category",
        UnknownServiceCode = "unknown_service_code",
        UnknownUnit = "unknown_unit",
        UnsupportedContentType = "unsupported_content_type",
        UnsupportedMediaType = "unsupported_media_type",
        UsernameTaken = "username_taken",
        VersionConflict = "version_conflict",
        WeakPassword = "weak_password",
        WebhookNotAllowed = "webhook_not_allowed",
        WechatBoundElsewhere = "wechat_bound_elsewhere",
        WechatBusy = "wechat_busy",
        WechatCodeInvalid = "wechat_code_invalid",
        WechatError = "wechat_error",
        WechatNotBound = "wechat_not_bound",
        WechatRateLimited = "wechat_rate_limited",
        WechatUnavailable = "wechat_unavailable",
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<domain::attributes::Fault> for ErrorCode {
    fn from(f: domain::attributes::Fault) -> Self {
        use domain::attributes::Fault;
        match f {
            Fault::AttributeRequired => Self::AttributeRequired,
            Fault::InvalidAttribute => Self::InvalidAttribute,
            Fault::InvalidAttributes => Self::InvalidAttributes,
            Fault::UnknownAttribute => Self::UnknownAttribute,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;
    use poem_openapi::types::ToJSON;

    #[test]
    fn a_domain_fault_is_the_code_of_its_word() {
        for f in domain::attributes::Fault::ALL {
            assert_eq!(ErrorCode::from(f).as_str(), f.as_str());
        }
    }

    #[test]
    fn the_body_the_spec_and_the_word_agree() {
        for c in ErrorCode::ALL {
            let word = serde_json::Value::from(c.as_str());
            assert_eq!(serde_json::to_value(c).ok(), Some(word.clone()), "{c:?}");
            assert_eq!(c.to_json(), Some(word), "{c:?}");
            assert_eq!(ErrorCode::parse(c.as_str()), Some(c));
        }
    }
}
