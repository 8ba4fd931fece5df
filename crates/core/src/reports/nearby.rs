//! Already reported? Before submitting, the mini-program asks what is open
//! nearby in the category; a citizen who finds their problem follows it
//! (附议, "me too") instead of filing a duplicate. Followers get the case's
//! status messages and may read its public view; the case counts them.
//! Never who reported it.

use super::error::ReportError;
use crate::core::ErrorCode;
use crate::media::stored::StoredPhoto;
use crate::{
    cases::publication,
    core::{Caller, CaseStatus, Role, Ts},
    geo::coords::Wgs84,
    state::AppState,
};
use entity::{case_follower, cases, media};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::OnConflict,
};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// An open case near a pin, as `nearby` finds it. Never who reported it.
pub struct Nearby {
    pub id: Uuid,
    pub case_no: String,
    /// (code, name) of its category: the one asked about.
    pub category: (String, String),
    pub status: CaseStatus,
    /// Metres from the pin, rounded to 10 m.
    pub distance_m: f64,
    /// The reporter's first photo the caller may see.
    pub thumbnail: Option<StoredPhoto>,
    /// How many follow it (附议).
    pub followers: i64,
    /// The caller reported it.
    pub mine: bool,
    /// The caller follows it.
    pub following: bool,
    pub reported_at: Ts,
}

/// Whether the caller follows a case, and how many do.
pub struct Follow {
    pub case_id: Uuid,
    pub following: bool,
    pub followers: i64,
}

/// Statuses in which a case can be followed: still someone's work.
fn followable() -> Vec<CaseStatus> {
    CaseStatus::OPEN
        .into_iter()
        .chain([CaseStatus::Suspended])
        .collect()
}

/// Open cases of the category within the duplicate radius of the pin,
/// nearest first (at most 20), distances rounded to 10 m. Only public cases
/// (`cases::publication`: taken on by a person, checks passed) and the
/// caller's own are listed; a thumbnail only of a public photo.
pub async fn nearby(
    state: &AppState,
    caller: &Caller,
    point: Wgs84,
    category_code: &str,
) -> Result<Vec<Nearby>, ReportError> {
    use geo::{Distance, Haversine, Point};
    caller.require(&[Role::Citizen])?;
    let category = state
        .categories
        .get()
        .reportable(category_code)
        .cloned()
        .ok_or_else(|| ReportError::UnknownCategory {
            code: category_code.to_owned(),
        })?;
    let radius = state.config.workflow.duplicate_radius_m.max(0.0);
    let (lat, lng) = (point.lat(), point.lng());
    let dlat = radius / 111_320.0;
    let dlng = dlat / lat.to_radians().cos().abs().max(0.01);
    let rows = cases::Entity::find()
        .filter(cases::Column::CategoryId.eq(category.id))
        .filter(cases::Column::Status.is_in(followable()))
        .filter(
            Condition::any()
                .add(publication::cases(&state.config.publication))
                .add(cases::Column::ReporterId.eq(caller.user_id)),
        )
        .filter(cases::Column::Lat.between(lat - dlat, lat + dlat))
        .filter(cases::Column::Lng.between(lng - dlng, lng + dlng))
        .order_by_desc(cases::Column::Id)
        .limit(200)
        .all(&state.db)
        .await?;
    let here = Point::new(lng, lat);
    let mut near: Vec<(cases::Model, f64)> = rows
        .into_iter()
        .map(|c| {
            let d = Haversine.distance(here, Point::new(c.lng, c.lat));
            (c, d)
        })
        .filter(|(_, d)| *d <= radius)
        .collect();
    near.sort_by(|a, b| a.1.total_cmp(&b.1));
    near.truncate(20);
    let ids: Vec<Uuid> = near.iter().map(|(c, _)| c.id).collect();
    let own: Vec<Uuid> = near
        .iter()
        .filter(|(c, _)| c.reporter_id == caller.user_id)
        .map(|(c, _)| c.id)
        .collect();
    let (followers, mine, photos) = tokio::try_join!(
        case_follower::Entity::find()
            .select_only()
            .column(case_follower::Column::CaseId)
            .column_as(case_follower::Column::UserId.count(), "n")
            .filter(case_follower::Column::CaseId.is_in(ids.clone()))
            .group_by(case_follower::Column::CaseId)
            .into_tuple::<(Uuid, i64)>()
            .all(&state.db),
        case_follower::Entity::find()
            .select_only()
            .column(case_follower::Column::CaseId)
            .filter(case_follower::Column::CaseId.is_in(ids.clone()))
            .filter(case_follower::Column::UserId.eq(caller.user_id))
            .into_tuple::<Uuid>()
            .all(&state.db),
        media::Entity::find()
            .filter(media::Column::CaseId.is_in(ids.clone()))
            .filter(media::Column::BlockedAt.is_null())
            .filter(
                Condition::any()
                    .add(publication::photos())
                    .add(media::Column::CaseId.is_in(own.clone())),
            )
            .order_by_asc(media::Column::Id)
            .all(&state.db),
    )?;
    let own_ids: HashSet<Uuid> = own.into_iter().collect();
    let followers: HashMap<Uuid, i64> = followers.into_iter().collect();
    let mine: HashSet<Uuid> = mine.into_iter().collect();
    let mut thumb: HashMap<Uuid, StoredPhoto> = HashMap::new();
    let reporters: HashMap<Uuid, Uuid> = near.iter().map(|(c, _)| (c.id, c.reporter_id)).collect();
    for p in photos {
        let Some(case_id) = p.case_id else { continue };
        // The citizen's own photo, not a unit's after-photo.
        // Another's case shows its public derivative, one's own the original.
        if reporters.get(&case_id) == Some(&p.owner_id) {
            let shown = if own_ids.contains(&case_id) {
                StoredPhoto::from(&p)
            } else {
                StoredPhoto::public(&p)
            };
            thumb.entry(case_id).or_insert(shown);
        }
    }
    Ok(near
        .into_iter()
        .map(|(c, d)| Nearby {
            id: c.id,
            case_no: c.case_no,
            category: (category.code.clone(), category.name.clone()),
            status: c.status,
            distance_m: (d / 10.0).round() * 10.0,
            thumbnail: thumb.remove(&c.id),
            followers: followers.get(&c.id).copied().unwrap_or(0),
            mine: c.reporter_id == caller.user_id,
            following: mine.contains(&c.id),
            reported_at: c.created_at,
        })
        .collect())
}

/// Follows a case (附议). Following twice changes nothing. One's own
/// report is `409 own_report`; a case no longer open `409 not_open`; a
/// case not open to the public yet, or none, `404`.
pub async fn follow(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    on: bool,
) -> Result<Follow, ReportError> {
    caller.require(&[Role::Citizen])?;
    let case = cases::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(ReportError::not_found)?;
    if case.reporter_id != caller.user_id
        && !publication::is_public(&state.db, &state.config.publication, id).await?
    {
        return Err(ReportError::not_found());
    }
    if case.reporter_id == caller.user_id {
        return Err(ReportError::Conflict {
            code: ErrorCode::OwnReport,
            message: "this is your own report; you follow it already".into(),
        });
    }
    if on {
        if !followable().contains(&case.status) {
            return Err(ReportError::Conflict {
                code: ErrorCode::NotOpen,
                message: "this case is no longer open".into(),
            });
        }
        case_follower::Entity::insert(case_follower::ActiveModel {
            case_id: Set(id),
            user_id: Set(caller.user_id),
            created_at: Set(state.clock.now()),
        })
        .on_conflict(
            OnConflict::columns([case_follower::Column::CaseId, case_follower::Column::UserId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&state.db)
        .await?;
    } else {
        case_follower::Entity::delete_many()
            .filter(case_follower::Column::CaseId.eq(id))
            .filter(case_follower::Column::UserId.eq(caller.user_id))
            .exec(&state.db)
            .await?;
    }
    let followers = case_follower::Entity::find()
        .filter(case_follower::Column::CaseId.eq(id))
        .count(&state.db)
        .await?;
    Ok(Follow {
        case_id: id,
        following: on,
        followers: i64::try_from(followers).unwrap_or(i64::MAX),
    })
}

/// Whether the caller follows the case.
pub async fn follows(state: &AppState, user: Uuid, case: Uuid) -> Result<bool, ReportError> {
    Ok(case_follower::Entity::find_by_id((case, user))
        .count(&state.db)
        .await?
        > 0)
}
