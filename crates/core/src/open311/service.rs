//! What the GeoReport reads find: service requests from the cases (never
//! who reported them); `view_dto.rs` writes them as Open311 shows them.

use super::error::GeoReportError;
use crate::core::ErrorCode;
use crate::{
    core::{CaseStatus, Ts},
    infra::DbError,
    state::AppState,
};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime};
pub use domain::channel::ServiceStatus;
use entity::{case_event, cases, open311_request};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use uuid::Uuid;

/// The longest span of `start_date`–`end_date`, and the default window.
pub const MAX_SPAN_DAYS: i64 = 90;
/// The most requests one answer holds (`page_size`'s default and bound).
pub const MAX_PAGE_SIZE: u64 = 1000;

/// The filters of `GET requests`, as the client sent them.
#[derive(Debug, Default)]
pub struct RequestQuery {
    pub service_request_id: Option<String>,
    pub service_code: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub status: Option<String>,
    pub page: u64,
    pub page_size: u64,
}

fn bad(code: ErrorCode, message: impl Into<String>) -> GeoReportError {
    GeoReportError::Invalid {
        code,
        message: message.into(),
    }
}

/// A W3C time (`2026-11-01T00:00:00Z`, with any offset), a time without
/// offset (China time) or a date (its start, China time).
fn parse_time(field: &str, s: &str) -> Result<Ts, GeoReportError> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t);
    }
    let local = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        });
    local
        .and_then(|t| t.and_local_timezone(crate::core::time::shanghai()).single())
        .ok_or_else(|| {
            bad(
                ErrorCode::InvalidDate,
                format!("{field} is not a W3C time such as 2026-11-01T00:00:00+08:00"),
            )
        })
}

fn list(s: &Option<String>) -> Vec<String> {
    s.iter()
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect()
}

/// Who may read a case through Open311: the public, under the same rule
/// as every public read (`cases::publication`), integrators' cases too.
fn public(state: &AppState) -> Condition {
    crate::cases::publication::cases(&state.config.publication)
}

/// The most requests a page may start after.
const MAX_DEPTH: u64 = 10_000;

/// `GET requests`: by ids (which override every other filter), or by
/// service, status and a window of at most 90 days (default: the last 90),
/// newest first; `page` and `page_size` page through it.
pub async fn requests(state: &AppState, q: &RequestQuery) -> Result<Vec<Found>, GeoReportError> {
    let mut filter = Condition::all().add(public(state));
    let ids = list(&q.service_request_id);
    if ids.len() > 100 {
        return Err(bad(
            ErrorCode::TooManyIds,
            "at most 100 service_request_id at once",
        ));
    }
    if !ids.is_empty() {
        filter = filter.add(cases::Column::CaseNo.is_in(ids));
    } else {
        let now = state.clock.now();
        let end = q
            .end_date
            .as_deref()
            .map(|s| parse_time("end_date", s))
            .transpose()?;
        let start = q
            .start_date
            .as_deref()
            .map(|s| parse_time("start_date", s))
            .transpose()?;
        let span = Duration::days(MAX_SPAN_DAYS);
        let (start, end) = match (start, end) {
            (Some(s), Some(e)) => (s, e),
            (Some(s), None) => (s, s + span),
            (None, Some(e)) => (e - span, e),
            (None, None) => (now - span, now),
        };
        if end < start {
            return Err(bad(ErrorCode::InvalidDate, "end_date is before start_date"));
        }
        if end - start > span {
            return Err(bad(
                ErrorCode::DateRangeTooLong,
                format!("start_date to end_date spans at most {MAX_SPAN_DAYS} days"),
            ));
        }
        filter = filter
            .add(cases::Column::CreatedAt.gte(start))
            .add(cases::Column::CreatedAt.lte(end));
        let codes = list(&q.service_code);
        if !codes.is_empty() {
            let cats = state.categories.get();
            let mut ids = Vec::new();
            for code in &codes {
                match cats.by_code(code) {
                    Some(c) => ids.push(c.id),
                    None => {
                        return Err(bad(
                            ErrorCode::UnknownServiceCode,
                            format!("no service {code}"),
                        ));
                    }
                }
            }
            filter = filter.add(cases::Column::CategoryId.is_in(ids));
        }
        let statuses = list(&q.status);
        let (mut open, mut closed) = (false, false);
        for s in &statuses {
            match ServiceStatus::parse(s) {
                Some(ServiceStatus::Open) => open = true,
                Some(ServiceStatus::Closed) => closed = true,
                None => {
                    let other = s;
                    return Err(bad(
                        ErrorCode::InvalidStatus,
                        format!("status {other} is not open or closed"),
                    ));
                }
            }
        }
        match (open, closed) {
            (true, false) => {
                filter = filter.add(cases::Column::Status.is_not_in(ServiceStatus::CLOSED))
            }
            (false, true) => {
                filter = filter.add(cases::Column::Status.is_in(ServiceStatus::CLOSED))
            }
            _ => {}
        }
    }
    let skip = (q.page.max(1) - 1).saturating_mul(q.page_size);
    if skip > MAX_DEPTH {
        return Err(bad(
            ErrorCode::PageTooDeep,
            format!(
                "a page may start at most {MAX_DEPTH} requests deep; narrow start_date and end_date"
            ),
        ));
    }
    let rows = cases::Entity::find()
        .filter(filter)
        .order_by_desc(cases::Column::CreatedAt)
        .order_by_desc(cases::Column::Id)
        .offset(skip)
        .limit(q.page_size)
        .all(&state.db)
        .await
        .map_err(DbError::from)?;
    render(state, rows).await
}

/// One request by its case number, if the public may read it.
pub async fn request(state: &AppState, id: &str) -> Result<Vec<Found>, GeoReportError> {
    let rows = cases::Entity::find()
        .filter(cases::Column::CaseNo.eq(id))
        .filter(public(state))
        .all(&state.db)
        .await
        .map_err(DbError::from)?;
    if rows.is_empty() {
        return Err(GeoReportError::NotFound {
            what: "service request",
        });
    }
    render(state, rows).await
}

/// The case number of the request a token (given by a post) stands for.
pub async fn token(state: &AppState, token: &str) -> Result<String, GeoReportError> {
    let id = Uuid::parse_str(token).map_err(|_| GeoReportError::NotFound { what: "token" })?;
    let filed = open311_request::Entity::find_by_id(id)
        .count(&state.db)
        .await
        .map_err(DbError::from)?;
    let case = match filed {
        0 => None,
        _ => (cases::Entity::find_by_id(id).one(&state.db).await).map_err(DbError::from)?,
    };
    let case = case.ok_or_else(|| GeoReportError::NotFound { what: "token" })?;
    Ok(case.case_no)
}

/// A request as Open311 reads it: the case, its latest public timeline
/// step, and the photo link an integrator gave.
#[derive(Debug)]
pub struct Found {
    pub case: cases::Model,
    /// (status after it, note) of the latest public step.
    pub last_public: Option<(CaseStatus, Option<String>)>,
    pub media_url: Option<String>,
}

/// The cases with what Open311 shows of them besides their rows.
async fn render(state: &AppState, rows: Vec<cases::Model>) -> Result<Vec<Found>, GeoReportError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let (events, filed) = tokio::try_join!(
        case_event::Entity::find()
            .filter(case_event::Column::CaseId.is_in(ids.clone()))
            .filter(case_event::Column::Public.eq(true))
            .order_by_asc(case_event::Column::Id)
            .all(&state.db),
        open311_request::Entity::find()
            .filter(open311_request::Column::CaseId.is_in(ids))
            .all(&state.db),
    )
    .map_err(DbError::from)?;
    let mut last: HashMap<Uuid, (CaseStatus, Option<String>)> = HashMap::new();
    for e in events {
        last.insert(e.case_id, (e.to_status, e.note));
    }
    let mut media: HashMap<Uuid, String> = filed
        .into_iter()
        .filter_map(|f| f.media_url.map(|m| (f.case_id, m)))
        .collect();
    Ok(rows
        .into_iter()
        .map(|case| Found {
            last_public: last.remove(&case.id),
            media_url: media.remove(&case.id),
            case,
        })
        .collect())
}
