//! The error statuses of each operation, for its spec: handlers return
//! `Res<T, S>`, whose spec lists exactly the statuses of the set `S`.

use super::{ApiError, ErrorBody};
use crate::{
    admin::error::AdminError,
    auth::error::AuthError,
    cases::{error::CaseError, transition::Refusal},
    categories::service::CategoryError,
    content::{error::ContentError, push::PushError},
    core::{Forbidden, page::BadCursor},
    infra::DbError,
    media::service::MediaError,
    open311::error::GeoReportError,
    points::error::PointsError,
    privacy::error::PrivacyError,
    reports::error::ReportError,
    volunteers::error::VolunteerError,
};
use poem_openapi::{
    registry::{MetaHeader, MetaMediaType, MetaResponse, MetaResponses, Registry},
    types::Type,
};

const ERROR_STATUSES: &[(u16, &str)] = &[
    (
        400,
        "Malformed input: body, parameter or multipart that does not parse or validate",
    ),
    (401, "Missing, expired or invalid credentials"),
    (403, "Authenticated, but this role may not do this"),
    (404, "Not found, or not visible to the caller"),
    (
        408,
        "The request body did not arrive in time: stalled, or slower than the node accepts",
    ),
    (409, "Conflicts with the current state"),
    (413, "Request body too large"),
    (415, "Unsupported media type"),
    (
        422,
        "Well-formed but not acceptable (unknown category, foreign photo, reused idempotency key …)",
    ),
    (
        429,
        "Abuse limit reached; retry after the Retry-After header's seconds",
    ),
    (
        500,
        "Internal error; the body carries only a request id, which is in the log",
    ),
    (
        503,
        "A dependency or capacity is unavailable for now; see Retry-After",
    ),
];

/// The error statuses one operation can answer, for its spec.
pub trait ErrorSet: Send + Sync + 'static {
    const STATUSES: &'static [u16];
}

/// Declares an [`ErrorSet`]: `error_set!(UploadErrors: 400, 401, 413);`
/// (500 and 503 are always added: any operation may meet an internal
/// error, or a database that is restarting).
#[macro_export]
macro_rules! error_set {
    ($name:ident: $($status:literal),*) => {
        #[doc = "Error statuses of one group of operations."]
        pub struct $name;
        impl $crate::error::ErrorSet for $name {
            const STATUSES: &'static [u16] = &[$($status,)* 500, 503];
        }
    };
}

/// An [`ApiError`] from an operation whose spec lists only the statuses of `S`.
pub struct Errors<S: ErrorSet>(pub ApiError, std::marker::PhantomData<S>);

/// What handlers return: the spec lists exactly the statuses of `S`.
pub type Res<T, S> = Result<T, Errors<S>>;

/// An error that a handler may return with `?`: every feature's error type
/// (each converts into an [`ApiError`] below, the one place a status is chosen).
pub trait IntoApiError: Into<ApiError> {}

impl IntoApiError for ApiError {}
impl IntoApiError for anyhow::Error {}
impl IntoApiError for Forbidden {}
impl IntoApiError for BadCursor {}
impl IntoApiError for DbError {}
impl IntoApiError for Refusal {}
impl IntoApiError for CaseError {}
impl IntoApiError for ReportError {}
impl IntoApiError for CategoryError {}
impl IntoApiError for AuthError {}
impl IntoApiError for MediaError {}
impl IntoApiError for AdminError {}
impl IntoApiError for PointsError {}
impl IntoApiError for ContentError {}
impl IntoApiError for PushError {}
impl IntoApiError for GeoReportError {}
impl IntoApiError for PrivacyError {}
impl IntoApiError for VolunteerError {}

impl<S: ErrorSet, E: IntoApiError> From<E> for Errors<S> {
    fn from(e: E) -> Self {
        Self(e.into(), std::marker::PhantomData)
    }
}

impl<S: ErrorSet> From<Errors<S>> for poem::Error {
    fn from(e: Errors<S>) -> Self {
        e.0.into()
    }
}

impl<S: ErrorSet> poem_openapi::ApiResponse for Errors<S> {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: meta_for(S::STATUSES),
        }
    }

    fn register(registry: &mut Registry) {
        ErrorBody::register(registry);
    }
}

fn meta_for(statuses: &[u16]) -> Vec<MetaResponse> {
    ERROR_STATUSES
        .iter()
        // Whatever takes a body (413) can also be cut for its pace (408).
        .filter(|(s, _)| statuses.contains(s) || (*s == 408 && statuses.contains(&413)))
        .map(|(status, description)| MetaResponse {
            description,
            status: Some(*status),
            status_range: None,
            content: vec![MetaMediaType {
                content_type: "application/json; charset=utf-8",
                schema: ErrorBody::schema_ref(),
            }],
            headers: if matches!(status, 429 | 503) {
                vec![MetaHeader {
                    name: "Retry-After".into(),
                    description: Some("Seconds to wait before retrying".into()),
                    required: false,
                    deprecated: false,
                    schema: u64::schema_ref(),
                }]
            } else {
                vec![]
            },
        })
        .collect()
}
