//! The public board (曝光台, 红黑榜), for anyone, with no sign-in: closed
//! cases with their published photos, the districts' month ranked, and
//! the published photos themselves. Each page is cacheable (`web::cached`).

pub mod dto;

pub use suishoupai_core::board::*;

use crate::{
    api::Tag,
    error::{ApiError, Res},
    media::{review, service::Variant},
    state::AppState,
    web::{
        cached::{self, Cached, render},
        enums::CoordSystem,
    },
};
use dto::{BoardCasePageView, DistrictBoardView, RankByParam};
use poem::web::Data;
use poem_openapi::{
    ApiResponse, OpenApi,
    param::{Header, Path, Query},
    payload::Binary,
};
use uuid::Uuid;

crate::error_set!(BoardErrors: 400);
crate::error_set!(PublicPhotoErrors: 400, 404);

fn default_limit() -> u64 {
    20
}

#[derive(ApiResponse)]
pub enum PublicPhoto {
    /// The JPEG bytes of the blurred derivative.
    #[oai(status = 200, content_type = "image/jpeg")]
    Ok(
        Binary<Vec<u8>>,
        /// `public, max-age=N` as the board's pages (a revision's bytes
        /// never change, but the photo may be withdrawn).
        #[oai(header = "Cache-Control")]
        String,
        /// The revision's validator.
        #[oai(header = "ETag")]
        String,
    ),
    /// Not modified: `If-None-Match` names this revision, still public.
    #[oai(status = 304)]
    NotModified(
        /// As on `200`.
        #[oai(header = "Cache-Control")]
        String,
        /// The revision's validator.
        #[oai(header = "ETag")]
        String,
    ),
}

pub struct BoardApi;

#[OpenApi(prefix_path = "/api/v1", tag = "Tag::Board")]
impl BoardApi {
    /// 曝光台: closed cases
    ///
    /// The closed cases the public may see (taken on by a person, not
    /// rejected, their text checked), most recently closed first, with
    /// their before (处置前) and after (处置后) photos, the time they took
    /// and whether the unit kept its deadline. Only photos staff reviewed
    /// for publication are shown, as their derivatives with faces and
    /// number plates blurred; never who reported or handled a case.
    /// Cacheable: `ETag`, `Cache-Control: public, max-age`; send the ETag
    /// back in `If-None-Match` for `304`. An unknown `area` is `400
    /// unknown_area`.
    #[oai(path = "/board/cases", method = "get", operation_id = "boardCases")]
    async fn cases(
        &self,
        state: Data<&AppState>,
        /// Only this district's (or street's) cases, by area code.
        area: Query<Option<String>>,
        /// From the previous page's `nextCursor`.
        cursor: Query<Option<String>>,
        /// Page size, 1–50.
        #[oai(
            default = "default_limit",
            validator(minimum(value = "1"), maximum(value = "50"))
        )]
        limit: Query<u64>,
        /// Datum of the locations (default wgs84).
        #[oai(name = "coordSystem", default)]
        coord_system: Query<CoordSystem>,
        /// The ETag of a copy the client holds.
        #[oai(name = "If-None-Match")]
        if_none_match: Header<Option<String>>,
    ) -> Res<Cached<BoardCasePageView>, BoardErrors> {
        let key = format!(
            "cases|{}|{}|{}|{:?}",
            area.0.as_deref().unwrap_or(""),
            cursor.0.as_deref().unwrap_or(""),
            limit.0,
            coord_system.0,
        );
        let page = cached::page(&state, &key, if_none_match.0.as_deref(), async {
            let areas = match area.0.as_deref() {
                None => None,
                Some(code) => Some(
                    state
                        .areas
                        .get()
                        .subtree_of_code(code)
                        .ok_or(BoardError::UnknownDistrict)?,
                ),
            };
            let page = cases::closed(&state, areas, cursor.0.as_deref(), limit.0).await?;
            Ok::<_, BoardError>(render(&BoardCasePageView::of(&state, page, coord_system.0)))
        })
        .await?;
        Ok(page)
    }

    /// 红黑榜: the districts' month
    ///
    /// Each district's figures for a month (China time; default this
    /// month), counted over the cases dispatched to units in it, ranked by
    /// `rankBy`: 按期结案率, 结案率, 满意率 (highest first) or cases per
    /// 10,000 people (fewest first; needs the district's population).
    /// `formulas` says how each figure is counted, in words. Cacheable as
    /// the 曝光台 is. A month that is not `YYYY-MM` is `400 invalid_period`.
    #[oai(
        path = "/board/districts",
        method = "get",
        operation_id = "boardDistricts"
    )]
    async fn districts(
        &self,
        state: Data<&AppState>,
        /// The month, `YYYY-MM`.
        #[oai(validator(pattern = r"^[0-9]{4}-[0-9]{2}$"))]
        month: Query<Option<String>>,
        /// What to rank by (default onTimeCloseRate).
        #[oai(name = "rankBy", default)]
        rank_by: Query<RankByParam>,
        /// The ETag of a copy the client holds.
        #[oai(name = "If-None-Match")]
        if_none_match: Header<Option<String>>,
    ) -> Res<Cached<DistrictBoardView>, BoardErrors> {
        let first = districts::parse_month(month.0.as_deref(), state.clock.now())?;
        let key = format!("districts|{first}|{:?}", rank_by.0);
        let page = cached::page(&state, &key, if_none_match.0.as_deref(), async {
            let b = districts::districts(&state, first, rank_by.0.into()).await?;
            Ok::<_, BoardError>(render(&DistrictBoardView::of(&b, rank_by.0)))
        })
        .await?;
        Ok(page)
    }

    /// A published photo
    ///
    /// The blurred derivative of a reviewed photo, at the stable URL the
    /// board and every public view give (`/public/photos/{id}/{rev}/…`),
    /// with no signature: anyone may read and cache it (as long as a board
    /// page) while the photo is public; `304` when `If-None-Match` names
    /// it. Another revision, a withdrawn or withheld photo, or one whose
    /// case or moment is not public is `404`.
    #[oai(
        path = "/public/photos/:id/:rev/:variant",
        method = "get",
        operation_id = "getPublicPhoto"
    )]
    async fn photo(
        &self,
        state: Data<&AppState>,
        id: Path<Uuid>,
        /// The derivative's revision, from its URL.
        #[oai(validator(minimum(value = "1")))]
        rev: Path<i32>,
        variant: Path<Variant>,
        /// The ETag of a copy the client holds.
        #[oai(name = "If-None-Match")]
        if_none_match: Header<Option<String>>,
    ) -> Res<PublicPhoto, PublicPhotoErrors> {
        let v = variant.0;
        // Withdrawn, a copy kept elsewhere lasts no longer than a page.
        let cache = format!("public, max-age={}", state.board.ttl.as_secs());
        let etag = format!("\"{}-{}-{}\"", id.0, rev.0, v.as_str());
        let bytes = review::read_public(&state, id.0, rev.0, v).await?;
        if cached::held(if_none_match.0.as_deref(), &etag) {
            return Ok(PublicPhoto::NotModified(cache, etag));
        }
        Ok(PublicPhoto::Ok(Binary(bytes.to_vec()), cache, etag))
    }
}

impl From<BoardError> for ApiError {
    fn from(e: BoardError) -> Self {
        let message = e.to_string();
        match e {
            BoardError::Cursor => {
                ApiError::bad_request(crate::error::ErrorCode::InvalidCursor, message)
            }
            BoardError::Month => {
                ApiError::bad_request(crate::error::ErrorCode::InvalidPeriod, message)
            }
            BoardError::UnknownDistrict => {
                ApiError::bad_request(crate::error::ErrorCode::UnknownArea, message)
            }
            BoardError::Cases(c) => c.into(),
            BoardError::Db(d) => d.into(),
        }
    }
}

impl crate::error::IntoApiError for BoardError {}
