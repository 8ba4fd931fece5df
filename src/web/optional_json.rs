//! A JSON request body a client may leave out altogether.
//!
//! poem-openapi's `Json<Option<T>>` is optional in the spec, but a request
//! without a `Content-Type` is still refused (`415`): a `POST` with no body
//! at all, as a logout with only a bearer token is, never reaches the
//! handler. `OptionalJson` takes an absent body (no content type, nothing
//! sent) as `None`, and a JSON body as `Json<T>` does (so `null`, or an
//! empty body that claims to be JSON, is `400`).

use poem::{Request, RequestBody};
use poem_openapi::{
    ApiExtractor, ApiExtractorType, ExtractParamOptions,
    payload::{Json, ParsePayload, Payload},
    registry::{MetaMediaType, MetaRequest, Registry},
    types::{ParseFromJSON, Type},
};

/// A JSON body, or none.
pub struct OptionalJson<T>(pub Option<T>);

impl<'a, T: Type + ParseFromJSON> ApiExtractor<'a> for OptionalJson<T> {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::RequestObject];

    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        T::register(registry);
    }

    fn request_meta() -> Option<MetaRequest> {
        Some(MetaRequest {
            description: None,
            content: vec![MetaMediaType {
                content_type: <Json<T> as Payload>::CONTENT_TYPE,
                schema: <Json<T> as Payload>::schema_ref(),
            }],
            required: false,
        })
    }

    async fn from_request(
        request: &'a Request,
        body: &mut RequestBody,
        _: ExtractParamOptions<Self::ParamType>,
    ) -> poem::Result<Self> {
        let headers = request.headers();
        let has_body = headers.contains_key(poem::http::header::TRANSFER_ENCODING)
            || headers
                .get(poem::http::header::CONTENT_LENGTH)
                .is_some_and(|l| l.as_bytes() != b"0");
        match request.content_type() {
            // Nothing was sent.
            None if !has_body => Ok(Self(None)),
            None => Err(poem_openapi::error::ContentTypeError::ExpectContentType.into()),
            // A body that says it is JSON must be the object (not `null`,
            // not empty).
            Some(ct) if <Json<T> as Payload>::check_content_type(ct) => {
                let Json(v) = <Json<T> as ParsePayload>::from_request(request, body).await?;
                Ok(Self(Some(v)))
            }
            Some(ct) => Err(poem_openapi::error::ContentTypeError::NotSupported {
                content_type: ct.to_owned(),
            }
            .into()),
        }
    }
}
