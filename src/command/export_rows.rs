//! Reading the cases an export writes, in keyset batches of [`BATCH`]:
//! PostgreSQL through the driver in id order; SQLite as one JSON row per
//! batch (see [`batch_sqlite`]).

use crate::{cases::error::CaseError, cases::filter::Resolved, core::Ts, state::AppState};
use entity::cases::{self, Column as C};
use sea_orm::{
    ColumnTrait, DbBackend, EntityTrait, FromQueryResult, Order, QueryFilter, QueryOrder,
    QuerySelect, sea_query::Expr,
};
use uuid::Uuid;

pub const BATCH: u64 = 2000;

/// The columns an export reads (not the whole row).
#[derive(Debug, FromQueryResult)]
pub struct Row {
    pub id: Uuid,
    pub case_no: String,
    pub status: String,
    pub category_id: Uuid,
    pub area_id: Uuid,
    pub address: Option<String>,
    pub description: String,
    pub lat: f64,
    pub lng: f64,
    pub unit_id: Option<Uuid>,
    pub created_at: Ts,
    pub dispatched_at: Option<Ts>,
    pub due_at: Option<Ts>,
    pub resolved_at: Option<Ts>,
    pub closed_at: Option<Ts>,
    pub overdue_at: Option<Ts>,
    pub escalation_level: i32,
    pub reopen_count: i32,
    pub return_count: i32,
    pub rating: Option<i32>,
    /// SQLite's rowid (0 on PostgreSQL).
    pub rowid: i64,
}

/// Where the next batch starts: the last row's id and rowid.
pub type Cursor = Option<(Uuid, i64)>;

impl Row {
    pub fn cursor(&self) -> (Uuid, i64) {
        (self.id, self.rowid)
    }
}

/// The next batch after `after`: on PostgreSQL in id order (its
/// primary-key index), on SQLite see [`batch_sqlite`].
pub async fn batch(state: &AppState, f: &Resolved, after: Cursor) -> Result<Vec<Row>, CaseError> {
    if state.db.get_database_backend() == DbBackend::Sqlite {
        return batch_sqlite(state, f, after.map_or(0, |(_, rowid)| rowid)).await;
    }
    let mut q = cases::Entity::find()
        .select_only()
        .columns([
            C::Id,
            C::CaseNo,
            C::Status,
            C::CategoryId,
            C::AreaId,
            C::Address,
            C::Description,
            C::Lat,
            C::Lng,
            C::UnitId,
            C::CreatedAt,
            C::DispatchedAt,
            C::DueAt,
            C::ResolvedAt,
            C::ClosedAt,
            C::OverdueAt,
            C::EscalationLevel,
            C::ReopenCount,
            C::ReturnCount,
            C::Rating,
        ])
        .expr_as(Expr::cust("0::bigint"), "rowid")
        .filter(f.condition())
        .order_by_asc(C::Id)
        .limit(BATCH);
    if let Some((id, _)) = after {
        q = q.filter(C::Id.gt(id));
    }
    Ok(q.into_model::<Row>().all(&state.db).await?)
}

/// The columns of [`Row`] as one SQLite JSON array (ids in hex).
/// Coordinates go as text with 17 digits: JSON numbers from SQLite carry 15,
/// which do not round-trip every double.
const SQLITE_ROW: &str = "json_array(hex(id), case_no, status, hex(category_id), hex(area_id), \
     address, description, printf('%!.17g', lat), printf('%!.17g', lng), hex(unit_id), created_at, dispatched_at, due_at, \
     resolved_at, closed_at, overdue_at, escalation_level, reopen_count, return_count, rating, \
     rowid)";

/// A row as [`SQLITE_ROW`] spells it.
#[derive(serde::Deserialize)]
#[allow(clippy::type_complexity)]
struct SqliteRow(
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i32,
    i32,
    i32,
    Option<i32>,
    i64,
);

/// Rows per JSON text on SQLite: a few hundred kilobytes, so that texts
/// made on the driver's thread and freed on ours do not fragment the heap
/// (2,000 at once, about 1.2 MB each, left a node at 1.1 GiB).
const SQLITE_PART: u64 = 250;

/// The next batch on SQLite after `rowid`, in rowid order (the table's own
/// order: id order walks an index and fetches every row out of place), as
/// a few result rows: SQLite folds each part of the batch into a JSON
/// array. The driver hands rows one by one from its worker thread, which
/// cost more than everything else in the export; one row per part leaves
/// SQLite's own scan and a JSON parse.
async fn batch_sqlite(
    state: &AppState,
    f: &Resolved,
    mut rowid: i64,
) -> Result<Vec<Row>, CaseError> {
    let mut out = Vec::with_capacity(BATCH as usize);
    while (out.len() as u64) < BATCH {
        let part = sqlite_part(state, f, rowid).await?;
        let last = part.len() as u64;
        rowid = part.last().map_or(rowid, |r| r.rowid);
        out.extend(part);
        if last < SQLITE_PART {
            break;
        }
    }
    Ok(out)
}

async fn sqlite_part(state: &AppState, f: &Resolved, rowid: i64) -> Result<Vec<Row>, CaseError> {
    use sea_orm::{ConnectionTrait, QueryTrait, sea_query::Query};
    let inner = cases::Entity::find()
        .select_only()
        .expr_as(Expr::cust(SQLITE_ROW), "r")
        .filter(f.condition())
        .filter(Expr::cust_with_values("rowid > ?", [rowid]))
        .order_by(Expr::cust("rowid"), Order::Asc)
        .limit(SQLITE_PART)
        .into_query();
    let outer = Query::select()
        .expr_as(Expr::cust("json_group_array(json(r))"), "j")
        .from_subquery(inner, "b")
        .to_owned();
    let row = state
        .db
        .query_one(&outer)
        .await?
        .ok_or_else(|| CaseError::Internal(anyhow::anyhow!("export: no aggregate row")))?;
    let json: String = row.try_get("", "j")?;
    let rows: Vec<SqliteRow> = serde_json::from_str(&json)
        .map_err(|e| CaseError::Internal(anyhow::anyhow!("export: batch JSON: {e}")))?;
    let mut out = rows
        .into_iter()
        .map(Row::from_sqlite)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| CaseError::Internal(anyhow::anyhow!("export: stored value: {e}")))?;
    out.sort_unstable_by_key(|r| r.rowid);
    Ok(out)
}

impl Row {
    fn from_sqlite(r: SqliteRow) -> anyhow::Result<Self> {
        let id = |s: &str| Uuid::parse_str(s);
        let opt_id = |s: Option<String>| s.filter(|s| !s.is_empty()).map(|s| id(&s)).transpose();
        let ts = |s: &str| chrono::DateTime::parse_from_rfc3339(s);
        let opt_ts = |s: Option<String>| s.map(|s| ts(&s)).transpose();
        Ok(Self {
            id: id(&r.0)?,
            case_no: r.1,
            status: r.2,
            category_id: id(&r.3)?,
            area_id: id(&r.4)?,
            address: r.5,
            description: r.6,
            lat: r.7.parse()?,
            lng: r.8.parse()?,
            unit_id: opt_id(r.9)?,
            created_at: ts(&r.10)?,
            dispatched_at: opt_ts(r.11)?,
            due_at: opt_ts(r.12)?,
            resolved_at: opt_ts(r.13)?,
            closed_at: opt_ts(r.14)?,
            overdue_at: opt_ts(r.15)?,
            escalation_level: r.16,
            reopen_count: r.17,
            return_count: r.18,
            rating: r.19,
            rowid: r.20,
        })
    }
}
