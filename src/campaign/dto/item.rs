//! What keeping the indicators takes and answers.

use domain::campaign::{DateRule, RuleKind};
use poem_openapi::Object;
use suishoupai_core::campaign::{
    items::{self, ItemView},
    sheet::ImportReport,
};
use uuid::Uuid;

use crate::cases::dto::UnitLink as UnitRef;

/// A key date to keep.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct KeyDateInput {
    /// What is due (节点说明), 1–100 characters.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub title: String,
    /// When: a date (`2026-12-20`), `每月15日` (monthly on a day; a
    /// shorter month uses its last day), `每周五` (weekly on a weekday,
    /// 一…日), or `测评前10天 2027-03-01` (days before an inspection
    /// window opens); also `monthly:15`, `weekly:5`, `before:2027-03-01:10`.
    #[oai(validator(min_length = 1, max_length = 40))]
    pub rule: String,
    /// Working days ahead the units are reminded, on the city's working
    /// calendar (0: on the day, or the working day before it).
    #[oai(
        default = "two",
        validator(minimum(value = "0"), maximum(value = "60"))
    )]
    pub lead_working_days: u32,
}

fn two() -> u32 {
    2
}

/// An indicator to create or replace, by code.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct ItemInput {
    /// Unique code, e.g. `2.3.1`: 1–32 letters, digits, '.', '-' or '_'.
    #[oai(validator(pattern = r"^[A-Za-z0-9._-]{1,32}$"))]
    pub code: String,
    /// Name, 1–100 characters.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: String,
    /// The indicator above it in the tree.
    #[oai(nullable, validator(min_length = 1, max_length = 32))]
    pub parent_code: Option<String>,
    /// What counts as done (完成标准), at most 2,000 characters.
    #[oai(nullable, validator(max_length = 2000))]
    pub criterion: Option<String>,
    /// The responsible units, by code (required with key dates).
    #[oai(default, validator(max_items = 100))]
    pub unit_codes: Vec<String>,
    /// Its key dates (at most 50); they replace the ones it had.
    #[oai(default, validator(max_items = 50))]
    pub key_dates: Vec<KeyDateInput>,
}

impl ItemInput {
    /// The service's input; a rule that does not read is `Err(message)`.
    pub fn into_input(self) -> Result<items::ItemInput, String> {
        let mut key_dates = vec![];
        for k in self.key_dates {
            let rule = DateRule::parse(&k.rule).map_err(|e| format!("{}: {e}", k.rule))?;
            key_dates.push(items::KeyDateInput {
                title: k.title,
                rule,
                lead_working_days: k.lead_working_days,
            });
        }
        Ok(items::ItemInput {
            code: self.code,
            name: self.name,
            parent_code: self.parent_code,
            criterion: self.criterion,
            unit_codes: self.unit_codes,
            key_dates,
        })
    }
}

/// A key date as kept.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct KeyDateView {
    pub id: Uuid,
    /// What is due.
    pub title: String,
    /// The rule in words, as `rule` is written.
    pub rule: String,
    /// The rule's kind.
    pub rule_kind: RuleKind,
    /// Working days ahead the units are reminded.
    pub lead_working_days: i32,
}

impl From<&suishoupai_core::campaign::KeyDate> for KeyDateView {
    fn from(k: &suishoupai_core::campaign::KeyDate) -> Self {
        Self {
            id: k.id,
            title: k.title.clone(),
            rule: DateRule::from_parts(k.rule_kind, k.rule_date, k.rule_n)
                .map(DateRule::describe)
                .unwrap_or_default(),
            rule_kind: k.rule_kind,
            lead_working_days: k.lead_working_days,
        }
    }
}

/// An indicator as kept.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct ItemOut {
    pub id: Uuid,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// The indicator above it.
    #[oai(nullable)]
    pub parent_code: Option<String>,
    /// What counts as done.
    #[oai(nullable)]
    pub criterion: Option<String>,
    /// Retired indicators give no new tasks.
    pub active: bool,
    /// The responsible units.
    pub units: Vec<UnitRef>,
    /// Its key dates.
    pub key_dates: Vec<KeyDateView>,
}

impl ItemOut {
    pub fn of(v: ItemView) -> Self {
        Self {
            id: v.item.id,
            code: v.item.code,
            name: v.item.name,
            parent_code: v.parent_code,
            criterion: v.item.criterion,
            active: v.item.active,
            units: v
                .units
                .into_iter()
                .map(|u| UnitRef {
                    id: u.id,
                    code: u.code,
                    name: u.name,
                })
                .collect(),
            key_dates: v.key_dates.iter().map(Into::into).collect(),
        }
    }
}

/// What an import did.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct ImportView {
    /// Indicators created or replaced.
    pub items: u64,
    /// Key dates in the sheet.
    pub key_dates: u64,
}

impl From<ImportReport> for ImportView {
    fn from(r: ImportReport) -> Self {
        Self {
            items: r.items as u64,
            key_dates: r.key_dates as u64,
        }
    }
}
