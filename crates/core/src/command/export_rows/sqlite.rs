//! An export's rows on SQLite, read through SQLite's own C API (rusqlite)
//! on a blocking thread, from a read-only connection the export opens for
//! itself.
//!
//! Why not the driver: sqlx hands SQLite rows one at a time from its worker
//! thread, and that hand-off cost more than everything else in an export
//! (20,700 rows/s on 1,000,000 cases; 57,000 with each batch folded into
//! JSON texts by SQLite). Stepping the statement on the thread that builds
//! the rows reads every value in place: ids as their 16-byte blobs, times
//! as the text the driver stored.

use super::{BATCH, COLUMNS, Row};
use crate::{cases::error::CaseError, cases::filter::Resolved, core::Ts};
use entity::cases;
use rusqlite::types::{Value as Param, ValueRef};
use sea_orm::sea_query::{Expr, Order, SqliteQueryBuilder, Value};
use sea_orm::{EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// A read-only connection to the node's SQLite file, used by one export at
/// a time (its batches are read one after another).
#[derive(Clone)]
pub struct SqliteReader(Arc<Mutex<rusqlite::Connection>>);

fn internal(msg: String) -> CaseError {
    CaseError::Internal(anyhow::anyhow!(msg))
}

/// A SQLite failure classified as the driver's are: busy or locked is
/// `Busy` (409, retry), a file that cannot be opened or read `Unavailable`
/// (503); anything else is ours (500).
fn db_err(e: rusqlite::Error) -> CaseError {
    use crate::infra::db_error::DbError;
    use rusqlite::ErrorCode as E;
    let source = || sea_orm::DbErr::Custom(format!("export: sqlite: {e}"));
    match e.sqlite_error_code() {
        Some(E::DatabaseBusy | E::DatabaseLocked) => DbError::Busy(source()).into(),
        Some(E::CannotOpen | E::SystemIoFailure) => DbError::Unavailable(source()).into(),
        _ => internal(format!("export: sqlite: {e}")),
    }
}

impl SqliteReader {
    /// Opens the file `url` names, read-only.
    pub fn open(url: &str) -> Result<Self, CaseError> {
        use rusqlite::OpenFlags as O;
        let path = crate::infra::db::sqlite_path(url)
            .ok_or_else(|| internal(format!("export: {url} names no SQLite file")))?;
        let conn = rusqlite::Connection::open_with_flags(
            path,
            O::SQLITE_OPEN_READ_ONLY | O::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(db_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(db_err)?;
        Ok(Self(Arc::new(Mutex::new(conn))))
    }

    /// The next batch after `rowid`, in rowid order: the table's own order
    /// (id order walks an index and fetches every row out of place).
    pub async fn batch(&self, f: &Resolved, rowid: i64) -> Result<Vec<Row>, CaseError> {
        let (sql, values) = cases::Entity::find()
            .select_only()
            .columns(COLUMNS)
            .expr(Expr::cust("rowid"))
            .filter(f.condition())
            .filter(Expr::cust_with_values("rowid > ?", [rowid]))
            .order_by(Expr::cust("rowid"), Order::Asc)
            .limit(BATCH)
            .into_query()
            .build(SqliteQueryBuilder);
        let params = values
            .into_iter()
            .map(param)
            .collect::<Result<Vec<_>, _>>()?;
        let conn = self.0.clone();
        tokio::task::spawn_blocking(move || {
            let conn = conn
                .lock()
                .map_err(|_| internal("export: reader poisoned".into()))?;
            read(&conn, &sql, &params)
        })
        .await
        .map_err(|e| internal(format!("export task: {e}")))?
    }
}

/// A filter value bound as the driver binds it: ids as 16-byte blobs,
/// times as RFC 3339 text (so that text comparisons agree).
fn param(v: Value) -> Result<Param, CaseError> {
    let int = |i: Option<i64>| i.map_or(Param::Null, Param::Integer);
    Ok(match v {
        Value::Bool(b) => int(b.map(i64::from)),
        Value::Int(i) => int(i.map(i64::from)),
        Value::BigInt(i) => int(i),
        Value::BigUnsigned(u) => int(u.and_then(|u| i64::try_from(u).ok())),
        Value::Double(d) => d.map_or(Param::Null, Param::Real),
        Value::String(s) => s.map_or(Param::Null, Param::Text),
        Value::Uuid(u) => u.map_or(Param::Null, |u| Param::Blob(u.as_bytes().to_vec())),
        Value::ChronoDateTimeWithTimeZone(t) => t.map_or(Param::Null, |t| {
            Param::Text(t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false))
        }),
        other => return Err(internal(format!("export: no SQLite binding for {other:?}"))),
    })
}

fn read(conn: &rusqlite::Connection, sql: &str, params: &[Param]) -> Result<Vec<Row>, CaseError> {
    let mut stmt = conn.prepare(sql).map_err(db_err)?;
    let mut rows = stmt
        .query(rusqlite::params_from_iter(params))
        .map_err(db_err)?;
    let mut out = Vec::with_capacity(BATCH as usize);
    while let Some(r) = rows.next().map_err(db_err)? {
        out.push(row(r).map_err(|e| internal(format!("export: stored value: {e}")))?);
    }
    Ok(out)
}

/// One row, in [`COLUMNS`]' order and then the rowid.
fn row(r: &rusqlite::Row<'_>) -> anyhow::Result<Row> {
    Ok(Row {
        id: need(0, opt(r, 0, uuid))?,
        case_no: need(1, opt(r, 1, text))?,
        status: need(2, opt(r, 2, text))?,
        category_id: need(3, opt(r, 3, uuid))?,
        area_id: need(4, opt(r, 4, uuid))?,
        address: opt(r, 5, text)?,
        description: need(6, opt(r, 6, text))?,
        lat: r.get(7)?,
        lng: r.get(8)?,
        unit_id: opt(r, 9, uuid)?,
        created_at: need(10, opt(r, 10, time))?,
        dispatched_at: opt(r, 11, time)?,
        due_at: opt(r, 12, time)?,
        resolved_at: opt(r, 13, time)?,
        closed_at: opt(r, 14, time)?,
        overdue_at: opt(r, 15, time)?,
        escalation_level: r.get(16)?,
        reopen_count: r.get(17)?,
        return_count: r.get(18)?,
        rating: r.get(19)?,
        rowid: r.get(20)?,
    })
}

/// Column `i` read by `parse`; `None` when it is null.
fn opt<T>(
    r: &rusqlite::Row<'_>,
    i: usize,
    parse: fn(ValueRef<'_>) -> anyhow::Result<T>,
) -> anyhow::Result<Option<T>> {
    match r.get_ref(i)? {
        ValueRef::Null => Ok(None),
        v => parse(v).map(Some),
    }
}

/// A column that may not be null.
fn need<T>(i: usize, v: anyhow::Result<Option<T>>) -> anyhow::Result<T> {
    v?.ok_or_else(|| anyhow::anyhow!("column {i} is null"))
}

/// An id, stored as its 16-byte blob.
fn uuid(v: ValueRef<'_>) -> anyhow::Result<Uuid> {
    Ok(Uuid::from_slice(v.as_blob()?)?)
}

fn text(v: ValueRef<'_>) -> anyhow::Result<String> {
    Ok(v.as_str()?.to_owned())
}

/// A time, stored as RFC 3339 text.
fn time(v: ValueRef<'_>) -> anyhow::Result<Ts> {
    Ok(chrono::DateTime::parse_from_rfc3339(v.as_str()?)?)
}
