//! 文明美好瞬间: good moments anyone files (a few words, a place, 1–9
//! photos), as well as the problems they report. Staff review each: an
//! approved one earns its author the city's points per moment and, if
//! staff choose, is published on the public board. Publication follows
//! the trust-and-safety rules: nothing is public before a person read and
//! approved it (WeChat's check of the text refuses a risky one at filing;
//! its doubt or silence is shown to the reviewer), the board shows only
//! photos whose content checks passed (as a case's public photos), and a
//! deleted author's moments are never published.

use super::{error::VolunteerError, rules, teams::STAFF};
use crate::{
    audit,
    content::Subject,
    core::{Actor, Caller, ErrorCode, Role, Ts, page::split_page},
    media::stored::StoredPhoto,
    points::ledger::{self, Reason, Work},
    reports::error::ReportError,
    state::AppState,
};
use domain::{
    content::CheckStatus,
    geo::{CoordSystem, Wgs84},
    volunteers::MomentStatus,
};
use entity::{media, moment, team_member as member};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait, sea_query::Expr,
};
use std::collections::HashMap;
use uuid::Uuid;

type R<T> = Result<T, VolunteerError>;

/// The most characters a moment's text may have.
pub const MAX_TEXT: usize = 500;
/// Its address's.
pub const MAX_ADDRESS: usize = 200;
/// Its photos'.
pub const MAX_PHOTOS: usize = 9;

/// The name a moment is shown under when its author is in no team.
const CITIZEN: &str = "市民";

/// A moment as its author files it.
#[derive(Debug, Clone)]
pub struct NewMoment {
    pub text: String,
    pub lat: f64,
    pub lng: f64,
    pub system: CoordSystem,
    pub address: Option<String>,
    /// 1–9 of the author's unattached uploads.
    pub media_ids: Vec<Uuid>,
}

/// A moment as it is read back.
#[derive(Debug, Clone)]
pub struct Moment {
    pub id: Uuid,
    pub author: Uuid,
    pub author_name: String,
    pub text: String,
    pub lat: f64,
    pub lng: f64,
    pub area_id: Uuid,
    pub address: Option<String>,
    pub text_check: Option<CheckStatus>,
    pub status: MomentStatus,
    pub published: bool,
    pub review_note: Option<String>,
    pub reviewed_at: Option<Ts>,
    /// Oldest first; those content security blocked left out.
    pub photos: Vec<StoredPhoto>,
    pub created_at: Ts,
}

/// A page of moments, newest first.
#[derive(Debug)]
pub struct MomentPage {
    pub items: Vec<Moment>,
    pub next_cursor: Option<String>,
}

fn invalid(code: ErrorCode, message: impl Into<String>) -> VolunteerError {
    VolunteerError::Report(ReportError::invalid(code, message))
}

/// Anyone files a good moment: checked whole, then the moment and its
/// photos in one transaction, waiting for review.
pub async fn file(state: &AppState, caller: &Caller, m: &NewMoment) -> R<Moment> {
    caller.require(&[Role::Citizen])?;
    let text = m.text.trim().to_owned();
    if text.is_empty() {
        return Err(invalid(
            ErrorCode::TextRequired,
            "a moment needs a few words",
        ));
    }
    if text.chars().count() > MAX_TEXT {
        let msg = format!("the text has more than {MAX_TEXT} characters");
        return Err(invalid(ErrorCode::DescriptionTooLong, msg));
    }
    let address = (m.address.as_deref().map(str::trim))
        .filter(|a| !a.is_empty())
        .map(str::to_owned);
    if address
        .as_ref()
        .is_some_and(|a| a.chars().count() > MAX_ADDRESS)
    {
        let msg = format!("the address has more than {MAX_ADDRESS} characters");
        return Err(invalid(ErrorCode::AddressTooLong, msg));
    }
    if m.media_ids.is_empty() || m.media_ids.len() > MAX_PHOTOS {
        let msg = format!("a moment needs 1 to {MAX_PHOTOS} photos");
        return Err(invalid(ErrorCode::InvalidPhotoCount, msg));
    }
    let mut unique = m.media_ids.clone();
    unique.sort_unstable();
    unique.dedup();
    if unique.len() != m.media_ids.len() {
        return Err(invalid(
            ErrorCode::DuplicateMediaIds,
            "a photo is listed twice",
        ));
    }
    let point = Wgs84::parse(m.lat, m.lng, m.system)
        .map_err(|e| invalid(ErrorCode::InvalidCoordinates, e.to_string()))?;
    let tolerance = state.config.workflow.border_tolerance_m;
    let area_id = (state
        .areas
        .get()
        .locate(point.lng(), point.lat(), tolerance))
    .first()
    .map(|a| a.id)
    .ok_or_else(|| {
        invalid(
            ErrorCode::OutsideServiceArea,
            "the location is outside every area this city serves",
        )
    })?;
    let text_check =
        crate::content::checks::screen_text(state, caller.user_id, &text, Subject::Description)
            .await
            .map_err(|r| ReportError::from(crate::cases::error::CaseError::from(r)))?
            .map(|c| c.status);
    let author_name = member::Entity::find_by_id(caller.user_id)
        .one(&state.db)
        .await?
        .map_or_else(|| CITIZEN.to_owned(), |m| m.name);
    let now = state.clock.now();
    let row = moment::Model {
        id: Uuid::now_v7(),
        user_id: caller.user_id,
        author_name,
        body: text,
        lat: point.lat(),
        lng: point.lng(),
        area_id,
        address,
        text_check,
        status: MomentStatus::Pending,
        published: false,
        review_note: None,
        reviewed_by: None,
        reviewed_at: None,
        created_at: now,
    };
    let txn = state.db.begin().await?;
    moment::Entity::insert(moment::ActiveModel::from(row.clone()))
        .exec_without_returning(&txn)
        .await?;
    let kept = media::Entity::update_many()
        .col_expr(media::Column::RecordId, Expr::value(row.id))
        .filter(media::Column::Id.is_in(m.media_ids.clone()))
        .filter(media::Column::OwnerId.eq(caller.user_id))
        .filter(media::Column::CaseId.is_null())
        .filter(media::Column::RecordId.is_null())
        .filter(media::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    if kept.rows_affected != m.media_ids.len() as u64 {
        txn.rollback().await?;
        return Err(VolunteerError::InvalidMedia {
            ids: unusable(state, caller.user_id, &m.media_ids, now).await?,
        });
    }
    txn.commit().await?;
    get_row(state, row.id).await
}

/// Which of `ids` are not the owner's unexpired, unused uploads.
async fn unusable(state: &AppState, owner: Uuid, ids: &[Uuid], now: Ts) -> R<Vec<Uuid>> {
    let usable: Vec<Uuid> = media::Entity::find()
        .filter(media::Column::Id.is_in(ids.to_vec()))
        .filter(media::Column::OwnerId.eq(owner))
        .filter(media::Column::CaseId.is_null())
        .filter(media::Column::RecordId.is_null())
        .filter(media::Column::ExpiresAt.gt(now))
        .select_only()
        .column(media::Column::Id)
        .into_tuple()
        .all(&state.db)
        .await?;
    Ok(ids
        .iter()
        .filter(|i| !usable.contains(i))
        .copied()
        .collect())
}

/// Which moments a list shows.
#[derive(Debug, Clone, Copy)]
pub enum Shown {
    /// The caller's own, whatever their status.
    Mine,
    /// For staff: those in a status (none: all).
    Review(Option<MomentStatus>),
    /// The public board: approved and published.
    Board,
}

/// A page of moments, newest first.
pub async fn list(
    state: &AppState,
    caller: Option<&Caller>,
    shown: Shown,
    cursor: Option<&str>,
    limit: u64,
) -> R<MomentPage> {
    let mut q = moment::Entity::find()
        .order_by_desc(moment::Column::Id)
        .limit(limit + 1);
    q = match (shown, caller) {
        (Shown::Mine, Some(c)) => {
            c.require(&[Role::Citizen])?;
            q.filter(moment::Column::UserId.eq(c.user_id))
        }
        (Shown::Review(status), Some(c)) => {
            c.require(&STAFF)?;
            match status {
                Some(s) => q.filter(moment::Column::Status.eq(s)),
                None => q,
            }
        }
        (Shown::Board, _) => q
            .filter(moment::Column::Status.eq(MomentStatus::Approved))
            .filter(moment::Column::Published.eq(true)),
        (_, None) => return Err(VolunteerError::NotFound { what: "moment" }),
    };
    if let Some(c) = cursor {
        q = q.filter(moment::Column::Id.lt(crate::core::page::decode_cursor(c)?));
    }
    let mut rows = q.all(&state.db).await?;
    let next_cursor = split_page(&mut rows, limit, |m| m.id);
    let public = matches!(shown, Shown::Board);
    Ok(MomentPage {
        items: views(state, rows, public).await?,
        next_cursor,
    })
}

/// Whether the moment's author deleted their account.
async fn author_gone<C: ConnectionTrait>(db: &C, id: Uuid) -> R<bool> {
    let Some(m) = moment::Entity::find_by_id(id).one(db).await? else {
        return Err(VolunteerError::NotFound { what: "moment" });
    };
    Ok(entity::user::Entity::find_by_id(m.user_id)
        .one(db)
        .await?
        .is_none_or(|u| u.deleted_at.is_some()))
}

/// A staff decision on a moment waiting for review.
#[derive(Debug, Clone)]
pub struct Review {
    pub approve: bool,
    /// Put it on the public board (approved ones only).
    pub publish: bool,
    pub note: Option<String>,
}

/// Staff review a moment once: approved, it earns its author the city's
/// points and is published if they say so; declined, it stays the
/// author's. The review is audited.
pub async fn review(state: &AppState, caller: &Caller, id: Uuid, r: &Review) -> R<Moment> {
    caller.require(&STAFF)?;
    let now = state.clock.now();
    let status = if r.approve {
        MomentStatus::Approved
    } else {
        MomentStatus::Rejected
    };
    let note = (r.note.as_deref().map(str::trim))
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    let txn = state.db.begin().await?;
    // A deleted author's moment is never published, nor earns.
    let gone = author_gone(&txn, id).await?;
    let published = r.approve && r.publish && !gone;
    let done = moment::Entity::update_many()
        .set(moment::ActiveModel {
            status: Set(status),
            published: Set(published),
            review_note: Set(note.clone()),
            reviewed_by: Set(Some(caller.user_id)),
            reviewed_at: Set(Some(now)),
            ..Default::default()
        })
        .filter(moment::Column::Id.eq(id))
        .filter(moment::Column::Status.eq(MomentStatus::Pending))
        .exec(&txn)
        .await?;
    if done.rows_affected == 0 {
        txn.rollback().await?;
        get_row(state, id).await?;
        return Err(VolunteerError::AlreadyReviewed);
    }
    if r.approve && !gone {
        award(&txn, id, now).await?;
    }
    let data = serde_json::json!({"status": status.as_str(), "published": published});
    let who = Actor::of(caller);
    audit::record(
        &txn,
        who,
        "moment.review",
        "moment",
        Some(id.to_string()),
        note.as_deref(),
        Some(data),
    )
    .await?;
    txn.commit().await?;
    get_row(state, id).await
}

/// The author's points for an approved moment, once.
async fn award<C: ConnectionTrait>(db: &C, id: Uuid, now: Ts) -> anyhow::Result<()> {
    let Some(m) = moment::Entity::find_by_id(id).one(db).await? else {
        return Ok(());
    };
    let points = rules::load(db).await?.points_per_moment;
    ledger::award_work(
        db,
        m.user_id,
        Work::Record(id),
        (Reason::Moment, points),
        None,
        now,
    )
    .await
}

/// Staff put an approved moment on the public board or take it off.
pub async fn publish(state: &AppState, caller: &Caller, id: Uuid, published: bool) -> R<Moment> {
    caller.require(&STAFF)?;
    let txn = state.db.begin().await?;
    if published && author_gone(&txn, id).await? {
        return Err(VolunteerError::AuthorGone);
    }
    let done = moment::Entity::update_many()
        .col_expr(moment::Column::Published, Expr::value(published))
        .filter(moment::Column::Id.eq(id))
        .filter(moment::Column::Status.eq(MomentStatus::Approved))
        .exec(&txn)
        .await?;
    if done.rows_affected == 0 {
        txn.rollback().await?;
        get_row(state, id).await?;
        return Err(VolunteerError::NotApproved);
    }
    let data = serde_json::json!({ "published": published });
    let who = Actor::of(caller);
    audit::record(
        &txn,
        who,
        "moment.publish",
        "moment",
        Some(id.to_string()),
        None,
        Some(data),
    )
    .await?;
    txn.commit().await?;
    get_row(state, id).await
}

/// One moment: its author's, or staff's to read.
pub async fn get(state: &AppState, caller: &Caller, id: Uuid) -> R<Moment> {
    let m = get_row(state, id).await?;
    if m.author == caller.user_id || caller.require(&STAFF).is_ok() {
        Ok(m)
    } else {
        Err(VolunteerError::NotFound { what: "moment" })
    }
}

async fn get_row(state: &AppState, id: Uuid) -> R<Moment> {
    let row = moment::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(VolunteerError::NotFound { what: "moment" })?;
    let mut v = views(state, vec![row], false).await?;
    v.pop().ok_or(VolunteerError::NotFound { what: "moment" })
}

/// Moments as read, with their photos (one read per page): for the
/// public board, only photos whose content checks passed and that staff
/// reviewed, as their blurred derivatives.
async fn views(state: &AppState, rows: Vec<moment::Model>, public: bool) -> R<Vec<Moment>> {
    let ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
    let mut photos: HashMap<Uuid, Vec<StoredPhoto>> = HashMap::new();
    let shown = if public {
        crate::cases::publication::photos()
    } else {
        sea_orm::Condition::all().add(media::Column::BlockedAt.is_null())
    };
    for p in media::Entity::find()
        .filter(media::Column::RecordId.is_in(ids))
        .filter(shown)
        .order_by_asc(media::Column::Id)
        .all(&state.db)
        .await?
    {
        if let Some(r) = p.record_id {
            let shown = if public {
                StoredPhoto::public(&p)
            } else {
                StoredPhoto::from(&p)
            };
            photos.entry(r).or_default().push(shown);
        }
    }
    Ok(rows
        .into_iter()
        .map(|m| Moment {
            id: m.id,
            author: m.user_id,
            author_name: m.author_name,
            text: m.body,
            lat: m.lat,
            lng: m.lng,
            area_id: m.area_id,
            address: m.address,
            text_check: m.text_check,
            status: m.status,
            published: m.published,
            review_note: m.review_note,
            reviewed_at: m.reviewed_at,
            photos: photos.remove(&m.id).unwrap_or_default(),
            created_at: m.created_at,
        })
        .collect())
}
