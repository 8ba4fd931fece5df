//! GeoReport v2 on the wire: the format a path's extension asks for, the
//! XML form of every document (the spec's element names and nesting), and
//! errors as the spec's list of `{code, description}` in either format.

use super::dto::Open311Error;
use crate::error::ErrorSet;
use poem::{IntoResponse, Response, http::StatusCode};
use poem_openapi::{
    ApiResponse,
    payload::Payload,
    registry::{MetaMediaType, MetaResponse, MetaResponses, MetaSchemaRef, Registry},
    types::{ToJSON, Type},
};
use quick_xml::{
    Writer,
    events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event},
};
use serde_json::Value;
use std::marker::PhantomData;

pub const JSON: &str = "application/json; charset=utf-8";
pub const XML: &str = "text/xml; charset=utf-8";

/// The format a path asks for with its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// Splits `name.json` / `name.xml` into the name and its format.
    pub fn split(file: &str) -> Option<(&str, Format)> {
        let (name, ext) = file.rsplit_once('.')?;
        let format = match ext {
            "json" => Format::Json,
            "xml" => Format::Xml,
            _ => return None,
        };
        (!name.is_empty()).then_some((name, format))
    }

    /// The format of an Open311 path, from its extension (JSON when none).
    pub fn of_path(path: &str) -> Format {
        if path.ends_with(".xml") {
            Format::Xml
        } else {
            Format::Json
        }
    }
}

/// A document's place in XML: its root element and, for a list, the
/// element of each item.
pub trait XmlShape {
    const ROOT: &'static str;
    const ITEM: Option<&'static str> = None;
}

/// An Open311 document as XML (`text/xml`), from the same types as its JSON.
pub struct Xml311<T>(pub T);

impl<T: Type + XmlShape> Payload for Xml311<T> {
    const CONTENT_TYPE: &'static str = XML;

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: ToJSON + XmlShape> IntoResponse for Xml311<T> {
    fn into_response(self) -> Response {
        let value = self.0.to_json().unwrap_or(Value::Null);
        Response::builder()
            .content_type(XML)
            .body(document(T::ROOT, T::ITEM, &value))
    }
}

impl<T: ToJSON + XmlShape> ApiResponse for Xml311<T> {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: vec![MetaResponse {
                description: "The document, as XML",
                status: Some(200),
                status_range: None,
                content: vec![MetaMediaType {
                    content_type: XML,
                    schema: T::schema_ref(),
                }],
                headers: vec![],
            }],
        }
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

/// The element each item of a nested list is written as.
fn item_of(list: &str) -> &'static str {
    match list {
        "attributes" => "attribute",
        "values" => "value",
        "endpoints" => "endpoint",
        "formats" => "format",
        _ => "item",
    }
}

/// A whole XML document: `<root>` holding the value, or for a list, one
/// `<item>` per element.
pub fn document(root: &str, item: Option<&str>, value: &Value) -> String {
    let mut w = Writer::new(Vec::new());
    let mut write = || -> std::io::Result<()> {
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
        match (item, value) {
            (Some(item), Value::Array(items)) => {
                w.write_event(Event::Start(BytesStart::new(root)))?;
                for v in items {
                    element(&mut w, item, v)?;
                }
                w.write_event(Event::End(BytesEnd::new(root)))
            }
            _ => element(&mut w, root, value),
        }
    };
    // Writing into memory cannot fail.
    let _ = write();
    String::from_utf8(w.into_inner()).unwrap_or_default()
}

fn element(w: &mut Writer<Vec<u8>>, name: &str, value: &Value) -> std::io::Result<()> {
    let text = match value {
        Value::Null => return w.write_event(Event::Empty(BytesStart::new(name))),
        Value::Object(fields) => {
            w.write_event(Event::Start(BytesStart::new(name)))?;
            for (k, v) in fields {
                element(w, k, v)?;
            }
            return w.write_event(Event::End(BytesEnd::new(name)));
        }
        Value::Array(items) => {
            w.write_event(Event::Start(BytesStart::new(name)))?;
            for v in items {
                element(w, item_of(name), v)?;
            }
            return w.write_event(Event::End(BytesEnd::new(name)));
        }
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
    };
    w.write_event(Event::Start(BytesStart::new(name)))?;
    w.write_event(Event::Text(BytesText::new(&text)))?;
    w.write_event(Event::End(BytesEnd::new(name)))
}

impl XmlShape for super::dto::Discovery {
    const ROOT: &'static str = "discovery";
}

impl XmlShape for super::dto::ServiceDefinition {
    const ROOT: &'static str = "service_definition";
}

/// Lists: `<services><service>`, `<service_requests><request>`, `<errors><error>`.
pub trait ListItem {
    const LIST: &'static str;
    const ITEM: &'static str;
}

impl<T: ListItem> XmlShape for Vec<T> {
    const ROOT: &'static str = T::LIST;
    const ITEM: Option<&'static str> = Some(T::ITEM);
}

macro_rules! list_item {
    ($t:ty, $list:literal, $item:literal) => {
        impl ListItem for $t {
            const LIST: &'static str = $list;
            const ITEM: &'static str = $item;
        }
    };
}
list_item!(super::dto::Service, "services", "service");
list_item!(super::dto::ServiceRequest, "service_requests", "request");
list_item!(super::dto::PostedRequest, "service_requests", "request");
list_item!(super::dto::TokenAnswer, "service_requests", "request");
list_item!(super::dto::Open311Error, "errors", "error");

/// The content types an operation answers in.
pub trait Formats: Send + Sync + 'static {
    const CONTENT_TYPES: &'static [&'static str];
}

/// `.json` operations.
pub struct JsonOnly;
/// `.xml` operations.
pub struct XmlOnly;
/// Operations whose path names the format (`{code}.json` or `{code}.xml`).
pub struct EitherFormat;

impl Formats for JsonOnly {
    const CONTENT_TYPES: &'static [&'static str] = &[JSON];
}
impl Formats for XmlOnly {
    const CONTENT_TYPES: &'static [&'static str] = &[XML];
}
impl Formats for EitherFormat {
    const CONTENT_TYPES: &'static [&'static str] = &[JSON, XML];
}

/// The error statuses of an Open311 operation, each answered as the
/// spec's error list in the operation's format. Handlers return our
/// errors; `rewrite_error` gives them this shape on the way out.
pub struct Open311Errors<S: ErrorSet, F: Formats>(pub crate::error::ApiError, PhantomData<(S, F)>);

impl<S: ErrorSet, F: Formats, E: crate::error::IntoApiError> From<E> for Open311Errors<S, F> {
    fn from(e: E) -> Self {
        Self(e.into(), PhantomData)
    }
}

impl<S: ErrorSet, F: Formats> From<Open311Errors<S, F>> for poem::Error {
    fn from(e: Open311Errors<S, F>) -> Self {
        e.0.into()
    }
}

const STATUS_TEXT: &[(u16, &str)] = &[
    (400, "Invalid input: a missing or malformed field"),
    (403, "A missing, unknown or revoked api_key"),
    (404, "No such service, request or token"),
    (408, "The body did not arrive in time: stalled, or too slow"),
    (413, "The body is too large"),
    (415, "The body is neither form-urlencoded nor multipart"),
    (429, "This api_key's rate limit is reached; see Retry-After"),
    (500, "Internal error; the description carries a request id"),
    (503, "A dependency is unavailable for now; see Retry-After"),
];

impl<S: ErrorSet, F: Formats> ApiResponse for Open311Errors<S, F> {
    fn meta() -> MetaResponses {
        let schema = <Vec<Open311Error> as Type>::schema_ref;
        MetaResponses {
            responses: STATUS_TEXT
                .iter()
                // Whatever takes a body (413) can also be cut for its pace (408).
                .filter(|(s, _)| {
                    S::STATUSES.contains(s) || (*s == 408 && S::STATUSES.contains(&413))
                })
                .map(|(status, description)| MetaResponse {
                    description,
                    status: Some(*status),
                    status_range: None,
                    content: F::CONTENT_TYPES
                        .iter()
                        .map(|ct| MetaMediaType {
                            content_type: ct,
                            schema: schema(),
                        })
                        .collect(),
                    headers: vec![],
                })
                .collect(),
        }
    }

    fn register(registry: &mut Registry) {
        <Vec<Open311Error> as Type>::register(registry);
    }
}

/// The status an Open311 client gets for one of ours: the spec knows
/// 400, 403 and 404 (a refused submission is a 400 there, an unknown
/// caller a 403).
fn open311_status(status: StatusCode) -> StatusCode {
    match status.as_u16() {
        401 => StatusCode::FORBIDDEN,
        409 | 422 => StatusCode::BAD_REQUEST,
        _ => status,
    }
}

/// Gives an error answer of an `/open311/` path the spec's shape, in the
/// format its extension asks for; other answers pass unchanged.
pub async fn rewrite_error(path: &str, resp: Response) -> Response {
    if !(resp.status().is_client_error() || resp.status().is_server_error()) {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let bytes = body.into_vec().await.unwrap_or_default();
    let ours: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let status = open311_status(parts.status);
    let description = match (ours["message"].as_str(), ours["code"].as_str()) {
        (Some(m), Some(c)) => format!("{m} [{c}]"),
        _ => match ours["requestId"].as_str() {
            Some(id) => format!("internal error; request id {id}"),
            None => status.canonical_reason().unwrap_or("error").to_owned(),
        },
    };
    let errors = vec![Open311Error {
        code: status.as_u16(),
        description,
    }];
    let mut out = match Format::of_path(path) {
        Format::Json => poem_openapi::payload::Json(errors).into_response(),
        Format::Xml => Xml311(errors).into_response(),
    };
    out.set_status(status);
    // The operation id stays, for the metrics' route label.
    *out.extensions_mut() = parts.extensions;
    for (name, value) in parts.headers.iter() {
        if name != "content-type" && name != "content-length" {
            out.headers_mut().insert(name.clone(), value.clone());
        }
    }
    out
}

/// A document in the format its path asked for (`{name}.json` or `.xml`).
pub enum Doc<T> {
    Json(T),
    Xml(T),
}

impl<T> Doc<T> {
    pub fn new(format: Format, value: T) -> Self {
        match format {
            Format::Json => Self::Json(value),
            Format::Xml => Self::Xml(value),
        }
    }
}

impl<T: ToJSON + XmlShape> IntoResponse for Doc<T> {
    fn into_response(self) -> Response {
        match self {
            Self::Json(v) => poem_openapi::payload::Json(v).into_response(),
            Self::Xml(v) => Xml311(v).into_response(),
        }
    }
}

impl<T: ToJSON + XmlShape> ApiResponse for Doc<T> {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: vec![MetaResponse {
                description: "The document, in the format the path's extension names",
                status: Some(200),
                status_range: None,
                content: [JSON, XML]
                    .into_iter()
                    .map(|ct| MetaMediaType {
                        content_type: ct,
                        schema: T::schema_ref(),
                    })
                    .collect(),
                headers: vec![],
            }],
        }
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}
