//! The units' tasks: read by month, handed in with evidence, accepted or
//! returned; evidence files; completion rates.

use super::dto::{CompletionView, DecisionInput, FileView, SubmitInput, TaskList, TaskOut};
use super::{FileErrors, TaskErrors, TaskReadErrors, completion, files, read_upload, tasks, today};
use crate::{
    api::Tag,
    auth::BearerAuth,
    core::Role,
    error::{ApiError, ErrorCode, Res},
    state::AppState,
};
use chrono::{Datelike, NaiveDate};
use poem::web::Data;
use poem_openapi::{
    ApiResponse, Multipart, OpenApi,
    param::{Path, Query},
    payload::{Attachment, AttachmentType, Json},
    types::multipart::Upload,
};
use uuid::Uuid;

/// An evidence file, as `wx.uploadFile` sends it.
#[derive(Debug, Multipart)]
pub struct FileForm {
    /// The file: PDF, Word, Excel, PowerPoint, plain text, ZIP, JPEG or
    /// PNG (by its part's media type, else by its name's extension).
    pub file: Upload,
    /// The name to keep, when the part's own is a temporary one (a phone's
    /// `wx.uploadFile` sends its temporary path's), 1–120 characters.
    #[oai(validator(min_length = 1, max_length = 120))]
    pub name: Option<String>,
}

#[derive(ApiResponse)]
pub enum FileStored {
    /// Stored; the caller's until a submission names it.
    #[oai(status = 201)]
    Created(Json<FileView>),
}

fn month_range(month: Option<&str>, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let first = match month {
        None => today.with_day(1).unwrap_or(today),
        Some(m) => NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
            .map_err(|_| ApiError::bad_request(ErrorCode::InvalidPeriod, "month is YYYY-MM"))?,
    };
    let last = first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|n| n.pred_opt())
        .unwrap_or(first);
    Ok((first, last))
}

pub struct CalendarApi;

#[OpenApi(prefix_path = "/api/v1/calendar", tag = "Tag::Calendar")]
impl CalendarApi {
    /// Tasks by month
    ///
    /// The tasks due in a month (default this one, China time), or in
    /// `from`–`to` (at most 400 days), by date, indicator and unit. A
    /// unit's people see their own unit's, and those escalated to their
    /// unit (督办); city staff see all, or one unit's with `unit`. Photos
    /// and files are in a single task's read. An unknown `unit` is `400
    /// unknown_unit`, an unknown `item` `404`; `from` without `to`, or a
    /// range past 400 days, `400 invalid_period`.
    #[oai(path = "/tasks", method = "get", operation_id = "listCalendarTasks")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// `YYYY-MM`.
        #[oai(validator(pattern = r"^\d{4}-\d{2}$"))]
        month: Query<Option<String>>,
        /// First due date (with `to`, instead of `month`).
        from: Query<Option<NaiveDate>>,
        /// Last due date.
        to: Query<Option<NaiveDate>>,
        /// Only this unit's, by code (staff).
        unit: Query<Option<String>>,
        /// Only this indicator's, by code.
        item: Query<Option<String>>,
        /// Only tasks in this status.
        status: Query<Option<domain::campaign::TaskStatus>>,
        /// Only tasks marked overdue (true) or not (false).
        overdue: Query<Option<bool>>,
    ) -> Res<Json<TaskList>, TaskReadErrors> {
        let (from, to) = match (from.0, to.0) {
            (Some(f), Some(t)) => {
                if t < f || (t - f).num_days() > completion::MAX_DAYS {
                    return Err(ApiError::bad_request(
                        ErrorCode::InvalidPeriod,
                        "from is on or before to, at most 400 days apart",
                    )
                    .into());
                }
                (f, t)
            }
            (None, None) => month_range(month.0.as_deref(), today(&state))?,
            _ => {
                return Err(ApiError::bad_request(
                    ErrorCode::InvalidPeriod,
                    "give both from and to, or neither",
                )
                .into());
            }
        };
        let unit_id = match unit.0.as_deref() {
            None => None,
            Some(code) => Some(
                state
                    .directory
                    .get()
                    .unit_by_code(code)
                    .map(|u| u.id)
                    .ok_or_else(|| {
                        ApiError::bad_request(ErrorCode::UnknownUnit, format!("no unit {code}"))
                    })?,
            ),
        };
        let filter = tasks::TaskFilter {
            from: Some(from),
            to: Some(to),
            unit_id,
            item_code: item.0,
            status: status.0,
            overdue: overdue.0,
        };
        let (rows, truncated) = tasks::list(&state, &auth.0, filter).await?;
        Ok(Json(TaskList {
            from,
            to,
            items: rows.into_iter().map(|v| TaskOut::of(&state, v)).collect(),
            truncated,
            today: today(&state),
        }))
    }

    /// One task
    ///
    /// With its photos (signed URLs) and files. A unit's people read their
    /// own unit's and those escalated to their unit; another unit's is
    /// `404`.
    #[oai(path = "/tasks/:id", method = "get", operation_id = "getCalendarTask")]
    async fn get(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> Res<Json<TaskOut>, TaskReadErrors> {
        let v = tasks::get(&state, &auth.0, id.0).await?;
        Ok(Json(TaskOut::of(&state, v)))
    }

    /// Mark a task done
    ///
    /// A unit's people hand in their unit's pending or returned task with
    /// its evidence: a note, photos (`POST /media`), files (`POST
    /// /calendar/files`); at least one (`422 no_evidence`). Evidence that is
    /// not the caller's unused upload is `422 invalid_media`, and nothing is
    /// written. Already handed in or accepted: `409 not_open`; changed since
    /// `expectedVersion`: `409 concurrent_update` (without it, the task as it
    /// is now). After its date it is done `late`. Only the task's own unit
    /// hands it in (the unit above reads an escalated one: `404`).
    #[oai(
        path = "/tasks/:id/submit",
        method = "post",
        operation_id = "submitCalendarTask"
    )]
    async fn submit(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<SubmitInput>,
    ) -> Res<Json<TaskOut>, TaskErrors> {
        let b = body.0;
        let s = tasks::Submission {
            note: b.note,
            media_ids: b.media_ids,
            file_ids: b.file_ids,
            expected_version: b.expected_version,
        };
        let v = tasks::submit(&state, &auth.0, id.0, s).await?;
        Ok(Json(TaskOut::of(&state, v)))
    }

    /// Accept or return a task
    ///
    /// Supervisors and admins decide on a handed-in task: accepted (验收通过)
    /// or returned (退回, with a note saying what is missing: `400
    /// note_required` without). A returned task is the unit's again, and
    /// its unit is told; past its date it goes overdue, once. Not handed
    /// in: `409 not_submitted`.
    #[oai(
        path = "/tasks/:id/decision",
        method = "post",
        operation_id = "decideCalendarTask"
    )]
    async fn decide(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<DecisionInput>,
    ) -> Res<Json<TaskOut>, TaskErrors> {
        let b = body.0;
        let d = tasks::Decision {
            accept: b.accept,
            note: b.note,
            expected_version: b.expected_version,
        };
        let v = tasks::decide(&state, &auth.0, id.0, d).await?;
        Ok(Json(TaskOut::of(&state, v)))
    }

    /// Upload an evidence file
    ///
    /// One multipart field named `file`, as `wx.uploadFile` sends it: PDF,
    /// Word, Excel, PowerPoint, plain text, ZIP, JPEG or PNG (`415`
    /// otherwise), up to the photo upload's size (`413`). It stays the
    /// caller's, unattached, until a submission names it. A unit's people.
    #[oai(path = "/files", method = "post", operation_id = "uploadCalendarFile")]
    async fn upload(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        form: FileForm,
    ) -> Res<FileStored, FileErrors> {
        auth.0.require(&[Role::UnitMember])?;
        let (part_name, ct, bytes) = read_upload(form.file).await?;
        let name = form.name.or(part_name).unwrap_or_else(|| "evidence".into());
        let ct = match ct.as_deref() {
            Some(t) if files::file_type_ok(t) => t.to_owned(),
            _ => files::type_by_name(&name).to_owned(),
        };
        let f = files::upload_file(&state, &auth.0, &name, &ct, bytes.into()).await?;
        Ok(FileStored::Created(Json((&f).into())))
    }

    /// Read an evidence file
    ///
    /// Its uploader, its task's unit, and city staff.
    #[oai(path = "/files/:id", method = "get", operation_id = "getCalendarFile")]
    async fn file(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> Res<Attachment<Vec<u8>>, FileErrors> {
        let (f, bytes) = files::read_file(&state, &auth.0, id.0).await?;
        let ext = files::extension(&f.content_type);
        let stem: String = f
            .name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let name = if stem.ends_with(&format!(".{ext}")) {
            stem
        } else {
            format!("{stem}.{ext}")
        };
        Ok(Attachment::new(bytes.to_vec())
            .attachment_type(AttachmentType::Attachment)
            .filename(name))
    }

    /// Completion rates
    ///
    /// By unit and by indicator over the tasks due from `from` to `to`
    /// (default this month; at most 400 days), counting only those due up
    /// to today: 完成率 (accepted ÷ due), 按时完成率 (accepted and handed in
    /// by its date ÷ due), and how many went overdue. City staff.
    #[oai(
        path = "/completion",
        method = "get",
        operation_id = "calendarCompletion"
    )]
    async fn completion(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// First due date (default the first of this month).
        from: Query<Option<NaiveDate>>,
        /// Last due date (default the last of this month).
        to: Query<Option<NaiveDate>>,
    ) -> Res<Json<CompletionView>, TaskReadErrors> {
        let (first, last) = month_range(None, today(&state))?;
        let c = completion::rates(
            &state,
            &auth.0,
            from.0.unwrap_or(first),
            to.0.unwrap_or(last),
        )
        .await?;
        Ok(Json(CompletionView::of(&state, c)))
    }
}
