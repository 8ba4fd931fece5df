//! Shapes of the volunteers' work: 劝导 records and 随手治 filings.

use super::{
    dto::Position,
    work::{NewPersuasion, Persuasion, PersuasionPage},
};
use crate::{
    reports::submit::NewReport,
    state::AppState,
    web::{
        dto::{CategoryRef, Location, Photo},
        enums::CoordSystem,
    },
};
use chrono::{DateTime, FixedOffset};
use domain::geo::Wgs84;
use poem_openapi::Object;
use uuid::Uuid;

/// A 劝导 as the volunteer files it, on the spot.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct PersuasionInput {
    /// The behaviour: a small category's code (小类, from `GET
    /// /categories`): the city's one list of uncivil acts.
    #[oai(validator(min_length = 1, max_length = 32))]
    pub category_code: String,
    /// Where it happened.
    pub location: Position,
    /// The street address as the map showed it.
    #[oai(nullable, validator(max_length = 200))]
    pub address: Option<String>,
    /// What happened, in the volunteer's words (becomes the case's
    /// description when the 劝导 failed).
    #[oai(nullable, validator(max_length = 1000))]
    pub note: Option<String>,
    /// A photo from `POST /media`, if one was taken (not of faces, please:
    /// the point is the act, not the person).
    #[oai(nullable)]
    pub media_id: Option<Uuid>,
    /// `true`: the person stopped (劝导成功), a record and no case.
    /// `false`: they did not, and the act becomes a case for the routed
    /// unit, as the volunteer's report.
    pub persuaded: bool,
}

impl From<PersuasionInput> for NewPersuasion {
    fn from(p: PersuasionInput) -> Self {
        Self {
            category_code: p.category_code,
            lat: p.location.lat,
            lng: p.location.lng,
            system: p.location.coord_system,
            address: p.address,
            note: p.note,
            media_id: p.media_id,
            persuaded: p.persuaded,
        }
    }
}

/// The case a failed 劝导 became.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct CaseRefView {
    /// The case's id.
    pub id: Uuid,
    /// Its number (案件编号).
    pub case_no: String,
}

/// A 劝导 record.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct PersuasionView {
    /// The record's id.
    pub id: Uuid,
    /// The volunteer.
    pub volunteer_id: Uuid,
    /// The name they serve under (已注销用户 once they deleted their account).
    pub volunteer_name: String,
    /// Their team then.
    pub team_id: Uuid,
    /// The team's name.
    pub team_name: String,
    /// The behaviour.
    pub category: CategoryRef,
    /// Where, in the datum asked for.
    pub location: Location,
    /// The street address, if one was given.
    #[oai(skip_serializing_if_is_none)]
    pub address: Option<String>,
    /// What happened, in the volunteer's words.
    #[oai(skip_serializing_if_is_none)]
    pub note: Option<String>,
    /// The photo, if one was taken (and not blocked by content security).
    #[oai(skip_serializing_if_is_none)]
    pub photo: Option<Photo>,
    /// Stopped on the spot.
    pub persuaded: bool,
    /// The case it became, when it did not stop.
    #[oai(skip_serializing_if_is_none)]
    pub case: Option<CaseRefView>,
    /// When it was filed.
    pub created_at: DateTime<FixedOffset>,
}

impl PersuasionView {
    /// The record, its point in `system` and its photo's URLs signed.
    pub fn of(state: &AppState, p: Persuasion, system: CoordSystem) -> Self {
        let ttl = state.config.media.url_ttl_secs;
        let (code, name) = p.category;
        Self {
            id: p.id,
            volunteer_id: p.volunteer,
            volunteer_name: p.volunteer_name,
            team_id: p.team_id,
            team_name: p.team_name,
            category: CategoryRef { code, name },
            location: Location::of(Wgs84::from_stored(p.lat, p.lng), system),
            address: p.address,
            note: p.note,
            photo: p.photo.map(|m| Photo::signed(&state.media.signer, ttl, &m)),
            persuaded: p.persuaded,
            case: p.case.map(|(id, case_no)| CaseRefView { id, case_no }),
            created_at: p.created_at,
        }
    }
}

/// A page of 劝导 records, newest first.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct PersuasionPageView {
    /// The records of this page.
    pub items: Vec<PersuasionView>,
    /// Pass as `cursor` for the next page; absent at the end.
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

impl PersuasionPageView {
    pub fn of(state: &AppState, p: PersuasionPage, system: CoordSystem) -> Self {
        Self {
            items: (p.items.into_iter())
                .map(|x| PersuasionView::of(state, x, system))
                .collect(),
            next_cursor: p.next_cursor,
        }
    }
}

/// A 随手治: the volunteer fixed a small problem themselves.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct SelfFixInput {
    /// What it was: a small category's code (小类).
    #[oai(validator(min_length = 1, max_length = 32))]
    pub category_code: String,
    /// What they found and did.
    #[oai(default, validator(max_length = 1000))]
    pub description: String,
    /// Where.
    pub location: Position,
    /// The street address as the map showed it.
    #[oai(nullable, validator(max_length = 200))]
    pub address: Option<String>,
    /// 1–9 photos before (from `POST /media`).
    #[oai(validator(min_items = 1, max_items = 9, unique_items))]
    pub before_media_ids: Vec<Uuid>,
    /// 1–9 photos after, none of them a before photo.
    #[oai(validator(min_items = 1, max_items = 9, unique_items))]
    pub after_media_ids: Vec<Uuid>,
}

impl SelfFixInput {
    /// The report part, and the after photos.
    pub fn split(self) -> (NewReport, Vec<Uuid>) {
        (
            NewReport {
                category_code: self.category_code,
                description: self.description,
                lat: self.location.lat,
                lng: self.location.lng,
                system: self.location.coord_system,
                address: self.address,
                media_ids: self.before_media_ids,
            },
            self.after_media_ids,
        )
    }
}
