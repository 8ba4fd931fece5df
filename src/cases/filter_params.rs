//! The case filters as query parameters, declared once for the eight
//! operations that take them (the case list, the map's three views, the
//! indicators and the three exports), and the one `bbox` they share.
//!
//! poem-openapi has no parameter structs: an extractor stands for one
//! parameter. [`CaseFilters`] is such an extractor that reads all eleven,
//! each through poem-openapi's own `Query<T>` (so a bad value is answered
//! exactly as any other parameter's), and shows in the generated spec as one
//! placeholder that [`expand_in_spec`] replaces with the eleven, from
//! [`params`]. A handler takes `filters: CaseFilters` and gets a
//! [`CaseFilter`].

use super::{error::CaseError, filter::CaseFilter};
use crate::error::ErrorCode;
use crate::{
    core::CaseStatus,
    geo::coords::{CoordSystem, Wgs84},
};
use poem::{Request, RequestBody};
use poem_openapi::{
    ApiExtractor, ApiExtractorType, ExtractParamOptions,
    error::ParseParamError,
    param::Query,
    registry::{MetaParamIn, MetaSchema, MetaSchemaRef, Registry},
    types::{ParseError, ParseFromParameter, ParseResult, Type},
};
use serde_json::{Value, json};
use std::borrow::Cow;

/// The case filters of a request's query string.
#[derive(Debug, Default)]
pub struct CaseFilters(pub CaseFilter);

/// The placeholder's schema title, replaced in the spec by [`params`].
const PLACEHOLDER: &str = "x-case-filters";

/// A code parameter's bounds (`category`, `unit`, `area`).
const CODE_MAX: usize = 64;

/// Name, schema and description of each filter, in the spec's order.
fn params() -> [(&'static str, Value, &'static str); 11] {
    let code = json!({"type": "string", "maxLength": CODE_MAX, "minLength": 1});
    let boolean = json!({"type": "boolean"});
    let instant = json!({"type": "string", "format": "date-time"});
    [
        (
            "status",
            json!({"type": "array", "items": {"$ref": "#/components/schemas/CaseStatus"}}),
            "Any of these statuses (repeat the parameter).",
        ),
        (
            "category",
            code.clone(),
            "Category code; a 大类 includes its 小类.",
        ),
        (
            "unit",
            code.clone(),
            "Unit code: cases dispatched to that unit.",
        ),
        ("area", code, "Area code, with the areas inside it."),
        ("overdue", boolean.clone(), "Overdue now (超期)."),
        ("warned", boolean.clone(), "Warned (预警) and still open."),
        ("escalated", boolean, "Escalated (督办)."),
        (
            "createdFrom",
            instant.clone(),
            "Created at or after (RFC 3339).",
        ),
        ("createdTo", instant.clone(), "Created before (RFC 3339)."),
        (
            "closedFrom",
            instant.clone(),
            "Closed at or after (RFC 3339).",
        ),
        ("closedTo", instant, "Closed before (RFC 3339)."),
    ]
}

/// Replaces each operation's placeholder parameter by the eleven filters.
pub fn expand_in_spec(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let ops = paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut());
    for op in ops {
        let Some(list) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
            continue;
        };
        let Some(at) = list
            .iter()
            .position(|p| p["schema"]["title"] == PLACEHOLDER)
        else {
            continue;
        };
        let filters = params().into_iter().map(|(name, schema, description)| {
            json!({
                "name": name,
                "schema": schema,
                "in": "query",
                "description": description,
                "required": false,
                "deprecated": false,
                "explode": true,
            })
        });
        list.splice(at..=at, filters);
    }
}

/// One parameter through poem-openapi's own extractor.
async fn one<T: ParseFromParameter + Send>(
    req: &Request,
    body: &mut RequestBody,
    name: &'static str,
) -> poem::Result<T> {
    let opts = ExtractParamOptions {
        name,
        explode: true,
        ..Default::default()
    };
    Ok(Query::<T>::from_request(req, body, opts).await?.0)
}

/// A code parameter, 1–64 characters.
async fn code(
    req: &Request,
    body: &mut RequestBody,
    name: &'static str,
) -> poem::Result<Option<String>> {
    let v: Option<String> = one(req, body, name).await?;
    match v {
        Some(s) if s.is_empty() || s.chars().count() > CODE_MAX => Err(ParseParamError {
            name,
            reason: format!("a code is 1 to {CODE_MAX} characters"),
        }
        .into()),
        v => Ok(v),
    }
}

impl<'a> ApiExtractor<'a> for CaseFilters {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::Parameter];
    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        CaseStatus::register(registry);
    }

    fn param_in() -> Option<MetaParamIn> {
        Some(MetaParamIn::Query)
    }

    fn param_schema_ref() -> Option<MetaSchemaRef> {
        Some(MetaSchemaRef::Inline(Box::new(MetaSchema {
            title: Some(PLACEHOLDER.into()),
            ..MetaSchema::new("object")
        })))
    }

    async fn from_request(
        req: &'a Request,
        body: &mut RequestBody,
        _: ExtractParamOptions<()>,
    ) -> poem::Result<Self> {
        let statuses: Option<Vec<CaseStatus>> = one(req, body, "status").await?;
        Ok(Self(CaseFilter {
            statuses: statuses.unwrap_or_default(),
            category: code(req, body, "category").await?,
            unit: code(req, body, "unit").await?,
            area: code(req, body, "area").await?,
            overdue: one(req, body, "overdue").await?,
            warned: one(req, body, "warned").await?,
            escalated: one(req, body, "escalated").await?,
            created_from: one(req, body, "createdFrom").await?,
            created_to: one(req, body, "createdTo").await?,
            closed_from: one(req, body, "closedFrom").await?,
            closed_to: one(req, body, "closedTo").await?,
        }))
    }
}

/// `minLng,minLat,maxLng,maxLat`: four decimal numbers. Its form is checked
/// as a parameter (400 `invalid_request`); its corners by [`Bbox::wgs84`]
/// (400 `invalid_bbox`).
#[derive(Debug, Clone, Copy)]
pub struct Bbox([f64; 4]);

/// The form of a bbox, in the spec.
const BBOX_PATTERN: &str = r"^\s*-?[0-9]+(\.[0-9]+)?\s*(,\s*-?[0-9]+(\.[0-9]+)?\s*){3}$";

impl Bbox {
    /// The corners in WGS-84 (given in `system`), each in range and min
    /// before max; refused with `invalid_bbox` otherwise.
    pub fn wgs84(self, system: CoordSystem) -> Result<[f64; 4], CaseError> {
        let [a, b, c, d] = self.0;
        let bad = || CaseError::BadFilter {
            code: ErrorCode::InvalidBbox,
            message: "bbox is minLng,minLat,maxLng,maxLat, each corner in range, min before max"
                .into(),
        };
        if a > c || b > d {
            return Err(bad());
        }
        let corner = |lat, lng| {
            Wgs84::parse(lat, lng, system)
                .map(|p| (p.lng(), p.lat()))
                .map_err(|_| bad())
        };
        let (a, b) = corner(b, a)?;
        let (c, d) = corner(d, c)?;
        Ok([a, b, c, d])
    }
}

/// A decimal number as the pattern has it: digits, an optional point with
/// digits after it, an optional leading minus.
fn decimal(s: &str) -> Option<f64> {
    let s = s.trim();
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if all_digits(int) && all_digits(frac) {
        s.parse().ok()
    } else {
        None
    }
}

impl Type for Bbox {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        "string(bbox)".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            pattern: Some(BBOX_PATTERN.into()),
            ..MetaSchema::new("string")
        }))
    }

    fn as_raw_value(&self) -> Option<&Self> {
        Some(self)
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a Self> + 'a> {
        Box::new(std::iter::once(self))
    }
}

impl ParseFromParameter for Bbox {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        let v: Option<Vec<f64>> = value.split(',').map(decimal).collect();
        match v.as_deref() {
            Some(&[a, b, c, d]) => Ok(Self([a, b, c, d])),
            _ => Err(ParseError::custom(
                "bbox is four numbers: minLng,minLat,maxLng,maxLat",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bbox_has_the_form_its_pattern_documents() {
        for ok in [
            "1,2,3,4",
            " -1.5 , 2 ,3.25,4 ",
            "111.69,40.78,111.705,40.795",
        ] {
            assert!(Bbox::parse_from_parameter(ok).is_ok(), "{ok}");
        }
        for bad in [
            "1,2,3",
            "1,2,3,4,5",
            "1.,2,3,4",
            ".5,2,3,4",
            "1e3,2,3,4",
            "a,b,c,d",
            "",
        ] {
            assert!(Bbox::parse_from_parameter(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn corners_out_of_range_or_out_of_order_are_refused() {
        let b = |s| Bbox::parse_from_parameter(s).unwrap_or(Bbox([0.0; 4]));
        assert!(b("3,2,1,4").wgs84(CoordSystem::Wgs84).is_err());
        assert!(b("1,4,3,2").wgs84(CoordSystem::Wgs84).is_err());
        assert!(b("-181,0,0,1").wgs84(CoordSystem::Wgs84).is_err());
        assert!(b("0,-91,1,1").wgs84(CoordSystem::Wgs84).is_err());
        assert_eq!(
            b("1,2,3,4").wgs84(CoordSystem::Wgs84).ok(),
            Some([1.0, 2.0, 3.0, 4.0])
        );
    }
}
