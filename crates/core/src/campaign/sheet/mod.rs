//! Importing indicators from a sheet (CSV, in UTF-8 or the GB18030 that
//! Excel writes on a Chinese Windows, or XLSX's first worksheet), all or
//! nothing: every row is checked first, and one bad row refuses the whole
//! sheet with each bad row listed (its number, column and why).
//!
//! One row per key date; an indicator's rows share its code (its name,
//! parent and criterion on its first row), and a row with no rule is an
//! indicator without key dates (a heading of the tree). Columns, by
//! header, in Chinese or English:
//!
//! | 指标编码 code | 指标名称 name | 上级编码 parent | 完成标准 criterion |
//! | 责任单位 units (codes, separated by 、 , ; or spaces) |
//! | 关键节点 rule (2026-12-20, 每月15日, 每周五, 测评前10天 2027-03-01) |
//! | 节点说明 title | 提前工作日 lead (default 2) |
//!
//! Indicators in the sheet are created or replaced (their units and key
//! dates become the sheet's); others are left as they are.

use super::{
    CampaignError,
    error::RowError,
    items::{self, ItemInput, KeyDateInput},
};
use crate::{
    audit::{self, Actor},
    core::ErrorCode,
    state::AppState,
};
use domain::campaign::DateRule;
use sea_orm::TransactionTrait;
use std::collections::HashMap;

mod read;

pub use read::{MAX_COLUMNS, Row, read};

/// Most rows a sheet may have.
pub const MAX_ROWS: usize = 5000;
/// The lead time of a row that gives none.
pub const DEFAULT_LEAD: u32 = 2;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Indicators created or replaced.
    pub items: usize,
    /// Key dates in the sheet.
    pub key_dates: usize,
}

fn split_units(s: &str) -> Vec<String> {
    s.split(['、', ',', '，', ';', '；', ' ', '\n', '/'])
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Imports a sheet: all of it, or (422) nothing, with every bad row.
pub async fn import(
    state: &AppState,
    actor: Actor,
    bytes: &[u8],
) -> Result<ImportReport, CampaignError> {
    // Unzipping and parsing a large workbook is CPU work: off the runtime.
    let owned = bytes.to_vec();
    let rows = tokio::task::spawn_blocking(move || read(&owned))
        .await
        .map_err(anyhow::Error::from)??;
    if rows.is_empty() {
        return Err(CampaignError::UnreadableSheet(
            "the sheet has a header but no rows".into(),
        ));
    }
    let mut errors: Vec<RowError> = vec![];
    let err = |row: usize, column: &str, code: ErrorCode, message: String| RowError {
        row,
        column: column.to_owned(),
        code,
        message,
    };
    // Group the rows by code, in order of first appearance.
    let mut order: Vec<String> = vec![];
    let mut groups: HashMap<String, (usize, ItemInput)> = HashMap::new();
    let mut key_dates = 0;
    for (n, r) in &rows {
        let cell = |c: &str| r.get(c).cloned().unwrap_or_default();
        let code = cell("code");
        if code.is_empty() {
            errors.push(err(
                *n,
                "code",
                ErrorCode::InvalidCode,
                "every row needs a code".into(),
            ));
            continue;
        }
        let entry = groups.entry(code.clone()).or_insert_with(|| {
            order.push(code.clone());
            (
                *n,
                ItemInput {
                    code: code.clone(),
                    name: cell("name"),
                    parent_code: Some(cell("parent")).filter(|p| !p.is_empty()),
                    criterion: Some(cell("criterion")).filter(|c| !c.is_empty()),
                    ..ItemInput::default()
                },
            )
        });
        let (first, item) = entry;
        if *first != *n {
            for (col, mine, theirs) in [
                ("name", cell("name"), Some(item.name.clone())),
                ("parent", cell("parent"), item.parent_code.clone()),
                ("criterion", cell("criterion"), item.criterion.clone()),
            ] {
                if !mine.is_empty() && Some(&mine) != theirs.as_ref() {
                    errors.push(err(
                        *n,
                        col,
                        ErrorCode::InvalidRequest,
                        format!("differs from row {first}, this indicator's first row"),
                    ));
                }
            }
        }
        for u in split_units(&cell("units")) {
            if !item.unit_codes.contains(&u) {
                item.unit_codes.push(u);
            }
        }
        let (rule, title, lead) = (cell("rule"), cell("title"), cell("lead"));
        if rule.is_empty() {
            if !title.is_empty() || !lead.is_empty() {
                errors.push(err(
                    *n,
                    "rule",
                    ErrorCode::InvalidRule,
                    "a key date's title or lead needs its rule".into(),
                ));
            }
            continue;
        }
        let rule = match DateRule::parse(&rule) {
            Ok(r) => r,
            Err(e) => {
                errors.push(err(*n, "rule", ErrorCode::InvalidRule, e.to_string()));
                continue;
            }
        };
        let lead = if lead.is_empty() {
            DEFAULT_LEAD
        } else if let Ok(l) = lead.parse::<u32>() {
            l
        } else {
            errors.push(err(
                *n,
                "lead",
                ErrorCode::InvalidRule,
                "a lead is a whole number of working days".into(),
            ));
            continue;
        };
        let k = KeyDateInput {
            title: if title.is_empty() {
                item.name.clone()
            } else {
                title
            },
            rule,
            lead_working_days: lead,
        };
        let one = ItemInput {
            key_dates: vec![k.clone()],
            unit_codes: vec!["-".into()],
            ..item.clone()
        };
        // The key date's own fields, checked on its row.
        errors.extend(
            items::row_errors(*n, &one)
                .into_iter()
                .filter(|e| matches!(e.column.as_str(), "title" | "lead" | "rule")),
        );
        if item.key_dates.iter().any(|e| e.rule == k.rule) {
            errors.push(err(
                *n,
                "rule",
                ErrorCode::InvalidRule,
                format!("{} is listed twice for {}", k.rule.describe(), item.code),
            ));
            continue;
        }
        item.key_dates.push(k);
        key_dates += 1;
    }
    // The indicators' own fields, their units and parents.
    let txn = state.db.begin().await?;
    let units = items::units_by_code(&txn).await?;
    let stored = items::items_by_code(&txn).await?;
    let pending: HashMap<String, Option<String>> = groups
        .iter()
        .map(|(c, (_, i))| (c.clone(), i.parent_code.clone()))
        .collect();
    let mut resolved = vec![];
    for code in &order {
        let Some((n, i)) = groups.get(code) else {
            continue;
        };
        errors.extend(
            items::row_errors(*n, i)
                .into_iter()
                .filter(|e| !matches!(e.column.as_str(), "title" | "lead" | "rule")),
        );
        let unit_ids = match items::resolve_units(&units, &i.unit_codes) {
            Ok(u) => u,
            Err(code) => {
                errors.push(err(
                    *n,
                    "units",
                    ErrorCode::UnknownUnit,
                    format!("no unit with code {code}"),
                ));
                vec![]
            }
        };
        let n_tasks = items::tasks_a_year(i, unit_ids.len(), super::today(state));
        if n_tasks > items::MAX_TASKS_A_YEAR {
            errors.push(err(
                *n,
                "rule",
                ErrorCode::InvalidRule,
                items::too_many_tasks(n_tasks),
            ));
        }
        match items::resolve_parent(&stored, &pending, i) {
            Ok(p) => resolved.push((i.clone(), p, unit_ids)),
            Err((col, message)) => errors.push(err(*n, col, ErrorCode::InvalidParent, message)),
        }
    }
    if !errors.is_empty() {
        txn.rollback().await?;
        errors.sort_by_key(|e| e.row);
        return Err(CampaignError::Sheet(errors));
    }
    // Parents before children.
    let mut written: Vec<String> = vec![];
    while written.len() < resolved.len() {
        let before = written.len();
        for (i, parent, unit_ids) in &resolved {
            let ready = parent
                .as_ref()
                .is_none_or(|p| !pending.contains_key(p) || written.contains(p));
            if written.contains(&i.code) || !ready {
                continue;
            }
            items::write(&txn, state, i, parent.clone(), unit_ids, &stored).await?;
            written.push(i.code.clone());
        }
        if written.len() == before {
            // A cycle within the sheet; resolve_parent refused it already.
            txn.rollback().await?;
            return Err(CampaignError::Parent(
                "the sheet's parents form a cycle".into(),
            ));
        }
    }
    audit::record(
        &txn,
        actor,
        "assessment_item.import",
        "assessment_item",
        None,
        None,
        Some(serde_json::json!({"items": written.len(), "keyDates": key_dates})),
    )
    .await?;
    txn.commit().await?;
    Ok(ImportReport {
        items: written.len(),
        key_dates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_excel_saved_as_gb18030_reads_as_its_utf8_twin() {
        let text = "指标编码,指标名称,责任单位,关键节点\n2.1,公共厕所,sh-cgj、xc-cgj,每月15日\n\n";
        let (gbk, _, _) = encoding_rs::GB18030.encode(text);
        assert!(
            std::str::from_utf8(&gbk).is_err(),
            "the fixture is not UTF-8"
        );
        let rows = read(&gbk).map_err(|e| e.to_string());
        assert_eq!(
            rows.as_ref().map(|r| r.len()),
            Ok(1),
            "one data row, the blank one skipped"
        );
        let (n, row) = &rows.as_ref().map(|r| r[0].clone()).unwrap_or_default();
        assert_eq!(*n, 2);
        assert_eq!(row.get("name").map(String::as_str), Some("公共厕所"));
        assert_eq!(row.get("rule").map(String::as_str), Some("每月15日"));
        assert_eq!(split_units(&row["units"]), ["sh-cgj", "xc-cgj"]);
    }

    #[test]
    fn a_sheet_without_a_code_column_is_refused_before_any_row() {
        let got = read("名称,关键节点\n公共厕所,每月15日\n".as_bytes());
        assert!(matches!(got, Err(CampaignError::UnreadableSheet(m)) if m.contains("指标编码")));
    }
}
