//! Request and response shapes of the citizen's report endpoints.

use super::{
    nearby::{Follow, Nearby},
    submit::NewReport,
    views::{PublicEvent, Report, ReportList},
};
pub use crate::web::dto::{AreaRef, CategoryRef, Photo};
use crate::{
    geo::coords::Wgs84,
    media::stored::StoredPhoto,
    state::AppState,
    web::{
        dto::Location,
        enums::{CaseStatus, CoordSystem},
    },
};
use chrono::{DateTime, FixedOffset};
use poem_openapi::Object;
use uuid::Uuid;

/// A new report (随手拍).
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct CreateReport {
    /// Code of a small category (小类), from `GET /categories`.
    #[oai(validator(min_length = 1, max_length = 32))]
    pub category_code: String,
    /// What is wrong, in the citizen's words (at most 1000 characters by
    /// default; the deployment's `reports.max_description_chars`).
    #[oai(default, validator(max_length = 1000))]
    pub description: String,
    /// Where: the pin the citizen placed.
    pub location: Location,
    /// Street address as the map showed it, if any (at most 200 characters
    /// by default; `reports.max_address_chars`).
    #[oai(nullable, validator(max_length = 200))]
    pub address: Option<String>,
    /// 1–9 photo ids from `POST /media`, uploaded by the caller and not used elsewhere.
    #[oai(validator(min_items = 1, max_items = 9, unique_items))]
    pub media_ids: Vec<Uuid>,
}

impl From<CreateReport> for NewReport {
    fn from(r: CreateReport) -> Self {
        Self {
            category_code: r.category_code,
            description: r.description,
            lat: r.location.lat,
            lng: r.location.lng,
            system: r.location.coord_system,
            address: r.address,
            media_ids: r.media_ids,
        }
    }
}

/// One public step of a case's timeline.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct TimelineEntry {
    /// When it happened.
    pub at: DateTime<FixedOffset>,
    /// What happened.
    pub action: crate::core::EventAction,
    /// The status after this step.
    pub status: CaseStatus,
    /// The status, as a citizen reads it.
    pub status_label: String,
    /// A note meant for the citizen (e.g. why a report was not accepted).
    #[oai(skip_serializing_if_is_none)]
    pub note: Option<String>,
}

/// A report as its citizen sees it.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct ReportView {
    pub id: Uuid,
    /// Human case number, `SSP-YYYYMMDD-NNNNNN`.
    pub case_no: String,
    pub status: CaseStatus,
    /// The status, as a citizen reads it.
    pub status_label: String,
    pub category: CategoryRef,
    /// What the citizen wrote.
    pub description: String,
    pub location: Location,
    #[oai(skip_serializing_if_is_none)]
    /// Street address, when the citizen gave one.
    pub address: Option<String>,
    /// The most specific area (grid, street or district) of the location.
    pub area: AreaRef,
    /// The citizen's photos (处置前).
    pub photos: Vec<Photo>,
    /// The unit's photos of the work done (处置后), once it has resolved.
    pub after_photos: Vec<Photo>,
    /// How it came in: a 随手治 (`self_fix`) starts resolved with the
    /// volunteer's own after photos; a failed 劝导 (`persuasion`) is the
    /// volunteer's report.
    pub channel: crate::core::channel::Channel,
    /// When the city promised to finish: the handling deadline, while its
    /// clock runs (dispatched, in progress, reopened). Whole minutes.
    #[oai(skip_serializing_if_is_none)]
    pub due_at: Option<DateTime<FixedOffset>>,
    /// The public part of the timeline, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// For a duplicate: the case that carries on.
    #[oai(skip_serializing_if_is_none)]
    pub merged_into: Option<MergedInto>,
    /// The citizen's rating (评单), once given.
    #[oai(skip_serializing_if_is_none)]
    pub rating: Option<i32>,
    /// Whether the citizen can rate now (closed and not yet rated).
    pub can_rate: bool,
    /// When the report was submitted.
    pub created_at: DateTime<FixedOffset>,
    /// When the case last changed.
    pub updated_at: DateTime<FixedOffset>,
}

/// One line of "my reports".
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct ReportSummary {
    pub id: Uuid,
    /// Human case number.
    pub case_no: String,
    pub status: CaseStatus,
    /// The status, as a citizen reads it.
    pub status_label: String,
    pub category: CategoryRef,
    /// What the citizen wrote.
    pub description: String,
    pub location: Location,
    /// Signed URL of the first photo's thumbnail.
    #[oai(skip_serializing_if_is_none)]
    pub thumbnail_url: Option<String>,
    /// When the report was submitted.
    pub created_at: DateTime<FixedOffset>,
}

/// A page of reports, newest first.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct ReportPage {
    /// This page of reports.
    pub items: Vec<ReportSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

/// The case a duplicate report was merged into.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct MergedInto {
    pub id: Uuid,
    /// Its case number: follow that case for progress.
    pub case_no: String,
}

/// 评单: how the citizen rates the result.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct RatingBody {
    /// 1 (very unsatisfied) to 5 (very satisfied).
    #[oai(validator(minimum(value = "1"), maximum(value = "5")))]
    pub score: i32,
    /// An optional comment, ≤ 500 characters.
    #[oai(nullable)]
    pub comment: Option<String>,
}

/// An open case near a pin, in the category asked about (already
/// reported?). Never who reported it.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct NearbyCase {
    /// The case's id (follow it with `POST /reports/{id}/follow`).
    pub id: Uuid,
    /// Human case number.
    pub case_no: String,
    /// Its 小类.
    pub category: CategoryRef,
    /// Where it stands.
    pub status: CaseStatus,
    /// The status, as a citizen reads it.
    pub status_label: String,
    /// Metres from the pin, rounded to 10 m (a pin is not a place to find
    /// someone by).
    pub distance_m: f64,
    /// The reporter's first photo, small, once the case is public (a person
    /// took it on and its checks passed) and the photo's check passed.
    #[oai(skip_serializing_if_is_none)]
    pub thumbnail_url: Option<String>,
    /// How many citizens follow it (附议).
    pub followers: i64,
    /// The caller reported it.
    pub mine: bool,
    /// The caller follows it.
    pub following: bool,
    /// When it was reported.
    pub reported_at: DateTime<FixedOffset>,
}

/// Whether the caller follows a case, and how many do.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct Following {
    /// The case.
    pub case_id: Uuid,
    /// The caller follows it now.
    pub following: bool,
    /// How many citizens follow it.
    pub followers: i64,
}

impl From<PublicEvent> for TimelineEntry {
    fn from(e: PublicEvent) -> Self {
        Self {
            at: e.at,
            action: e.action,
            status: e.status,
            status_label: e.status.label().into(),
            note: e.note,
        }
    }
}

impl ReportView {
    /// The response for a report, its point in the datum asked for and its
    /// photos' URLs signed.
    pub fn of(state: &AppState, r: Report, system: CoordSystem) -> Self {
        let Report {
            case,
            category: (code, name),
            photos,
            events,
            merged_into,
        } = r;
        let ttl = state.config.media.url_ttl_secs;
        let signed = |p: &StoredPhoto| Photo::signed(&state.media.signer, ttl, p);
        let status = case.status;
        let self_fix = case.channel == crate::core::channel::Channel::SelfFix;
        // The volunteer does not rate their own 随手治.
        let self_fixed = case.self_fixed();
        let (before, after) =
            crate::media::stored::before_after(&photos, case.reporter_id, self_fix);
        Self {
            id: case.id,
            case_no: case.case_no,
            status,
            status_label: status.label().into(),
            category: CategoryRef { code, name },
            description: case.description,
            location: Location::of(Wgs84::from_stored(case.lat, case.lng), system),
            address: case.address,
            area: AreaRef::of(&state.areas.get(), case.area_id),
            photos: before.iter().map(signed).collect(),
            after_photos: after.iter().map(signed).collect(),
            channel: case.channel,
            due_at: case.clock.due_at.filter(|_| status.clock_runs()),
            timeline: events.into_iter().map(TimelineEntry::from).collect(),
            merged_into: merged_into.map(|(id, case_no)| MergedInto { id, case_no }),
            rating: case.rating.as_ref().map(|r| r.score),
            can_rate: case.rating.is_none() && status == CaseStatus::Closed && !self_fixed,
            created_at: case.created_at,
            updated_at: case.updated_at,
        }
    }
}

impl ReportPage {
    /// The response for a page of reports.
    pub fn of(state: &AppState, list: ReportList, system: CoordSystem) -> Self {
        let cats = state.categories.get();
        let ttl = state.config.media.url_ttl_secs;
        let items = list
            .items
            .into_iter()
            .map(|(c, thumbnail)| ReportSummary {
                id: c.id,
                status: c.status,
                status_label: c.status.label().into(),
                category: CategoryRef::of(&cats, c.category_id),
                location: Location::of(Wgs84::from_stored(c.lat, c.lng), system),
                thumbnail_url: thumbnail
                    .map(|m| Photo::signed(&state.media.signer, ttl, &m).thumbnail_url),
                created_at: c.created_at,
                description: c.description,
                case_no: c.case_no,
            })
            .collect();
        Self {
            items,
            next_cursor: list.next_cursor,
        }
    }
}

impl NearbyCase {
    /// The response for a case near the pin; its thumbnail's URL signed.
    pub fn of(state: &AppState, n: Nearby) -> Self {
        let ttl = state.config.media.url_ttl_secs;
        let (code, name) = n.category;
        Self {
            id: n.id,
            case_no: n.case_no,
            category: CategoryRef { code, name },
            status: n.status,
            status_label: n.status.label().into(),
            distance_m: n.distance_m,
            thumbnail_url: n
                .thumbnail
                .map(|m| Photo::signed(&state.media.signer, ttl, &m).thumbnail_url),
            followers: n.followers,
            mine: n.mine,
            following: n.following,
            reported_at: n.reported_at,
        }
    }
}

impl From<Follow> for Following {
    fn from(f: Follow) -> Self {
        Self {
            case_id: f.case_id,
            following: f.following,
            followers: f.followers,
        }
    }
}
