//! A 小类's extra questions: what a report of it may or must answer
//! (a parked car's plate, a manhole cover's state). They are the category's
//! Open311 service definition; an admin sets them with the category.

use crate::ErrorCode;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

crate::vocabulary! {
    /// How an attribute is answered (Open311's datatypes).
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "lowercase")]
    #[cfg_attr(
        feature = "openapi",
        derive(poem_openapi::Enum),
        oai(rename_all = "lowercase")
    )]
    pub enum Datatype {
        /// One line of text, up to 200 characters.
        String = "string",
        /// A number.
        Number = "number",
        /// A time, RFC 3339 / W3C with an offset.
        Datetime = "datetime",
        /// Free text, up to 4000 characters.
        Text = "text",
        /// Exactly one key of `values`.
        Singlevaluelist = "singlevaluelist",
        /// One or more keys of `values`.
        Multivaluelist = "multivaluelist",
    }
}

impl Datatype {
    fn is_list(self) -> bool {
        matches!(self, Self::Singlevaluelist | Self::Multivaluelist)
    }
}

/// One choice of a list attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(poem_openapi::Object))]
pub struct AttributeValue {
    /// What a client sends: 1–32 letters, digits, '-' or '_'.
    #[cfg_attr(
        feature = "openapi",
        oai(validator(pattern = r"^[A-Za-z0-9_-]{1,32}$"))
    )]
    pub key: String,
    /// What a person reads, 1–64 characters.
    #[cfg_attr(feature = "openapi", oai(validator(min_length = 1, max_length = 64)))]
    pub name: String,
}

/// One extra question of a 小类.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(
    feature = "openapi",
    derive(poem_openapi::Object),
    oai(rename_all = "camelCase")
)]
pub struct Attribute {
    /// Its code: 1–32 letters, digits, '-' or '_'; a client sends
    /// `attribute[code]`.
    #[cfg_attr(
        feature = "openapi",
        oai(validator(pattern = r"^[A-Za-z0-9_-]{1,32}$"))
    )]
    pub code: String,
    /// The question, 1–200 characters.
    #[cfg_attr(feature = "openapi", oai(validator(min_length = 1, max_length = 200)))]
    pub description: String,
    /// How it is answered.
    pub datatype: Datatype,
    /// Whether a report must answer it.
    #[cfg_attr(feature = "openapi", oai(default))]
    #[serde(default)]
    pub required: bool,
    /// A hint on the expected answer, up to 200 characters.
    #[cfg_attr(feature = "openapi", oai(default, validator(max_length = 200)))]
    #[serde(default)]
    pub datatype_description: String,
    /// Display order (ascending).
    #[cfg_attr(feature = "openapi", oai(default))]
    #[serde(default)]
    pub order: i32,
    /// The choices of a list attribute (1–50), none otherwise.
    #[cfg_attr(feature = "openapi", oai(default, validator(max_items = 50)))]
    #[serde(default)]
    pub values: Vec<AttributeValue>,
}

/// Attributes a category may carry at most.
pub const MAX_ATTRIBUTES: usize = 20;

/// Why a set of attributes, or an answer, is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AttributeError {
    pub code: ErrorCode,
    pub message: String,
}

fn refuse(code: ErrorCode, message: impl Into<String>) -> AttributeError {
    AttributeError {
        code,
        message: message.into(),
    }
}

/// Checks a category's attributes before they are saved.
pub fn check_definition(attrs: &[Attribute]) -> Result<(), AttributeError> {
    if attrs.len() > MAX_ATTRIBUTES {
        let msg = format!("a category has at most {MAX_ATTRIBUTES} attributes");
        return Err(refuse(ErrorCode::InvalidAttributes, msg));
    }
    let mut codes = HashSet::new();
    for a in attrs {
        if !codes.insert(a.code.as_str()) {
            let msg = format!("attribute code {} is listed twice", a.code);
            return Err(refuse(ErrorCode::InvalidAttributes, msg));
        }
        if a.description.trim().is_empty() {
            let msg = format!("attribute {} needs a description", a.code);
            return Err(refuse(ErrorCode::InvalidAttributes, msg));
        }
        let keys: HashSet<_> = a.values.iter().map(|v| v.key.as_str()).collect();
        match (a.datatype.is_list(), a.values.is_empty()) {
            (true, true) => {
                let msg = format!("list attribute {} needs values", a.code);
                return Err(refuse(ErrorCode::InvalidAttributes, msg));
            }
            (false, false) => {
                let msg = format!("attribute {} is not a list and takes no values", a.code);
                return Err(refuse(ErrorCode::InvalidAttributes, msg));
            }
            _ if keys.len() != a.values.len() => {
                let msg = format!("attribute {} lists a value key twice", a.code);
                return Err(refuse(ErrorCode::InvalidAttributes, msg));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The stored form of a category's attributes (JSON), or none.
pub fn store(attrs: &[Attribute]) -> Option<String> {
    (!attrs.is_empty()).then(|| serde_json::to_string(attrs).unwrap_or_default())
}

/// A category's attributes, in display order.
pub fn load(stored: Option<&str>) -> Vec<Attribute> {
    let mut attrs: Vec<Attribute> = stored
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default();
    attrs.sort_by_key(|a| a.order);
    attrs
}

/// Checks a report's answers against the category's attributes: every
/// required one answered, every answer of a known attribute and of its
/// datatype. Returns the answers to keep, by code.
pub fn check_answers(
    attrs: &[Attribute],
    answers: &BTreeMap<String, Vec<String>>,
) -> Result<BTreeMap<String, serde_json::Value>, AttributeError> {
    use serde_json::Value;
    let mut kept = BTreeMap::new();
    for code in answers.keys() {
        if !attrs.iter().any(|a| &a.code == code) {
            let msg = format!("this service has no attribute {code}");
            return Err(refuse(ErrorCode::UnknownAttribute, msg));
        }
    }
    for a in attrs {
        let given: Vec<&str> = answers
            .get(&a.code)
            .map(|v| {
                v.iter()
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if given.is_empty() {
            if a.required {
                let msg = format!("attribute {} ({}) is required", a.code, a.description);
                return Err(refuse(ErrorCode::AttributeRequired, msg));
            }
            continue;
        }
        let bad = |why: &str| {
            refuse(
                ErrorCode::InvalidAttribute,
                format!("attribute {}: {why}", a.code),
            )
        };
        if a.datatype != Datatype::Multivaluelist && given.len() > 1 {
            return Err(bad("takes one value"));
        }
        let one = given[0];
        let value = match a.datatype {
            Datatype::String | Datatype::Text => {
                let max = if a.datatype == Datatype::Text {
                    4000
                } else {
                    200
                };
                if one.chars().count() > max {
                    return Err(bad(&format!("at most {max} characters")));
                }
                Value::String(one.to_owned())
            }
            Datatype::Number => match one.parse::<f64>() {
                Ok(n) if n.is_finite() => serde_json::json!(n),
                _ => return Err(bad("not a number")),
            },
            Datatype::Datetime => match chrono::DateTime::parse_from_rfc3339(one) {
                Ok(t) => Value::String(t.to_rfc3339()),
                Err(_) => return Err(bad("not a time with an offset (2026-11-30T09:00:00+08:00)")),
            },
            Datatype::Singlevaluelist | Datatype::Multivaluelist => {
                let mut keys = Vec::new();
                for k in &given {
                    if !a.values.iter().any(|v| v.key == *k) {
                        return Err(bad(&format!("{k} is not one of its values")));
                    }
                    if !keys.contains(k) {
                        keys.push(*k);
                    }
                }
                if a.datatype == Datatype::Singlevaluelist {
                    Value::String(one.to_owned())
                } else {
                    serde_json::json!(keys)
                }
            }
        };
        kept.insert(a.code.clone(), value);
    }
    Ok(kept)
}

/// The kept answers as a person reads them, in display order: the
/// question, and a list's names rather than its keys. Stored with the
/// case, so that a later change of the category does not rewrite them.
pub fn readable(
    attrs: &[Attribute],
    kept: &BTreeMap<String, serde_json::Value>,
) -> Vec<serde_json::Value> {
    use serde_json::Value;
    let plain = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    attrs
        .iter()
        .filter_map(|a| {
            let v = kept.get(&a.code)?;
            let keys: Vec<String> = match v {
                Value::Array(items) => items.iter().map(plain).collect(),
                other => vec![plain(other)],
            };
            let names: Vec<String> = keys
                .into_iter()
                .map(|k| {
                    a.values
                        .iter()
                        .find(|x| x.key == k)
                        .map_or(k, |x| x.name.clone())
                })
                .collect();
            Some(serde_json::json!({
                "code": a.code,
                "question": a.description,
                "answer": names.join("、"),
                "value": v,
            }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cover() -> Attribute {
        Attribute {
            code: "state".into(),
            description: "井盖状况".into(),
            datatype: Datatype::Singlevaluelist,
            required: true,
            datatype_description: String::new(),
            order: 1,
            values: vec![AttributeValue {
                key: "missing".into(),
                name: "丢失".into(),
            }],
        }
    }

    #[test]
    fn answers_are_checked_against_the_definition() {
        let attrs = vec![cover()];
        let none = BTreeMap::new();
        assert_eq!(
            check_answers(&attrs, &none).map_err(|e| e.code),
            Err(ErrorCode::AttributeRequired)
        );
        let mut ok = BTreeMap::new();
        ok.insert("state".to_owned(), vec!["missing".to_owned()]);
        assert_eq!(
            check_answers(&attrs, &ok)
                .ok()
                .and_then(|m| m.get("state").cloned()),
            Some(serde_json::json!("missing"))
        );
        let mut wrong = BTreeMap::new();
        wrong.insert("state".to_owned(), vec!["gone".to_owned()]);
        assert_eq!(
            check_answers(&attrs, &wrong).map_err(|e| e.code),
            Err(ErrorCode::InvalidAttribute)
        );
        let mut unknown = ok.clone();
        unknown.insert("colour".to_owned(), vec!["red".to_owned()]);
        assert_eq!(
            check_answers(&attrs, &unknown).map_err(|e| e.code),
            Err(ErrorCode::UnknownAttribute)
        );
    }

    #[test]
    fn a_list_needs_values_and_codes_are_unique() {
        let mut a = cover();
        a.values.clear();
        assert!(check_definition(&[a]).is_err());
        assert!(check_definition(&[cover(), cover()]).is_err());
        assert!(check_definition(&[cover()]).is_ok());
    }
}
