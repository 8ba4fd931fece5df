//! Evidence files of the 创建日历's tasks: the kinds taken, stored for
//! their uploader until a submission takes them, read by the task's unit
//! and staff, and swept when no submission took them.

use super::{CampaignError, tasks::visible};
use crate::{
    core::{Caller, ErrorCode, Role},
    state::AppState,
};
use bytes::Bytes;
use entity::task_file;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

/// Who reads files (as tasks).
const READERS: [Role; 4] = [
    Role::UnitMember,
    Role::Dispatcher,
    Role::Supervisor,
    Role::Admin,
];

/// The kinds of file taken as evidence, by media type, with the
/// extension a download gets.
const FILE_TYPES: &[(&str, &str)] = &[
    ("application/pdf", "pdf"),
    ("application/msword", "doc"),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    ("application/vnd.ms-excel", "xls"),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    ("application/vnd.ms-powerpoint", "ppt"),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
    ("text/plain", "txt"),
    ("application/zip", "zip"),
    ("image/jpeg", "jpg"),
    ("image/png", "png"),
];

/// Whether a media type is taken as evidence.
pub fn file_type_ok(content_type: &str) -> bool {
    let bare = content_type.split(';').next().unwrap_or("").trim();
    FILE_TYPES.iter().any(|(t, _)| t.eq_ignore_ascii_case(bare))
}

/// Stores a file a unit's person hands in as evidence; it stays theirs,
/// unattached, until a submission names it.
pub async fn upload_file(
    state: &AppState,
    caller: &Caller,
    name: &str,
    content_type: &str,
    data: Bytes,
) -> Result<task_file::Model, CampaignError> {
    caller.require(&[Role::UnitMember])?;
    let bare = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if !file_type_ok(&bare) {
        return Err(CampaignError::FileType);
    }
    if data.is_empty() {
        return Err(CampaignError::EmptyFile);
    }
    let name: String = name
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '/' | '\\'))
        .take(120)
        .collect();
    if name.trim().is_empty() {
        return Err(CampaignError::invalid(
            ErrorCode::InvalidName,
            "a file needs a name (1–120 characters)",
        ));
    }
    let id = Uuid::now_v7();
    let key = format!("calendar/{id}");
    state
        .store
        .put(&key, data.clone(), &bare)
        .await
        .map_err(|e| e.0)?;
    let row = task_file::Model {
        id,
        task_id: None,
        name: name.trim().to_owned(),
        content_type: bare,
        bytes: i64::try_from(data.len()).unwrap_or(i64::MAX),
        object_key: key.clone(),
        uploaded_by: caller.user_id,
        created_at: state.clock.now(),
    };
    if let Err(e) = task_file::Entity::insert(task_file::ActiveModel::from(row.clone()))
        .exec_without_returning(&state.db)
        .await
    {
        // Nothing orphaned: the object goes with the row that failed.
        let _ = state.store.delete(&key).await;
        return Err(e.into());
    }
    Ok(row)
}

/// A file's row and bytes, for its uploader, its task's unit, or staff.
pub async fn read_file(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
) -> Result<(task_file::Model, Bytes), CampaignError> {
    caller.require(&READERS)?;
    let f = task_file::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(CampaignError::NotFound { what: "file" })?;
    let allowed = match (caller.role, f.task_id) {
        (Role::UnitMember, None) => f.uploaded_by == caller.user_id,
        (Role::UnitMember, Some(t)) => visible(state, caller, t).await.is_ok(),
        _ => f.task_id.is_some(),
    };
    if !allowed {
        return Err(CampaignError::NotFound { what: "file" });
    }
    let bytes = state
        .store
        .get(&f.object_key)
        .await
        .map_err(|e| e.0)?
        .ok_or(CampaignError::NotFound { what: "file" })?;
    Ok((f, bytes))
}

/// The media type a file's name says, by its extension (`wx.uploadFile`
/// may send no type, or `application/octet-stream`).
pub fn type_by_name(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    let ext = if ext == "jpeg" { "jpg" } else { ext.as_str() };
    FILE_TYPES
        .iter()
        .find(|(_, e)| *e == ext)
        .map_or("application/octet-stream", |(t, _)| t)
}

/// The extension a download of this media type gets.
pub fn extension(content_type: &str) -> &'static str {
    FILE_TYPES
        .iter()
        .find(|(t, _)| *t == content_type)
        .map_or("bin", |(_, e)| e)
}

/// Unattached evidence files older than this are swept, and no longer taken.
pub(super) fn stale_before(state: &AppState) -> crate::core::Ts {
    let ttl = i64::try_from(state.config.media.unattached_ttl_secs).unwrap_or(i64::MAX);
    state.clock.now() - chrono::Duration::seconds(std::cmp::min(ttl, 10 * 365 * 86_400))
}

/// Deletes the evidence files no submission took, once they are older than
/// unattached photos may be (`media.unattached_ttl_secs`); returns how many.
pub async fn purge_unattached(state: &AppState) -> Result<usize, CampaignError> {
    let stale = task_file::Entity::find()
        .filter(task_file::Column::TaskId.is_null())
        .filter(task_file::Column::CreatedAt.lt(stale_before(state)))
        .limit(500)
        .all(&state.db)
        .await?;
    let mut gone = 0;
    for f in &stale {
        // The row first, and only while still unattached (a submission
        // may take it meanwhile); then its object.
        let deleted = task_file::Entity::delete_many()
            .filter(task_file::Column::Id.eq(f.id))
            .filter(task_file::Column::TaskId.is_null())
            .exec(&state.db)
            .await?;
        if deleted.rows_affected == 1 {
            state.store.delete(&f.object_key).await.map_err(|e| e.0)?;
            gone += 1;
        }
    }
    Ok(gone)
}
