//! Staff review photos before the public sees them: the queue of photos
//! waiting, and a decision per photo (publish with regions blurred, or
//! withhold). `media::review` makes and stores the derivative.

use super::review::{self, Decision, Reviewed, Subject};
use crate::{api::Tag, auth::BearerAuth, error::Res, state::AppState, web::dto::Photo};
use domain::photos::Region;
use poem::web::Data;
use poem_openapi::{
    Enum, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};
use uuid::Uuid;

crate::error_set!(QueueErrors: 400, 401, 403);
crate::error_set!(ReviewErrors: 400, 401, 403, 404, 409, 415);

/// A region to blur, in fractions of the image: `x`, `y` its top-left
/// corner, `width` and `height` its size, each 0–1, staying on the image.
#[derive(Debug, Clone, Object)]
pub struct RegionInput {
    /// From the left edge, 0–1.
    #[oai(validator(minimum(value = "0"), maximum(value = "1")))]
    pub x: f64,
    /// From the top edge, 0–1.
    #[oai(validator(minimum(value = "0"), maximum(value = "1")))]
    pub y: f64,
    /// 0–1 of the image's width; above 0, and `x + width` at most 1.
    #[oai(validator(minimum(value = "0", exclusive), maximum(value = "1")))]
    pub width: f64,
    /// 0–1 of the image's height; above 0, and `y + height` at most 1.
    #[oai(validator(minimum(value = "0", exclusive), maximum(value = "1")))]
    pub height: f64,
}

/// A reviewer's decision on a photo.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct PhotoReviewInput {
    /// Publish the photo (as a derivative with `regions` blurred), or
    /// withhold it from the public for good.
    pub publish: bool,
    /// Faces, number plates and anything else to blur; at most 50.
    #[oai(default, validator(max_items = 50))]
    pub regions: Vec<RegionInput>,
}

/// What a photo was taken for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum PhotoSubject {
    /// A case's, before it was handled (the reporter's).
    CaseBefore,
    /// A case's, after it was handled (the unit's or the volunteer's).
    CaseAfter,
    /// A 文明美好瞬间's.
    Moment,
}

/// A photo for review, with its review when it has one.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct PhotoReviewView {
    /// The original, for staff: signed URLs that expire.
    pub photo: Photo,
    pub subject: PhotoSubject,
    /// The case, for a case's photo.
    #[oai(nullable)]
    pub case_id: Option<Uuid>,
    /// The case number, for a case's photo.
    #[oai(nullable)]
    pub case_no: Option<String>,
    /// The moment, for a moment's photo.
    #[oai(nullable)]
    pub moment_id: Option<Uuid>,
    /// When it was reviewed (none: waiting).
    #[oai(nullable)]
    pub reviewed_at: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Published: the public sees `published`; reviewed and not
    /// published: withheld.
    pub publishable: bool,
    /// The regions blurred.
    pub regions: Vec<RegionInput>,
    /// What the public sees: the blurred derivative's stable URLs.
    #[oai(nullable)]
    pub published: Option<Photo>,
}

/// A page of photos waiting for review.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct PhotoReviewPage {
    /// The photos of this page, oldest first.
    pub items: Vec<PhotoReviewView>,
    /// Pass as `cursor` for the next page; absent at the end.
    #[oai(skip_serializing_if_is_none)]
    pub next_cursor: Option<String>,
}

impl PhotoReviewView {
    fn of(state: &AppState, r: Reviewed) -> Self {
        let ttl = state.config.media.url_ttl_secs;
        let stored = crate::media::stored::StoredPhoto::from(&r.photo);
        let (subject, case_id, case_no, moment_id) = match r.subject {
            Subject::Case {
                id,
                case_no,
                before,
            } => (
                if before {
                    PhotoSubject::CaseBefore
                } else {
                    PhotoSubject::CaseAfter
                },
                Some(id),
                Some(case_no),
                None,
            ),
            Subject::Moment { id } => (PhotoSubject::Moment, None, None, Some(id)),
        };
        let regions: Vec<Region> = r
            .photo
            .review_boxes
            .as_deref()
            .and_then(|b| serde_json::from_str(b).ok())
            .unwrap_or_default();
        Self {
            photo: Photo::signed(&state.media.signer, ttl, &stored),
            subject,
            case_id,
            case_no,
            moment_id,
            reviewed_at: r.photo.reviewed_at,
            publishable: r.photo.public_rev.is_some(),
            regions: regions
                .into_iter()
                .map(|g| RegionInput {
                    x: g.x,
                    y: g.y,
                    width: g.width,
                    height: g.height,
                })
                .collect(),
            published: r.photo.public_rev.map(|_| {
                Photo::signed(
                    &state.media.signer,
                    ttl,
                    &crate::media::stored::StoredPhoto::public(&r.photo),
                )
            }),
        }
    }
}

fn default_limit() -> u64 {
    20
}

pub struct PhotoReviewApi;

#[OpenApi(prefix_path = "/api/v1/admin", tag = "Tag::Content")]
impl PhotoReviewApi {
    /// Photos waiting for review before publication
    ///
    /// The photos of public cases and of approved moments that no one has
    /// reviewed yet, oldest first; until reviewed, the public sees none of
    /// them. Dispatchers and admins.
    #[oai(
        path = "/photo-reviews",
        method = "get",
        operation_id = "listPhotoReviews"
    )]
    async fn queue(
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
    ) -> Res<Json<PhotoReviewPage>, QueueErrors> {
        let (items, next_cursor) =
            review::queue(&state, &auth.0, cursor.0.as_deref(), limit.0).await?;
        Ok(Json(PhotoReviewPage {
            items: items
                .into_iter()
                .map(|r| PhotoReviewView::of(&state, r))
                .collect(),
            next_cursor,
        }))
    }

    /// Review a photo for publication
    ///
    /// Publish it with the given regions (faces, number plates) blurred
    /// beyond recognition, or withhold it. Publishing makes the public
    /// derivative once, stores it beside the original (which stays for
    /// staff and the reporter) and serves it at a stable URL; reviewing
    /// again replaces it. Regions off the image, or more than 50, are
    /// `400 invalid_regions`; a photo of no case or moment, or one the
    /// content check blocked, `409 not_publishable`; two reviewers at once,
    /// `409 concurrent_update` for the second. Dispatchers and admins.
    #[oai(
        path = "/photos/:id/review",
        method = "post",
        operation_id = "reviewPhoto"
    )]
    async fn review(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<PhotoReviewInput>,
    ) -> Res<Json<PhotoReviewView>, ReviewErrors> {
        let d = Decision {
            publish: body.0.publish,
            regions: body
                .0
                .regions
                .into_iter()
                .map(|r| Region {
                    x: r.x,
                    y: r.y,
                    width: r.width,
                    height: r.height,
                })
                .collect(),
        };
        let r = review::review(&state, &auth.0, id.0, d).await?;
        Ok(Json(PhotoReviewView::of(&state, r)))
    }
}
