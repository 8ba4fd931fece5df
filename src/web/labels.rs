//! The words for each enumerated value, written once, beside the enum
//! (`label()`): the spec carries them as `x-labels` on the enum's schema
//! (`{value: words}`), and the console's label tables are generated from
//! the spec (`npm run gen`), so no value is spelled twice.

use crate::{
    cases::dto::CaseAction,
    core::EventAction,
    core::{CaseStatus, LimitUnit, Role, StaffRole, channel::Channel},
    live::feed::FeedKind,
    web::enums,
};
use domain::{
    campaign::{RuleKind, TaskStatus},
    content::{CheckStatus, Subject},
    geo::AreaLevel,
    indicators::GroupBy,
    points::{Reason, RedemptionStatus},
    volunteers::{MomentStatus, PatrolEnd, TeamRole},
};
use poem_openapi::types::ToJSON;
use serde_json::{Map, Value};

/// A schema's values as the spec writes them, with their words.
type Words = Vec<(String, &'static str)>;

/// The value as the spec writes it.
fn code<T: ToJSON>(v: T) -> String {
    match v.to_json() {
        Some(Value::String(s)) => s,
        other => format!("{other:?}"),
    }
}

fn words<T: Copy, S: ToJSON>(all: &[T], spec: fn(T) -> S, label: fn(T) -> &'static str) -> Words {
    all.iter().map(|v| (code(spec(*v)), label(*v))).collect()
}

/// Each labelled schema of the spec.
fn tables() -> [(&'static str, Words); 19] {
    [
        (
            "CaseStatus",
            words(&CaseStatus::ALL, enums::CaseStatus::from, CaseStatus::label),
        ),
        ("Role", words(&Role::ALL, enums::Role::from, Role::label)),
        (
            "LimitUnit",
            words(&LimitUnit::ALL, enums::LimitUnit::from, LimitUnit::label),
        ),
        (
            "CaseAction",
            words(&CaseAction::ALL, |a| a, CaseAction::label),
        ),
        ("FeedKind", words(&FeedKind::ALL, |k| k, FeedKind::label)),
        (
            "EventAction",
            words(&EventAction::ALL, |a| a, EventAction::label),
        ),
        ("StaffRole", words(&StaffRole::ALL, |r| r, StaffRole::label)),
        ("Channel", words(&Channel::ALL, |c| c, Channel::label)),
        ("CheckSubject", words(&Subject::ALL, |s| s, Subject::label)),
        (
            "CheckStatus",
            words(&CheckStatus::ALL, |s| s, CheckStatus::label),
        ),
        ("AreaLevel", words(&AreaLevel::ALL, |l| l, AreaLevel::label)),
        ("GroupBy", words(&GroupBy::ALL, |g| g, GroupBy::label)),
        (
            "RedemptionStatus",
            words(&RedemptionStatus::ALL, |s| s, RedemptionStatus::label),
        ),
        ("PatrolEnd", words(&PatrolEnd::ALL, |e| e, PatrolEnd::label)),
        ("TeamRole", words(&TeamRole::ALL, |r| r, TeamRole::label)),
        (
            "MomentStatus",
            words(&MomentStatus::ALL, |s| s, MomentStatus::label),
        ),
        ("PointsReason", words(&Reason::ALL, |r| r, Reason::label)),
        (
            "TaskStatus",
            words(&TaskStatus::ALL, |s| s, TaskStatus::label),
        ),
        ("RuleKind", words(&RuleKind::ALL, |k| k, RuleKind::label)),
    ]
}

/// Puts `x-labels` on each labelled enum schema of the spec document.
pub fn annotate(doc: &mut Value) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (name, words) in tables() {
        if let Some(schema) = schemas.get_mut(name).and_then(Value::as_object_mut) {
            let labels: Map<String, Value> = words
                .into_iter()
                .map(|(code, label)| (code, Value::from(label)))
                .collect();
            schema.insert("x-labels".into(), Value::Object(labels));
        }
    }
}
