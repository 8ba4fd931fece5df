//! Reading the cases an export writes, in keyset batches of [`BATCH`]:
//! PostgreSQL through the driver in id order; SQLite through its own C API
//! on a blocking thread (`export_rows/sqlite.rs`).

mod sqlite;

use crate::{cases::error::CaseError, cases::filter::Resolved, core::Ts, state::AppState};
use entity::cases::{self, Column as C};
use sea_orm::{
    ColumnTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use sqlite::SqliteReader;
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

/// Where an export reads its rows from, opened once per export.
#[derive(Clone)]
pub enum Reader {
    /// Through the driver (PostgreSQL).
    Driver,
    /// A read-only connection of its own to the SQLite file.
    Sqlite(SqliteReader),
}

impl Reader {
    pub fn open(state: &AppState) -> Result<Self, CaseError> {
        if state.db.get_database_backend() == DbBackend::Sqlite {
            return Ok(Self::Sqlite(SqliteReader::open(
                &state.config.database_url,
            )?));
        }
        Ok(Self::Driver)
    }

    /// The next batch after `after`: on PostgreSQL in id order (its
    /// primary-key index), on SQLite in rowid order.
    pub async fn batch(
        &self,
        state: &AppState,
        f: &Resolved,
        after: Cursor,
    ) -> Result<Vec<Row>, CaseError> {
        match self {
            Self::Driver => batch_driver(state, f, after).await,
            Self::Sqlite(r) => r.batch(f, after.map_or(0, |(_, rowid)| rowid)).await,
        }
    }
}

/// The columns an export reads, in [`Row`]'s order (without `rowid`).
pub const COLUMNS: [C; 20] = [
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
];

async fn batch_driver(
    state: &AppState,
    f: &Resolved,
    after: Cursor,
) -> Result<Vec<Row>, CaseError> {
    let mut q = cases::Entity::find()
        .select_only()
        .columns(COLUMNS)
        .expr_as(Expr::cust("0::bigint"), "rowid")
        .filter(f.condition())
        .order_by_asc(C::Id)
        .limit(BATCH);
    if let Some((id, _)) = after {
        q = q.filter(C::Id.gt(id));
    }
    Ok(q.into_model::<Row>().all(&state.db).await?)
}
