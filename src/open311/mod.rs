//! Open311 GeoReport v2 under `/open311/v2/`: the city's hotlines (12345),
//! apps and dashboards read services and requests and post requests, in
//! XML or JSON by the path's extension, as the specification writes them
//! (<http://wiki.open311.org/GeoReport_v2>). A post is a report like any
//! other: the same submission path, the same lifecycle.
//!
//! poem-openapi routes whole path segments, so `services.json` and
//! `services.xml` are two operations, and `services/{code}.json` is one
//! operation whose last segment carries the extension.

pub use suishoupai_core::open311::*;

pub mod dto;
pub mod post;
pub mod view_dto;
pub mod wire;

use crate::{api::Tag, error::ApiError, state::AppState};
use dto::{
    Discovery, DiscoveryEndpoint, PostedRequest, Service, ServiceDefinition, ServiceRequest,
    TokenAnswer,
};
use poem::{Request, web::Data};
use poem_openapi::{
    OpenApi,
    param::{Path, Query},
    payload::Json,
};
use wire::{Doc, EitherFormat, Format, JsonOnly, Open311Errors, Xml311, XmlOnly};

crate::error_set!(DiscoveryErrors:);
crate::error_set!(ReadErrors: 400, 404);
crate::error_set!(QueryErrors: 400, 404, 429);
crate::error_set!(PostErrors: 400, 403, 404, 413, 415, 429);

type Res<T, S, F> = Result<T, Open311Errors<S, F>>;

/// A `{name}.json` / `{name}.xml` path segment, split.
fn file(segment: &str) -> Result<(&str, Format), ApiError> {
    Format::split(segment).ok_or_else(|| {
        ApiError::NotFound("name the format: end the path with .json or .xml".into())
    })
}

fn discovery(state: &AppState, req: &Request) -> Discovery {
    static STARTED: std::sync::OnceLock<chrono::DateTime<chrono::FixedOffset>> =
        std::sync::OnceLock::new();
    let changeset = *STARTED.get_or_init(|| {
        chrono::SubsecRound::trunc_subsecs(
            crate::core::time::china(crate::core::time::utc_now()),
            0,
        )
    });
    let base = match state.config.public_url.trim_end_matches('/') {
        "" => format!("http://{}", req.header("host").unwrap_or("localhost")),
        url => url.to_owned(),
    };
    Discovery {
        changeset,
        contact: "城市管理指挥中心（随手拍）".into(),
        key_service: "An administrator issues api_keys: POST /api/v1/admin/api-keys".into(),
        endpoints: vec![DiscoveryEndpoint {
            specification: "http://wiki.open311.org/GeoReport_v2".into(),
            url: format!("{base}/open311/v2"),
            changeset,
            kind: "production".into(),
            formats: vec!["text/xml".into(), "application/json".into()],
        }],
    }
}

/// `page_size`'s default.
fn max_page() -> u64 {
    service::MAX_PAGE_SIZE
}

fn first_page() -> u64 {
    1
}

pub struct Open311Api;

#[OpenApi(prefix_path = "/open311/v2", tag = "Tag::Open311")]
impl Open311Api {
    /// Discovery (JSON)
    ///
    /// Where the endpoint is, which formats it speaks, how to get a key.
    #[oai(
        path = "/discovery.json",
        method = "get",
        operation_id = "open311DiscoveryJson"
    )]
    async fn discovery_json(
        &self,
        state: Data<&AppState>,
        req: &Request,
    ) -> Res<Json<Discovery>, DiscoveryErrors, JsonOnly> {
        Ok(Json(discovery(&state, req)))
    }

    /// Discovery (XML)
    #[oai(
        path = "/discovery.xml",
        method = "get",
        operation_id = "open311DiscoveryXml"
    )]
    async fn discovery_xml(
        &self,
        state: Data<&AppState>,
        req: &Request,
    ) -> Res<Xml311<Discovery>, DiscoveryErrors, XmlOnly> {
        Ok(Xml311(discovery(&state, req)))
    }

    /// Services (JSON)
    ///
    /// Every 小类 that can be reported: `service_code` is its code, `group`
    /// its 大类, `metadata` whether it has attributes, `type` `realtime`
    /// (a post answers with the request id at once).
    #[oai(
        path = "/services.json",
        method = "get",
        operation_id = "open311ServicesJson"
    )]
    async fn services_json(
        &self,
        state: Data<&AppState>,
        /// Ignored: this server serves one city.
        jurisdiction_id: Query<Option<String>>,
    ) -> Res<Json<Vec<Service>>, DiscoveryErrors, JsonOnly> {
        let _ = jurisdiction_id;
        Ok(Json(view_dto::services(&state)))
    }

    /// Services (XML)
    #[oai(
        path = "/services.xml",
        method = "get",
        operation_id = "open311ServicesXml"
    )]
    async fn services_xml(
        &self,
        state: Data<&AppState>,
        /// Ignored: this server serves one city.
        jurisdiction_id: Query<Option<String>>,
    ) -> Res<Xml311<Vec<Service>>, DiscoveryErrors, XmlOnly> {
        let _ = jurisdiction_id;
        Ok(Xml311(view_dto::services(&state)))
    }

    /// Service definition
    ///
    /// `{service_code}.json` or `{service_code}.xml`: the service's
    /// attributes (its extra questions), in display order. An unknown
    /// service is `404`.
    #[oai(
        path = "/services/:file",
        method = "get",
        operation_id = "open311ServiceDefinition"
    )]
    async fn definition(
        &self,
        state: Data<&AppState>,
        /// The service code and the format, e.g. `0501.json`.
        #[oai(validator(max_length = 64))]
        file: Path<String>,
        /// Ignored: this server serves one city.
        jurisdiction_id: Query<Option<String>>,
    ) -> Res<Doc<ServiceDefinition>, ReadErrors, EitherFormat> {
        let _ = jurisdiction_id;
        let (code, format) = self::file(&file.0)?;
        Ok(Doc::new(format, view_dto::definition(&state, code)?))
    }

    /// Post a service request (JSON)
    ///
    /// A report filed under the api_key's integrator, through the same
    /// submission path as the mini-program's (area check, routing,
    /// duplicates, limits) and into the same lifecycle. No photo is needed;
    /// a multipart post may carry one in `media`. Without lat/long, the
    /// address must name an area of the city. A missing, unknown or
    /// revoked key is `403`; an unknown service `404`; a required
    /// attribute unanswered, a point outside the city or a bad field
    /// `400`; the key's rate limit `429`.
    #[oai(
        path = "/requests.json",
        method = "post",
        operation_id = "open311PostRequestJson"
    )]
    async fn post_json(
        &self,
        state: Data<&AppState>,
        body: post::PostBody,
    ) -> Res<Json<Vec<PostedRequest>>, PostErrors, JsonOnly> {
        Ok(Json(post::create(&state, body).await?))
    }

    /// Post a service request (XML)
    #[oai(
        path = "/requests.xml",
        method = "post",
        operation_id = "open311PostRequestXml"
    )]
    async fn post_xml(
        &self,
        state: Data<&AppState>,
        body: post::PostBody,
    ) -> Res<Xml311<Vec<PostedRequest>>, PostErrors, XmlOnly> {
        Ok(Xml311(post::create(&state, body).await?))
    }

    /// Service requests (JSON)
    ///
    /// Newest first. `service_request_id` (comma-separated, at most 100)
    /// overrides every other filter. Otherwise `start_date`–`end_date`
    /// (W3C times; a time without offset or a date is China time; at most
    /// 90 days apart, or `400 date_range_too_long`; default the last 90 days),
    /// `service_code` and `status` (`open`, `closed`; comma-separated).
    /// Paging, an extension: `page` (from 1) and `page_size` (1–1000,
    /// default 1000; at most 10,000 requests deep, `(page − 1) × page_size`
    /// ≤ 10,000, or `400 page_too_deep`: narrow the dates instead). Reads
    /// are limited per client address (`limits.open311_reads_per_ip` a
    /// minute, `429`). Only what is public is shown: a case a person has
    /// taken on whose content checks passed (api-docs/contract.md,
    /// "Publication"); an integrator's cases too: with content checks on,
    /// an integrator's text (it has no WeChat identity to be checked as)
    /// waits for a person's review before it is public.
    #[oai(
        path = "/requests.json",
        method = "get",
        operation_id = "open311RequestsJson"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn requests_json(
        &self,
        state: Data<&AppState>,
        #[oai(validator(max_length = 4000))] service_request_id: Query<Option<String>>,
        #[oai(validator(max_length = 1000))] service_code: Query<Option<String>>,
        #[oai(validator(
            pattern = r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?)?$"
        ))]
        start_date: Query<Option<String>>,
        #[oai(validator(
            pattern = r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?)?$"
        ))]
        end_date: Query<Option<String>>,
        #[oai(validator(pattern = r"^(open|closed)(,(open|closed))*$"))] status: Query<
            Option<String>,
        >,
        #[oai(
            default = "first_page",
            validator(minimum(value = "1"), maximum(value = "10000"))
        )]
        page: Query<u64>,
        #[oai(
            default = "max_page",
            validator(minimum(value = "1"), maximum(value = "1000"))
        )]
        page_size: Query<u64>,
        /// Ignored: this server serves one city.
        jurisdiction_id: Query<Option<String>>,
        req: &poem::Request,
    ) -> Res<Json<Vec<ServiceRequest>>, QueryErrors, JsonOnly> {
        let _ = jurisdiction_id;
        view_dto::limit_reads(&state, req).await?;
        let q = service::RequestQuery {
            service_request_id: service_request_id.0,
            service_code: service_code.0,
            start_date: start_date.0,
            end_date: end_date.0,
            status: status.0,
            page: page.0,
            page_size: page_size.0,
        };
        let found = service::requests(&state, &q).await?;
        Ok(Json(view_dto::requests(&state, found)))
    }

    /// Service requests (XML)
    #[oai(
        path = "/requests.xml",
        method = "get",
        operation_id = "open311RequestsXml"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn requests_xml(
        &self,
        state: Data<&AppState>,
        #[oai(validator(max_length = 4000))] service_request_id: Query<Option<String>>,
        #[oai(validator(max_length = 1000))] service_code: Query<Option<String>>,
        #[oai(validator(
            pattern = r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?)?$"
        ))]
        start_date: Query<Option<String>>,
        #[oai(validator(
            pattern = r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?)?$"
        ))]
        end_date: Query<Option<String>>,
        #[oai(validator(pattern = r"^(open|closed)(,(open|closed))*$"))] status: Query<
            Option<String>,
        >,
        #[oai(
            default = "first_page",
            validator(minimum(value = "1"), maximum(value = "10000"))
        )]
        page: Query<u64>,
        #[oai(
            default = "max_page",
            validator(minimum(value = "1"), maximum(value = "1000"))
        )]
        page_size: Query<u64>,
        /// Ignored: this server serves one city.
        jurisdiction_id: Query<Option<String>>,
        req: &poem::Request,
    ) -> Res<Xml311<Vec<ServiceRequest>>, QueryErrors, XmlOnly> {
        let _ = jurisdiction_id;
        view_dto::limit_reads(&state, req).await?;
        let q = service::RequestQuery {
            service_request_id: service_request_id.0,
            service_code: service_code.0,
            start_date: start_date.0,
            end_date: end_date.0,
            status: status.0,
            page: page.0,
            page_size: page_size.0,
        };
        let found = service::requests(&state, &q).await?;
        Ok(Xml311(view_dto::requests(&state, found)))
    }

    /// One service request
    ///
    /// `{service_request_id}.json` or `.xml`: a list of one, as the spec
    /// has it. A case the public may not read (not yet taken on by a
    /// person, refused, its text not yet checked) is `404`, like one that
    /// does not exist.
    #[oai(
        path = "/requests/:file",
        method = "get",
        operation_id = "open311Request"
    )]
    async fn request(
        &self,
        state: Data<&AppState>,
        /// The case number and the format, e.g. `SSP-20261130-000001.json`.
        #[oai(validator(max_length = 64))]
        file: Path<String>,
        /// Ignored: this server serves one city.
        jurisdiction_id: Query<Option<String>>,
        req: &poem::Request,
    ) -> Res<Doc<Vec<ServiceRequest>>, QueryErrors, EitherFormat> {
        let _ = jurisdiction_id;
        view_dto::limit_reads(&state, req).await?;
        let (id, format) = self::file(&file.0)?;
        let found = service::request(&state, id).await?;
        Ok(Doc::new(format, view_dto::requests(&state, found)))
    }

    /// The request a token stands for
    ///
    /// `{token}.json` or `.xml`: the token a post answered with, and the
    /// service_request_id of its case. An unknown token is `404`.
    #[oai(path = "/tokens/:file", method = "get", operation_id = "open311Token")]
    async fn token(
        &self,
        state: Data<&AppState>,
        /// The token and the format, e.g. `0193….json`.
        #[oai(validator(max_length = 64))]
        file: Path<String>,
        /// Ignored: this server serves one city.
        jurisdiction_id: Query<Option<String>>,
        req: &poem::Request,
    ) -> Res<Doc<Vec<TokenAnswer>>, QueryErrors, EitherFormat> {
        let _ = jurisdiction_id;
        view_dto::limit_reads(&state, req).await?;
        let (token, format) = self::file(&file.0)?;
        let case_no = service::token(&state, token).await?;
        Ok(Doc::new(format, view_dto::token(case_no, token)))
    }
}
