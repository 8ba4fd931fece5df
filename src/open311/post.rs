//! `POST requests`: a GeoReport form (url-encoded, or multipart with the
//! common `media` file extension) becomes a report through the same
//! submission path as the mini-program's, filed under the integrator.

use super::dto::PostedRequest;
use crate::error::ErrorCode;
use crate::{
    admin::api_keys::service as keys,
    categories::attributes,
    core::{Caller, Role},
    error::ApiError,
    infra::DbError,
    reports::submit::{self, NewReport, Open311Extras, Origin},
    state::AppState,
    web::{self, dto::Location, enums::CoordSystem},
};
use poem::{Request, RequestBody, web::Multipart};
use poem_openapi::{
    ApiExtractor, ApiExtractorType, ExtractParamOptions, Multipart as MultipartDoc, Object,
    payload::Payload,
    registry::{MetaMediaType, MetaRequest, Registry},
    types::{Type, multipart::Upload},
};
use std::collections::BTreeMap;

/// The fields of a GeoReport post (url-encoded). Attribute answers come as
/// `attribute[code]=value` (a multivaluelist repeats the field, or sends
/// `attribute[code][]`); `services/{code}` lists a service's codes.
#[derive(Debug, Object)]
pub struct RequestForm {
    /// The integrator's key (required).
    pub api_key: String,
    /// The service (小类) code.
    pub service_code: String,
    /// Latitude, WGS-84; with `long`, or give `address_string`.
    pub lat: Option<f64>,
    /// Longitude, WGS-84.
    pub long: Option<f64>,
    /// The address; without lat/long it must name a district, street or
    /// grid of the city, and the case is placed inside it.
    pub address_string: Option<String>,
    /// Not supported here: send lat/long or address_string.
    pub address_id: Option<String>,
    /// The person's email (private; staff only).
    pub email: Option<String>,
    /// The person's device (private; staff only).
    pub device_id: Option<String>,
    /// The person's account at the integrator, echoed in the answer.
    pub account_id: Option<String>,
    /// The person's first name (private; staff only).
    pub first_name: Option<String>,
    /// The person's last name (private; staff only).
    pub last_name: Option<String>,
    /// The person's phone (private; staff only).
    pub phone: Option<String>,
    /// What is wrong, up to 4000 characters.
    pub description: Option<String>,
    /// A URL of a photo (kept as a link, never fetched).
    pub media_url: Option<String>,
    /// Ignored: this server serves one city.
    pub jurisdiction_id: Option<String>,
}

/// The same fields as multipart, with a photo in `media` (JPEG, PNG or
/// WebP, checked and stripped as every upload is).
#[derive(Debug, MultipartDoc)]
pub struct RequestMultipart {
    /// The integrator's key (required), sent before `media`: the photo is
    /// read only under a valid key.
    pub api_key: String,
    /// The service (小类) code.
    pub service_code: String,
    /// Latitude, WGS-84.
    pub lat: Option<f64>,
    /// Longitude, WGS-84.
    pub long: Option<f64>,
    /// The address (see the url-encoded form).
    pub address_string: Option<String>,
    /// What is wrong, up to 4000 characters.
    pub description: Option<String>,
    /// The person's phone (private; staff only).
    pub phone: Option<String>,
    /// A photo.
    pub media: Option<Upload>,
}

/// A post's fields as sent, and its photo.
pub struct PostBody {
    fields: Vec<(String, String)>,
    media: Option<Vec<u8>>,
}

const FORM: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

impl<'a> ApiExtractor<'a> for PostBody {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::RequestObject];
    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        RequestForm::register(registry);
        <RequestMultipart as Payload>::register(registry);
    }

    fn request_meta() -> Option<MetaRequest> {
        Some(MetaRequest {
            description: Some("A GeoReport v2 service request"),
            content: vec![
                MetaMediaType {
                    content_type: FORM,
                    schema: RequestForm::schema_ref(),
                },
                MetaMediaType {
                    content_type: MULTIPART,
                    schema: <RequestMultipart as Payload>::schema_ref(),
                },
            ],
            required: true,
        })
    }

    async fn from_request(
        request: &'a Request,
        body: &mut RequestBody,
        _: ExtractParamOptions<()>,
    ) -> poem::Result<Self> {
        let kind = request
            .content_type()
            .and_then(|c| c.split(';').next())
            .map(|c| c.trim().to_ascii_lowercase());
        let unreadable = |e: poem::Error| {
            ApiError::bad_request(
                ErrorCode::InvalidBody,
                format!("the body could not be read: {e}"),
            )
        };
        match kind.as_deref() {
            Some(FORM) => {
                let bytes = body
                    .take()
                    .map_err(|e| unreadable(e.into()))?
                    .into_vec()
                    .await;
                let bytes = bytes.map_err(|e| unreadable(e.into()))?;
                let fields = form_urlencoded::parse(&bytes).into_owned().collect();
                Ok(Self {
                    fields,
                    media: None,
                })
            }
            Some(MULTIPART) => {
                let mut parts = <Multipart as poem::FromRequest>::from_request(request, body)
                    .await
                    .map_err(unreadable)?;
                let (mut fields, mut media) = (Vec::new(), None);
                while let Some(field) =
                    parts.next_field().await.map_err(|e| unreadable(e.into()))?
                {
                    let name = field.name().unwrap_or_default().to_owned();
                    let bytes = field.bytes().await.map_err(|e| unreadable(e.into()))?;
                    if name == "media" {
                        media = Some(bytes);
                    } else {
                        let text = String::from_utf8(bytes).map_err(|_| {
                            ApiError::bad_request(
                                ErrorCode::InvalidBody,
                                format!("field {name} is not UTF-8"),
                            )
                        })?;
                        if name == "api_key" {
                            open_gate(request, &text).await?;
                        }
                        fields.push((name, text));
                    }
                }
                Ok(Self { fields, media })
            }
            _ => Err(ApiError::UnsupportedMedia {
                code: ErrorCode::UnsupportedContentType,
                message: format!("send the request as {FORM} or {MULTIPART}"),
            }
            .into()),
        }
    }
}

/// A multipart post's api_key, checked as soon as it is read: a good one
/// lets the photo after it draw from the node's upload budget
/// (`web::UploadGate`); a bad one ends the post before the photo is read.
async fn open_gate(request: &Request, key: &str) -> poem::Result<()> {
    let (Some(state), Some(gate)) = (
        request.data::<AppState>(),
        request.extensions().get::<crate::web::UploadGate>(),
    ) else {
        return Ok(());
    };
    match keys::authenticate(&state.db, key)
        .await
        .map_err(|e| ApiError::from(DbError::from(e)))?
    {
        Some(_) => {
            (gate.0)();
            Ok(())
        }
        None => Err(ApiError::Forbidden("the api_key is unknown or revoked".into()).into()),
    }
}

/// The longest value of a contact field.
const MAX_FIELD: usize = 200;

/// A post's fields by name, the attribute answers apart.
struct Fields {
    one: BTreeMap<String, String>,
    attributes: BTreeMap<String, Vec<String>>,
}

impl Fields {
    fn of(raw: Vec<(String, String)>) -> Self {
        let (mut one, mut attributes) = (BTreeMap::new(), BTreeMap::<_, Vec<_>>::new());
        for (k, v) in raw {
            match k.strip_prefix("attribute[").and_then(|r| r.split_once(']')) {
                Some((code, _)) => attributes.entry(code.to_owned()).or_default().push(v),
                None => {
                    one.insert(k, v);
                }
            }
        }
        Self { one, attributes }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.one
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    fn short(&self, name: &str) -> Result<Option<String>, ApiError> {
        match self.get(name) {
            Some(v) if v.chars().count() > MAX_FIELD => Err(ApiError::bad_request(
                ErrorCode::FieldTooLong,
                format!("{name} has more than {MAX_FIELD} characters"),
            )),
            v => Ok(v.map(str::to_owned)),
        }
    }

    fn number(&self, name: &str) -> Result<Option<f64>, ApiError> {
        self.get(name)
            .map(|v| {
                v.parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            ErrorCode::InvalidCoordinates,
                            format!("{name} is not a number"),
                        )
                    })
            })
            .transpose()
    }
}

/// Where the request is: lat/long, or the most specific area whose name
/// its address names (placed at a point inside that area).
fn locate(
    state: &AppState,
    f: &Fields,
    address: Option<&str>,
) -> Result<(Location, Option<String>), ApiError> {
    match (f.number("lat")?, f.number("long")?) {
        (Some(lat), Some(lng)) => {
            let at = Location {
                lat,
                lng,
                coord_system: CoordSystem::Wgs84,
            };
            Ok((at, None))
        }
        (Some(_), None) | (None, Some(_)) => Err(ApiError::bad_request(
            ErrorCode::InvalidCoordinates,
            "lat and long come together",
        )),
        (None, None) => {
            let Some(address) = address else {
                return Err(ApiError::bad_request(
                    ErrorCode::LocationRequired,
                    "send lat and long, or an address_string",
                ));
            };
            use geo::InteriorPoint;
            let areas = state.areas.get();
            let named = areas
                .all()
                .iter()
                .filter(|a| address.contains(a.name.as_str()))
                .max_by_key(|a| (a.level as u8, a.name.chars().count()));
            let found = named.and_then(|a| a.shape.interior_point().map(|p| (a, p)));
            let (area, point) = found.ok_or_else(|| {
                ApiError::bad_request(
                    ErrorCode::AddressNotLocated,
                    "the address names no district, street or grid of this city; send lat and long",
                )
            })?;
            let at = Location {
                lat: point.y(),
                lng: point.x(),
                coord_system: CoordSystem::Wgs84,
            };
            Ok((at, Some(format!("位置按地址中的“{}”定位", area.name))))
        }
    }
}

/// Files a post as a report of the key's integrator.
pub async fn create(state: &AppState, body: PostBody) -> Result<Vec<PostedRequest>, ApiError> {
    let f = Fields::of(body.fields);
    let key = f
        .get("api_key")
        .ok_or_else(|| ApiError::Forbidden("an api_key is required to post".into()))?;
    let key = keys::authenticate(&state.db, key)
        .await
        .map_err(DbError::from)?
        .ok_or_else(|| ApiError::Forbidden("the api_key is unknown or revoked".into()))?;
    let id = key.id.to_string();
    web::limit(
        state,
        &[crate::infra::shared::Bucket {
            scope: "open311_key",
            key: &id,
            per_minute: u32::try_from(key.rate_per_minute).unwrap_or(1),
        }],
    )
    .await?;
    let code = f.get("service_code").ok_or_else(|| {
        ApiError::bad_request(ErrorCode::ServiceCodeRequired, "service_code is required")
    })?;
    let category = state
        .categories
        .get()
        .reportable(code)
        .cloned()
        .ok_or_else(|| ApiError::NotFound(format!("no service {code}")))?;
    if f.get("address_id").is_some() && f.get("lat").is_none() && f.get("address_string").is_none()
    {
        return Err(ApiError::bad_request(
            ErrorCode::AddressIdUnsupported,
            "address_id is not supported here; send lat and long, or an address_string",
        ));
    }
    let defined = attributes::load(category.attributes.as_deref());
    let answers = attributes::check_answers(&defined, &f.attributes)
        .map_err(|e| ApiError::bad_request(e.code, e.message))?;
    let answers = attributes::readable(&defined, &answers);
    let address = f.short("address_string")?;
    let (location, notice) = locate(state, &f, address.as_deref())?;
    let media_url = f.short("media_url")?;
    if media_url
        .as_deref()
        .is_some_and(|u| !(u.starts_with("http://") || u.starts_with("https://")))
    {
        return Err(ApiError::bad_request(
            ErrorCode::InvalidMediaUrl,
            "media_url is an http(s) URL",
        ));
    }
    let mut contact = serde_json::Map::new();
    for name in [
        "first_name",
        "last_name",
        "email",
        "phone",
        "device_id",
        "account_id",
    ] {
        if let Some(v) = f.short(name)? {
            contact.insert(name.into(), v.into());
        }
    }
    let caller = Caller {
        user_id: key.user_id,
        role: Role::Integrator,
        unit_id: None,
    };
    let media_ids = match body.media {
        Some(bytes) if !bytes.is_empty() => {
            vec![
                crate::media::service::upload(state, &caller, bytes)
                    .await?
                    .id,
            ]
        }
        _ => vec![],
    };
    let report = NewReport {
        category_code: category.code.clone(),
        description: f.get("description").unwrap_or_default().to_owned(),
        lat: location.lat,
        lng: location.lng,
        system: location.coord_system,
        address,
        media_ids,
    };
    let extras = Open311Extras {
        api_key_id: key.id,
        integrator: key.name.clone(),
        contact: (!contact.is_empty()).then_some(serde_json::Value::Object(contact)),
        media_url,
        attributes: (!answers.is_empty()).then_some(serde_json::Value::Array(answers)),
    };
    let created = submit::create(state, &caller, &report, None, Origin::Open311(&extras)).await?;
    Ok(vec![PostedRequest {
        service_request_id: created.case.case_no,
        token: created.case.id.to_string(),
        service_notice: notice,
        account_id: f.short("account_id")?,
    }])
}
