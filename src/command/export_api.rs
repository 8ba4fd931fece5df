//! The exports' HTTP side: the indicator table as an XLSX workbook, and
//! the places an export holds while it runs (refused with 429 or 503).

use super::{
    dto::IndicatorTable,
    export::{Slot, neutralise, xlsx_err},
};
use crate::{
    cases::error::CaseError,
    core::Caller,
    error::{ApiError, ErrorCode},
    state::AppState,
};

/// The indicator table as an XLSX workbook.
pub fn indicators_xlsx(t: &IndicatorTable) -> Result<Vec<u8>, CaseError> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("考核指标").map_err(xlsx_err)?;
    let headers = [
        "编码",
        "名称",
        "派遣数",
        "挂账数",
        "结案数",
        "按期结案数",
        "处置数",
        "返工数",
        "延期数",
        "回退数",
        "评价数",
        "满意数",
        "接单数",
        "按时接单数",
        "超期数",
        "督办数",
        "按期结案率",
        "结案率",
        "返工率",
        "延期率",
        "回退率",
        "满意率",
        "接单及时率",
        "平均处置时长(工作小时)",
        "处置时长中位数(工作小时)",
    ];
    for (c, h) in (0u16..).zip(headers) {
        ws.write_string(0, c, h).map_err(xlsx_err)?;
    }
    let rows = t.rows.iter().chain(std::iter::once(&t.total));
    for (r, row) in (1u32..).zip(rows) {
        ws.write_string(r, 0, neutralise(&row.key))
            .map_err(xlsx_err)?;
        ws.write_string(r, 1, neutralise(&row.name))
            .map_err(xlsx_err)?;
        #[allow(clippy::cast_precision_loss)]
        let counts = [
            row.dispatched,
            row.suspended,
            row.closed,
            row.closed_on_time,
            row.resolved,
            row.reopened,
            row.extended,
            row.returned,
            row.rated,
            row.satisfied,
            row.claimed,
            row.claimed_on_time,
            row.overdue,
            row.escalated,
        ]
        .map(|v| Some(v as f64));
        let rates = [
            &row.on_time_close_rate,
            &row.close_rate,
            &row.rework_rate,
            &row.extension_rate,
            &row.return_rate,
            &row.satisfaction_rate,
            &row.timely_claim_rate,
        ]
        .map(|r| r.value);
        let values = counts
            .into_iter()
            .chain(rates)
            .chain([row.mean_handling_hours, row.median_handling_hours]);
        for (c, v) in (2u16..).zip(values) {
            if let Some(v) = v {
                ws.write_number(r, c, v).map_err(xlsx_err)?;
            }
        }
    }
    wb.save_to_buffer().map_err(xlsx_err)
}

/// A place for the caller's export, or why there is none now.
pub fn slot(state: &AppState, caller: &Caller) -> Result<Slot, ApiError> {
    let account = state
        .command
        .exports_per_account
        .take(&caller.user_id.to_string(), 1)
        .ok_or_else(|| ApiError::TooManyRequests {
            code: ErrorCode::TooManyExports,
            message: "an export of this account is still running; wait for it to finish".into(),
            retry_after_secs: 10,
        })?;
    let node = state
        .command
        .exports_at_once
        .clone()
        .try_acquire_owned()
        .map_err(|_| ApiError::Unavailable {
            code: ErrorCode::ExportBusy,
            message: "this node is running as many exports as it runs at once; try again shortly"
                .into(),
            retry_after_secs: 10,
        })?;
    Ok(Slot::of(node, account))
}
