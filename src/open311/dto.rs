//! The GeoReport v2 documents, in the specification's element names (JSON
//! keys and XML elements alike; snake_case, as the spec writes them).

use chrono::{DateTime, FixedOffset};
use poem_openapi::Object;

/// Where this server's Open311 endpoint is and what it speaks.
#[derive(Debug, Object)]
pub struct Discovery {
    /// When the service list or definitions last changed.
    pub changeset: DateTime<FixedOffset>,
    /// Who to contact about the endpoint.
    pub contact: String,
    /// How to get an api_key.
    pub key_service: String,
    /// The endpoints (one: production).
    pub endpoints: Vec<DiscoveryEndpoint>,
}

/// One GeoReport endpoint.
#[derive(Debug, Object)]
pub struct DiscoveryEndpoint {
    /// `http://wiki.open311.org/GeoReport_v2`.
    pub specification: String,
    /// The endpoint's base URL (`…/open311/v2`).
    pub url: String,
    /// When it last changed.
    pub changeset: DateTime<FixedOffset>,
    /// `production`.
    #[oai(rename = "type")]
    pub kind: String,
    /// `text/xml` and `application/json`.
    pub formats: Vec<String>,
}

/// A service: one 小类 that can be reported.
#[derive(Debug, Object)]
pub struct Service {
    /// The 小类's code.
    pub service_code: String,
    /// The 小类's name.
    pub service_name: String,
    /// Its time limit and close criterion (结案标准).
    pub description: String,
    /// Whether it has attributes (`services/{code}` lists them).
    pub metadata: bool,
    /// `realtime`: a post answers with the service_request_id at once.
    #[oai(rename = "type")]
    pub kind: String,
    /// Comma-separated words it is found by (大类, 小类, code).
    pub keywords: String,
    /// Its 大类's name.
    pub group: String,
}

/// A service's attributes (its extra questions).
#[derive(Debug, Object)]
pub struct ServiceDefinition {
    /// The 小类's code.
    pub service_code: String,
    /// Its attributes, in display order.
    pub attributes: Vec<ServiceAttribute>,
}

/// One attribute of a service.
#[derive(Debug, Object)]
pub struct ServiceAttribute {
    /// `true`: it asks for an answer (never mere information here).
    pub variable: bool,
    /// Its code: posts send `attribute[code]`.
    pub code: String,
    /// string | number | datetime | text | singlevaluelist | multivaluelist
    pub datatype: String,
    /// Whether a post must answer it.
    pub required: bool,
    /// A hint on the expected answer.
    pub datatype_description: String,
    /// Display order.
    pub order: i32,
    /// The question.
    pub description: String,
    /// The choices of a list attribute.
    pub values: Vec<ServiceAttributeValue>,
}

/// One choice of a list attribute.
#[derive(Debug, Object)]
pub struct ServiceAttributeValue {
    /// What a post sends.
    pub key: String,
    /// What a person reads.
    pub name: String,
}

/// A service request: one case, as the public may see it (never who
/// reported it).
#[derive(Debug, Object)]
pub struct ServiceRequest {
    /// The case number (`SSP-YYYYMMDD-NNNNNN`).
    pub service_request_id: String,
    /// `open`, or `closed` (结案, not accepted, or merged as a duplicate).
    pub status: String,
    /// The latest step of its public timeline, as a citizen reads it.
    #[oai(nullable)]
    pub status_notes: Option<String>,
    /// The 小类's name.
    pub service_name: String,
    /// The 小类's code.
    pub service_code: String,
    /// What was reported.
    pub description: String,
    /// The unit responsible, once dispatched.
    #[oai(nullable)]
    pub agency_responsible: Option<String>,
    /// Not used: always empty.
    #[oai(nullable)]
    pub service_notice: Option<String>,
    /// When it was reported.
    pub requested_datetime: DateTime<FixedOffset>,
    /// When it last changed.
    pub updated_datetime: DateTime<FixedOffset>,
    /// Its handling deadline, while a clock runs.
    #[oai(nullable)]
    pub expected_datetime: Option<DateTime<FixedOffset>>,
    /// The address given with it.
    #[oai(nullable)]
    pub address: Option<String>,
    /// Not used: always empty.
    #[oai(nullable)]
    pub address_id: Option<String>,
    /// Not used: always empty.
    #[oai(nullable)]
    pub zipcode: Option<String>,
    /// Latitude, WGS-84.
    pub lat: f64,
    /// Longitude, WGS-84.
    pub long: f64,
    /// The photo URL the integrator gave with it, if any.
    #[oai(nullable)]
    pub media_url: Option<String>,
}

/// What a post created.
#[derive(Debug, Object)]
pub struct PostedRequest {
    /// The new case's number.
    pub service_request_id: String,
    /// A token that `tokens/{token}` turns into the service_request_id.
    pub token: String,
    /// What the city says about it (e.g. how an address was located).
    #[oai(nullable)]
    pub service_notice: Option<String>,
    /// The integrator's `account_id`, echoed.
    #[oai(nullable)]
    pub account_id: Option<String>,
}

/// The request a token stands for.
#[derive(Debug, Object)]
pub struct TokenAnswer {
    /// The case number.
    pub service_request_id: String,
    /// The token asked about.
    pub token: String,
}

/// One error, as GeoReport v2 writes errors.
#[derive(Debug, Object)]
pub struct Open311Error {
    /// The HTTP status.
    pub code: u16,
    /// What went wrong, ending with our error code in brackets.
    pub description: String,
}
