//! The case list: newest first, with filters and cursor pagination.

use crate::{
    cases::{error::CaseError, filter::CaseFilter, model::Case},
    core::{
        Caller,
        page::{BadCursor, decode_cursor, split_page},
        time::utc,
    },
    state::AppState,
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, FixedOffset};
use entity::cases;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect,
    sea_query::NullOrdering,
};

pub use domain::case::order::ListOrder;

/// Filters of `GET /cases`: the command centre's, plus two of its own.
#[derive(Debug, Default)]
pub struct Filters {
    pub filter: CaseFilter,
    pub order: ListOrder,
    pub due_before: Option<DateTime<FixedOffset>>,
    /// min lng, min lat, max lng, max lat (WGS-84).
    pub bbox: Option<[f64; 4]>,
}

/// A page of the case list.
#[derive(Debug)]
pub struct CaseList {
    /// This page, in the order asked for.
    pub items: Vec<Case>,
    /// Where the next page starts; none on the last page.
    pub next_cursor: Option<String>,
}

/// Cases the caller may see, in the order asked for.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    f: Filters,
    cursor: Option<&str>,
    limit: u64,
) -> Result<CaseList, CaseError> {
    let resolved = f.filter.resolve(state, caller)?;
    let mut q = cases::Entity::find()
        .filter(resolved.condition())
        .limit(limit + 1);
    q = match f.order {
        ListOrder::Newest => {
            if let Some(c) = cursor {
                q = q.filter(cases::Column::Id.lt(decode_cursor(c)?));
            }
            q.order_by_desc(cases::Column::Id)
        }
        ListOrder::Due => {
            if let Some(c) = cursor {
                q = q.filter(after_due(DueCursor::decode(c)?));
            }
            q.order_by_with_nulls(cases::Column::DueAt, Order::Asc, NullOrdering::Last)
                .order_by_asc(cases::Column::Id)
        }
    };
    if let Some(t) = f.due_before {
        q = q.filter(cases::Column::DueAt.lt(utc(t)));
    }
    if let Some([a, b, c, d]) = f.bbox {
        q = q
            .filter(cases::Column::Lng.between(a, c))
            .filter(cases::Column::Lat.between(b, d));
    }
    let mut rows = q.all(&state.db).await?;
    let next_cursor = match f.order {
        ListOrder::Newest => split_page(&mut rows, limit, |r| r.id),
        ListOrder::Due => {
            let last = split_page(&mut rows, limit, |r| r.id);
            last.and(rows.last()).map(|r| {
                DueCursor {
                    due: r.due_at,
                    id: r.id,
                }
                .encode()
            })
        }
    };
    let items = rows
        .into_iter()
        .map(crate::cases::repo::case_from_row)
        .collect();
    Ok(CaseList { items, next_cursor })
}

/// Where a page in deadline order ended: the last row's deadline and id.
struct DueCursor {
    due: Option<DateTime<FixedOffset>>,
    id: uuid::Uuid,
}

impl DueCursor {
    fn encode(&self) -> String {
        let due = self
            .due
            .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
        URL_SAFE_NO_PAD.encode(format!("{}~{}", due.unwrap_or_default(), self.id))
    }

    fn decode(s: &str) -> Result<Self, BadCursor> {
        let text = URL_SAFE_NO_PAD
            .decode(s)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or(BadCursor)?;
        let (due, id) = text.split_once('~').ok_or(BadCursor)?;
        let due = match due {
            "" => None,
            // As stored: UTC, to the nanosecond (SQLite compares the text).
            t => Some(utc(DateTime::parse_from_rfc3339(t).map_err(|_| BadCursor)?)),
        };
        Ok(Self {
            due,
            id: id.parse().map_err(|_| BadCursor)?,
        })
    }
}

/// The rows after the cursor in (deadline ascending, none last; id) order.
fn after_due(c: DueCursor) -> Condition {
    use cases::Column::{DueAt, Id};
    match c.due {
        Some(d) => Condition::any()
            .add(DueAt.gt(d))
            .add(Condition::all().add(DueAt.eq(d)).add(Id.gt(c.id)))
            .add(DueAt.is_null()),
        None => Condition::all().add(DueAt.is_null()).add(Id.gt(c.id)),
    }
}

/// A unit of the directory, as stored (`units` lists them).
pub type Unit = entity::unit::Model;
