//! Reading a sheet into rows: CSV (UTF-8 or GB18030) or XLSX (streamed),
//! the header naming the columns, blank rows skipped and counted, and the
//! caps on rows, columns and unpacked size.

use super::MAX_ROWS;
use crate::campaign::CampaignError;
use std::collections::HashMap;

const COLUMNS: &[(&str, &[&str])] = &[
    ("code", &["指标编码", "编码", "code"]),
    ("name", &["指标名称", "名称", "name"]),
    ("parent", &["上级编码", "上级指标", "parent"]),
    ("criterion", &["完成标准", "达标要求", "criterion"]),
    ("units", &["责任单位", "units"]),
    ("rule", &["关键节点", "时间节点", "rule"]),
    ("title", &["节点说明", "节点任务", "title"]),
    ("lead", &["提前工作日", "提前提醒工作日", "lead"]),
];

/// One data row: its sheet row number and its cells by column name.
pub type Row = (usize, HashMap<&'static str, String>);

/// Most columns a sheet's rows may use.
pub const MAX_COLUMNS: usize = 64;
/// Most bytes an XLSX file may unpack to (its parts together).
const MAX_UNPACKED: u64 = 64 * 1024 * 1024;

/// A sheet's non-blank rows: (row number, counting the first as 1; cells).
type Grid = Vec<(usize, Vec<String>)>;

fn too_many_rows() -> CampaignError {
    CampaignError::UnreadableSheet(format!("at most {MAX_ROWS} rows in one sheet"))
}

/// Reads a sheet's rows (CSV or XLSX by its first bytes): the first
/// non-blank row is the header; blank rows are skipped, and counted in the
/// row numbers reported.
pub fn read(bytes: &[u8]) -> Result<Vec<Row>, CampaignError> {
    let grid = if bytes.starts_with(b"PK\x03\x04") {
        xlsx_grid(bytes)?
    } else {
        csv_grid(bytes)?
    };
    let mut rows = grid.into_iter();
    let Some((_, header)) = rows.next() else {
        return Err(CampaignError::UnreadableSheet("the sheet is empty".into()));
    };
    let mut at: Vec<(usize, &'static str)> = vec![];
    for (i, h) in header.iter().enumerate() {
        let h = h.trim().trim_start_matches('\u{feff}').to_lowercase();
        if let Some((name, _)) = COLUMNS
            .iter()
            .find(|(_, names)| names.iter().any(|n| n.to_lowercase() == h))
        {
            at.push((i, name));
        }
    }
    for need in ["code", "name"] {
        if !at.iter().any(|(_, n)| *n == need) {
            return Err(CampaignError::UnreadableSheet(format!(
                "the header row needs the column {need} ({})",
                COLUMNS
                    .iter()
                    .find(|(n, _)| *n == need)
                    .map_or("", |(_, names)| names[0])
            )));
        }
    }
    let mut out = vec![];
    for (n, cells) in rows {
        let mut row = HashMap::new();
        for (col, name) in &at {
            row.insert(*name, cells.get(*col).map_or("", |s| s.trim()).to_owned());
        }
        out.push((n, row));
    }
    Ok(out)
}

/// Keeps a row unless it is blank; refuses a sheet past the caps.
fn keep(grid: &mut Grid, n: usize, cells: Vec<String>) -> Result<(), CampaignError> {
    if cells.iter().all(|c| c.trim().is_empty()) {
        return Ok(());
    }
    if cells.len() > MAX_COLUMNS && cells[MAX_COLUMNS..].iter().any(|c| !c.trim().is_empty()) {
        return Err(CampaignError::UnreadableSheet(format!(
            "row {n}: at most {MAX_COLUMNS} columns"
        )));
    }
    // The header and MAX_ROWS rows.
    if grid.len() > MAX_ROWS {
        return Err(too_many_rows());
    }
    grid.push((n, cells));
    Ok(())
}

fn csv_grid(bytes: &[u8]) -> Result<Grid, CampaignError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_owned(),
        Err(_) => {
            let (t, _, bad) = encoding_rs::GB18030.decode(bytes);
            if bad {
                return Err(CampaignError::UnreadableSheet(
                    "a CSV sheet is UTF-8 or GB18030 text".into(),
                ));
            }
            t.into_owned()
        }
    };
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut grid = vec![];
    let mut rec = csv::StringRecord::new();
    loop {
        match r.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                let n = rec
                    .position()
                    .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
                keep(&mut grid, n, rec.iter().map(str::to_owned).collect())?;
            }
            Err(e) => return Err(CampaignError::UnreadableSheet(format!("CSV: {e}"))),
        }
    }
    Ok(grid)
}

/// The first worksheet, streamed cell by cell: a sheet's declared size is
/// never allocated, so a tiny file naming cell XFD1048576 is refused, not
/// a node's memory. The parts' unpacked sizes are checked first.
fn xlsx_grid(bytes: &[u8]) -> Result<Grid, CampaignError> {
    use calamine::{DataRef, Reader, Xlsx};
    let unreadable =
        |e: &dyn std::fmt::Display| CampaignError::UnreadableSheet(format!("XLSX: {e}"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let mut unpacked = 0u64;
    for i in 0..zip.len() {
        unpacked += zip.by_index_raw(i).map_err(|e| unreadable(&e))?.size();
    }
    if unpacked > MAX_UNPACKED {
        return Err(CampaignError::UnreadableSheet(format!(
            "XLSX: unpacks to more than {} MB",
            MAX_UNPACKED / 1024 / 1024
        )));
    }
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let first = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| CampaignError::UnreadableSheet("XLSX: no worksheet".into()))?;
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(|e| unreadable(&e))?;
    let mut grid = vec![];
    let mut row: Option<(u32, Vec<String>)> = None;
    while let Some(cell) = cells.next_cell().map_err(|e| unreadable(&e))? {
        let (r, c) = cell.get_position();
        let text = match cell.get_value() {
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
            DataRef::SharedString(s) => (*s).to_owned(),
            #[allow(clippy::cast_possible_truncation)]
            DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            DataRef::Float(f) => f.to_string(),
            DataRef::Int(i) => i.to_string(),
            DataRef::Bool(b) => b.to_string(),
            DataRef::DateTime(d) => d
                .as_datetime()
                .map(|t| t.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            DataRef::Error(_) | DataRef::Empty => String::new(),
        };
        if text.trim().is_empty() {
            continue;
        }
        let col = usize::try_from(c).unwrap_or(usize::MAX);
        if col >= MAX_COLUMNS {
            return Err(CampaignError::UnreadableSheet(format!(
                "row {}: at most {MAX_COLUMNS} columns",
                r + 1
            )));
        }
        if row.as_ref().is_some_and(|(at, _)| *at != r)
            && let Some((at, done)) = row.take()
        {
            keep(&mut grid, at as usize + 1, done)?;
        }
        let (_, cur) = row.get_or_insert_with(|| (r, vec![]));
        if cur.len() <= col {
            cur.resize(col + 1, String::new());
        }
        cur[col] = text;
    }
    if let Some((at, done)) = row {
        keep(&mut grid, at as usize + 1, done)?;
    }
    Ok(grid)
}
