//! Exports of the filtered cases (CSV and XLSX, Chinese headers) and of the
//! indicator table (XLSX). Cases are read in keyset batches of 2,000, so
//! memory stays flat however many rows go out: CSV is streamed to the
//! client batch by batch; XLSX is written in the writer's constant-memory
//! mode to a temporary file, which is then streamed and deleted.
//!
//! No cell can become a formula: a CSV cell that starts with `=`, `+`,
//! `-`, `@`, a tab or a carriage return gets a leading `'` (OWASP's advice
//! for CSV injection); XLSX cells are written as strings, never formulas.

use super::export_rows::{BATCH, Cursor, Reader, Row};
use crate::cases::filter::Resolved;
use crate::core::ErrorCode;
use crate::{
    cases::error::CaseError,
    core::{CaseStatus, Ts, time::china},
    state::AppState,
};
use bytes::Bytes;
use entity::cases;
use futures_util::Stream;
use sea_orm::{EntityTrait, PaginatorTrait, QueryFilter};

/// Rows a worksheet holds below its header.
pub const XLSX_MAX_ROWS: u64 = 1_048_575;

/// The columns of a case export.
pub const HEADERS: [&str; 22] = [
    "案卷编号",
    "状态",
    "大类",
    "小类",
    "区",
    "街道",
    "网格",
    "地址",
    "问题描述",
    "纬度(WGS-84)",
    "经度(WGS-84)",
    "责任单位",
    "上报时间",
    "派遣时间",
    "处置时限",
    "处置时间",
    "结案时间",
    "是否超期",
    "督办级别",
    "返工次数",
    "回退次数",
    "评价",
];

/// Makes a text cell inert in a spreadsheet.
pub fn neutralise(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

/// A time to the minute in China time, without a format string to parse.
fn minute(t: Option<Ts>) -> String {
    use chrono::{Datelike, Timelike};
    t.map(|t| {
        let c = china(t);
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}",
            c.year(),
            c.month(),
            c.day(),
            c.hour(),
            c.minute()
        )
    })
    .unwrap_or_default()
}

/// The catalogues an export reads names from, taken once per batch.
struct Names {
    cats: std::sync::Arc<crate::categories::catalog::Catalog>,
    areas: std::sync::Arc<crate::geo::areas::AreaIndex>,
    dir: std::sync::Arc<crate::routing::Directory>,
}

impl Names {
    fn of(state: &AppState) -> Self {
        Self {
            cats: state.categories.get(),
            areas: state.areas.get(),
            dir: state.directory.get(),
        }
    }

    fn rows(&self, rows: &[Row]) -> Vec<Vec<String>> {
        rows.iter().map(|r| self.cells(r)).collect()
    }
}

impl Names {
    /// One case as export cells.
    fn cells(&self, r: &Row) -> Vec<String> {
        let (cats, areas, dir) = (&self.cats, &self.areas, &self.dir);
        let time = minute;
        let status = CaseStatus::parse(&r.status);
        let small = cats.by_id(r.category_id);
        let big = small.and_then(|c| c.parent_id).and_then(|p| cats.by_id(p));
        // The area chain, from the case's area upwards.
        let mut chain = vec![];
        let mut cur = areas.by_id(r.area_id);
        while let Some(a) = cur.filter(|_| chain.len() < 4) {
            chain.push(a);
            cur = a.parent_id.and_then(|p| areas.by_id(p));
        }
        let at_level = |l: crate::geo::areas::Level| {
            chain
                .iter()
                .find(|a| a.level == l)
                .map(|a| a.name.clone())
                .unwrap_or_default()
        };
        use crate::geo::areas::Level;
        let overdue =
            status.is_some_and(|s| crate::cases::filter::is_overdue(s, r.overdue_at.is_some()));
        vec![
            r.case_no.clone(),
            status
                .map(|s| s.label().to_owned())
                .unwrap_or_else(|| r.status.clone()),
            big.map(|c| c.name.clone()).unwrap_or_default(),
            small.map(|c| c.name.clone()).unwrap_or_default(),
            at_level(Level::District),
            at_level(Level::Street),
            at_level(Level::Grid),
            r.address.clone().unwrap_or_default(),
            r.description.clone(),
            format!("{:.6}", r.lat),
            format!("{:.6}", r.lng),
            r.unit_id
                .and_then(|u| dir.units.get(&u))
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            time(Some(r.created_at)),
            time(r.dispatched_at),
            time(r.due_at),
            time(r.resolved_at),
            time(r.closed_at),
            if overdue { "是" } else { "否" }.into(),
            r.escalation_level.to_string(),
            r.reopen_count.to_string(),
            r.return_count.to_string(),
            r.rating.map(|s| s.to_string()).unwrap_or_default(),
        ]
    }
}

fn csv_bytes(rows: &[Vec<String>], header: bool) -> Result<Bytes, CaseError> {
    let mut w = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 256));
    let fail = |e: csv::Error| CaseError::Internal(e.into());
    if header {
        w.write_record(HEADERS).map_err(fail)?;
    }
    for r in rows {
        for c in r {
            w.write_field(neutralise(c).as_bytes()).map_err(fail)?;
        }
        w.write_record(None::<&[u8]>).map_err(fail)?;
    }
    let mut out = w
        .into_inner()
        .map_err(|e| CaseError::Internal(anyhow::anyhow!("csv: {e}")))?;
    if header {
        // A byte-order mark, so that Excel reads the Chinese as UTF-8.
        out.splice(0..0, "\u{feff}".bytes());
    }
    Ok(out.into())
}

/// A batch being read while the previous one is formatted.
type Pending = tokio::task::JoinHandle<Result<Vec<Row>, CaseError>>;

fn prefetch(reader: &Reader, state: &AppState, f: &Resolved, after: Cursor) -> Pending {
    let (reader, state, f) = (reader.clone(), state.clone(), f.clone());
    tokio::spawn(async move { reader.batch(&state, &f, after).await })
}

/// The matching cases as CSV, batch by batch, the next batch read while
/// this one is formatted. The first batch is read before the response
/// starts, so a failing database is an error status, not a truncated file.
pub async fn csv_stream(
    state: AppState,
    f: Resolved,
) -> Result<impl Stream<Item = std::io::Result<Bytes>> + Send + 'static, CaseError> {
    let reader = Reader::open(&state)?;
    let first = reader.batch(&state, &f, None).await?;
    let next = (first.len() as u64 == BATCH)
        .then(|| prefetch(&reader, &state, &f, first.last().map(Row::cursor)));
    let rows = Names::of(&state).rows(&first);
    let head = csv_bytes(&rows, true)?;
    let tail =
        futures_util::stream::unfold((reader, state, f, next), |(r, state, f, next)| async move {
            let rows = match next?.await {
                Ok(Ok(rows)) => rows,
                Ok(Err(e)) => return Some((Err(cut_short(&e.to_string())), (r, state, f, None))),
                Err(e) => return Some((Err(cut_short(&e.to_string())), (r, state, f, None))),
            };
            let following = (rows.len() as u64 == BATCH)
                .then(|| prefetch(&r, &state, &f, rows.last().map(Row::cursor)));
            let cells = Names::of(&state).rows(&rows);
            let chunk = csv_bytes(&cells, false).map_err(|e| cut_short(&e.to_string()));
            Some((chunk, (r, state, f, following)))
        });
    Ok(futures_util::StreamExt::chain(
        futures_util::stream::once(async move { Ok(head) }),
        tail,
    ))
}

/// A failure after the response began: logged, and the file ends there.
fn cut_short(e: &str) -> std::io::Error {
    tracing::warn!(error = %e, "export: a batch failed; the file is cut short");
    std::io::Error::other(e.to_owned())
}

pub fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> CaseError {
    CaseError::Internal(anyhow::anyhow!("xlsx: {e}"))
}

/// The matching cases as an XLSX file written in constant memory to a
/// temporary file; returns the open file (already unlinked). The export's
/// slot is held by the writing itself, so that a client that leaves does
/// not free it while the file is still being written.
pub async fn xlsx_file(
    state: AppState,
    f: Resolved,
    held: Slot,
) -> Result<tokio::fs::File, CaseError> {
    let rows = cases::Entity::find()
        .filter(f.condition())
        .count(&state.db)
        .await?;
    if rows > XLSX_MAX_ROWS {
        return Err(CaseError::BadFilter {
            code: ErrorCode::ExportTooLarge,
            message: format!(
                "{rows} cases match; a worksheet holds at most {XLSX_MAX_ROWS}: narrow the filters or export CSV"
            ),
        });
    }
    let handle = tokio::runtime::Handle::current();
    let reader = Reader::open(&state)?;
    tokio::task::spawn_blocking(move || -> Result<tokio::fs::File, CaseError> {
        let _held = held;
        let tmp = tempfile::NamedTempFile::new().map_err(|e| CaseError::Internal(e.into()))?;
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet_with_constant_memory().map_err(xlsx_err)?;
        ws.set_name("案卷").map_err(xlsx_err)?;
        for (c, h) in (0u16..).zip(HEADERS) {
            ws.write_string(0, c, h).map_err(xlsx_err)?;
        }
        let mut row: u32 = 1;
        let mut after = None;
        loop {
            let rows = handle.block_on(reader.batch(&state, &f, after))?;
            for r in Names::of(&state).rows(&rows) {
                for (c, v) in (0u16..).zip(r) {
                    ws.write_string(row, c, v).map_err(xlsx_err)?;
                }
                row += 1;
            }
            after = rows.last().map(Row::cursor);
            if (rows.len() as u64) < BATCH {
                break;
            }
        }
        wb.save(tmp.path()).map_err(xlsx_err)?;
        let file = tmp.reopen().map_err(|e| CaseError::Internal(e.into()))?;
        Ok(tokio::fs::File::from_std(file))
    })
    .await
    .map_err(|e| CaseError::Internal(anyhow::anyhow!("export task: {e}")))?
}

/// What a case export holds while it runs: a place among the node's
/// exports at once, and the account's one.
pub struct Slot {
    _node: tokio::sync::OwnedSemaphorePermit,
    _account: crate::infra::slots::Slot,
}

impl Slot {
    /// The places taken (given back when the export ends).
    pub fn of(node: tokio::sync::OwnedSemaphorePermit, account: crate::infra::slots::Slot) -> Self {
        Self {
            _node: node,
            _account: account,
        }
    }
}
