//! The volunteer-hours sheet a city re-enters into its volunteer-service
//! platform (志愿汇, 志愿中国 …): one row per ended patrol, in the columns
//! those platforms ask for: 姓名, 服务队, 日期, 开始时间, 结束时间,
//! 时长(小时), 地点, 活动内容, plus how it ended (a capped patrol counts
//! only to the cap). CSV (UTF-8 with a byte-order mark, so Excel reads the
//! Chinese) or XLSX; a cell that starts like a formula gets a leading `'`
//! in CSV.

use super::{
    error::VolunteerError,
    records::{Record, RecordFilter, records},
};
use crate::{
    command::export::neutralise,
    core::{Caller, time::shanghai},
    state::AppState,
};

type R<T> = Result<T, VolunteerError>;

/// What the 活动内容 column says of a patrol.
const ACTIVITY: &str = "文明巡访";

const HEADERS: [&str; 9] = [
    "姓名",
    "服务队",
    "日期",
    "开始时间",
    "结束时间",
    "时长(小时)",
    "地点",
    "活动内容",
    "结束方式",
];

/// The ended patrols matching `f`, oldest first, read a page at a time.
pub async fn ended(state: &AppState, caller: &Caller, f: RecordFilter) -> R<Vec<Record>> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let (page, last) = records(state, caller, f, after, 1000, true).await?;
        out.extend(page.into_iter().filter(|r| r.ended_at.is_some()));
        match last {
            Some(l) => after = Some(l),
            None => return Ok(out),
        }
    }
}

fn cells(r: &Record) -> [String; 9] {
    let start = r.started_at.with_timezone(&shanghai());
    let end = r.ended_at.map(|e| e.with_timezone(&shanghai()));
    #[allow(clippy::cast_precision_loss)]
    let hours = r.minutes as f64 / 60.0;
    [
        r.volunteer_name.clone(),
        r.team_name.clone(),
        start.format("%Y-%m-%d").to_string(),
        start.format("%H:%M").to_string(),
        end.map(|e| e.format("%H:%M").to_string())
            .unwrap_or_default(),
        format!("{hours:.2}"),
        r.spot_name.clone(),
        ACTIVITY.to_owned(),
        r.ended_by.map(|e| e.label().to_owned()).unwrap_or_default(),
    ]
}

/// The sheet as CSV.
pub fn csv(rows: &[Record]) -> R<Vec<u8>> {
    let mut w = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
    w.write_record(HEADERS).map_err(anyhow::Error::from)?;
    for r in rows {
        let c = cells(r);
        w.write_record(c.iter().map(|s| neutralise(s).into_owned()))
            .map_err(anyhow::Error::from)?;
    }
    Ok(w.into_inner().map_err(|e| anyhow::anyhow!("csv: {e}"))?)
}

/// The sheet as an XLSX workbook (every cell a string but the hours, a number).
pub fn xlsx(rows: &[Record]) -> R<Vec<u8>> {
    let err =
        |e: rust_xlsxwriter::XlsxError| VolunteerError::Internal(anyhow::anyhow!("xlsx: {e}"));
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("志愿时长").map_err(err)?;
    for (c, h) in (0u16..).zip(HEADERS) {
        ws.write_string(0, c, h).map_err(err)?;
    }
    for (i, r) in (1u32..).zip(rows) {
        for (c, v) in (0u16..).zip(cells(r)) {
            if c == 5 {
                #[allow(clippy::cast_precision_loss)]
                let hours = (r.minutes as f64 / 60.0 * 100.0).round() / 100.0;
                ws.write_number(i, c, hours).map_err(err)?;
            } else {
                ws.write_string(i, c, v).map_err(err)?;
            }
        }
    }
    wb.save_to_buffer().map_err(err)
}
