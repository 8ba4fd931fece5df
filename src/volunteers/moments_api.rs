//! 文明美好瞬间: anyone files a good moment; staff review it and publish
//! the approved ones; the public board shows what is published.

use super::{
    MomentReviewErrors, MyListErrors, StaffItemErrors, WorkErrors, default_limit,
    moment_dto::{
        BoardPage, MomentInput, MomentPageView, MomentReviewInput, MomentView, PublicationInput,
    },
    moments::{self, Review, Shown},
};
use crate::{
    api::Tag,
    auth::BearerAuth,
    error::Res,
    state::AppState,
    web::{self, enums::CoordSystem},
};
use domain::volunteers::MomentStatus;
use poem::web::Data;
use poem_openapi::{
    ApiResponse, OpenApi,
    param::{Path, Query},
    payload::Json,
};
use uuid::Uuid;

/// A moment filed.
#[derive(ApiResponse)]
pub enum Filed {
    /// The moment, waiting for review.
    #[oai(status = 201)]
    Created(Json<MomentView>),
}

crate::error_set!(BoardErrors: 400);

pub struct MomentsApi;

#[OpenApi(prefix_path = "/api/v1", tag = "Tag::Volunteers")]
impl MomentsApi {
    /// File a good moment (文明美好瞬间)
    ///
    /// A few words, a place in the city and 1–9 photos of a good deed or
    /// a civil scene; it waits for staff review and is public only once
    /// approved and published. The text goes through WeChat's check as a
    /// report's does (`422 content_rejected`); a bad photo, place or count
    /// is refused as a report's is, and then nothing is written. Citizens.
    #[oai(path = "/moments", method = "post", operation_id = "createMoment")]
    async fn file(
        &self,
        state: Data<&AppState>,
        req: &poem::Request,
        auth: BearerAuth,
        body: Json<MomentInput>,
    ) -> Res<Filed, WorkErrors> {
        web::limit_write(&state, req, auth.0.user_id, web::Write::Report).await?;
        let system = body.0.location.coord_system;
        let m = moments::file(&state, &auth.0, &body.0.into()).await?;
        Ok(Filed::Created(Json(MomentView::of(&state, m, system))))
    }

    /// My good moments
    ///
    /// The caller's moments, newest first, with where each review stands.
    #[oai(path = "/me/moments", method = "get", operation_id = "listMyMoments")]
    async fn mine(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// From the previous page's `nextCursor`.
        cursor: Query<Option<String>>,
        /// Page size, 1–100.
        #[oai(
            default = "default_limit",
            validator(minimum(value = "1"), maximum(value = "100"))
        )]
        limit: Query<u64>,
        /// Datum of the locations (default wgs84).
        #[oai(name = "coordSystem", default)]
        coord_system: Query<CoordSystem>,
    ) -> Res<Json<MomentPageView>, MyListErrors> {
        let page = moments::list(
            &state,
            Some(&auth.0),
            Shown::Mine,
            cursor.0.as_deref(),
            limit.0,
        )
        .await?;
        Ok(Json(MomentPageView::of(&state, page, coord_system.0)))
    }

    /// The public board of good moments
    ///
    /// The approved and published moments, newest first, for anyone, with
    /// no sign-in: the author's name by its first character, the place as
    /// its area, the photos staff reviewed for publication (their
    /// derivatives, blurred where marked). Cacheable as the 曝光台 is
    /// (`ETag`, `Cache-Control`, `304` on `If-None-Match`).
    #[oai(path = "/moments", method = "get", operation_id = "listMoments")]
    async fn board(
        &self,
        state: Data<&AppState>,
        /// From the previous page's `nextCursor`.
        cursor: Query<Option<String>>,
        /// Page size, 1–100.
        #[oai(
            default = "default_limit",
            validator(minimum(value = "1"), maximum(value = "100"))
        )]
        limit: Query<u64>,
        /// The ETag of a copy the client holds.
        #[oai(name = "If-None-Match")]
        if_none_match: poem_openapi::param::Header<Option<String>>,
    ) -> Res<web::cached::Cached<BoardPage>, BoardErrors> {
        let key = format!("moments|{}|{}", cursor.0.as_deref().unwrap_or(""), limit.0);
        let page = web::cached::page(&state, &key, if_none_match.0.as_deref(), async {
            let page =
                moments::list(&state, None, Shown::Board, cursor.0.as_deref(), limit.0).await?;
            Ok::<_, crate::volunteers::error::VolunteerError>(web::cached::render(&BoardPage::of(
                &state, page,
            )))
        })
        .await?;
        Ok(page)
    }

    /// Good moments to review
    ///
    /// Newest first, in one status or all. City staff.
    #[oai(
        path = "/admin/moments",
        method = "get",
        operation_id = "listMomentsForReview"
    )]
    async fn queue(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Only those in this status (`pending`: the queue).
        status: Query<Option<MomentStatus>>,
        /// From the previous page's `nextCursor`.
        cursor: Query<Option<String>>,
        /// Page size, 1–100.
        #[oai(
            default = "default_limit",
            validator(minimum(value = "1"), maximum(value = "100"))
        )]
        limit: Query<u64>,
        /// Datum of the locations (default wgs84).
        #[oai(name = "coordSystem", default)]
        coord_system: Query<CoordSystem>,
    ) -> Res<Json<MomentPageView>, StaffItemErrors> {
        let shown = Shown::Review(status.0);
        let page =
            moments::list(&state, Some(&auth.0), shown, cursor.0.as_deref(), limit.0).await?;
        Ok(Json(MomentPageView::of(&state, page, coord_system.0)))
    }

    /// Review a good moment
    ///
    /// Once, while it waits (`409 already_reviewed` after): approved, it
    /// earns its author the city's points per moment (`GET
    /// /admin/volunteers/rules`, within the daily and monthly caps) and,
    /// with `publish`, goes on the public board; declined, it stays its
    /// author's, with the note. City staff; audited.
    #[oai(
        path = "/admin/moments/:id/review",
        method = "post",
        operation_id = "reviewMoment"
    )]
    async fn review(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<MomentReviewInput>,
    ) -> Res<Json<MomentView>, MomentReviewErrors> {
        let r = Review {
            approve: body.0.approve,
            publish: body.0.publish,
            note: body.0.note,
        };
        let m = moments::review(&state, &auth.0, id.0, &r).await?;
        Ok(Json(MomentView::of(&state, m, CoordSystem::default())))
    }

    /// Publish or withdraw a good moment
    ///
    /// Puts an approved moment on the public board or takes it off (`409
    /// not_approved` for one that is not approved). City staff; audited.
    #[oai(
        path = "/admin/moments/:id/publication",
        method = "put",
        operation_id = "setMomentPublication"
    )]
    async fn publication(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<PublicationInput>,
    ) -> Res<Json<MomentView>, MomentReviewErrors> {
        let m = moments::publish(&state, &auth.0, id.0, body.0.published).await?;
        Ok(Json(MomentView::of(&state, m, CoordSystem::default())))
    }
}
