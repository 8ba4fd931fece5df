//! Citizens' data rights (个人信息保护法): a citizen downloads what the
//! city holds about them and deletes their account. Their cases stay as the
//! city's records with the identity removed; photos and identities are
//! kept as long as the city's retention says (`retention.*`), applied by
//! a job (`retention`).

pub use suishoupai_core::privacy::*;

use crate::{
    api::Tag,
    auth::BearerAuth,
    error::Res,
    geo::coords::CoordSystem,
    points::dto::{MyPoints, RedemptionPage},
    reports::dto::{ReportPage, ReportSummary, ReportView},
    state::AppState,
};
use chrono::{DateTime, FixedOffset};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, payload::Json};
use uuid::Uuid;

/// The account as the city holds it.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase", skip_serializing_if_is_none)]
pub struct MyAccount {
    /// The account's id.
    pub id: Uuid,
    /// The WeChat openid the account was created with.
    pub openid: Option<String>,
    /// The name shown to staff.
    pub display_name: String,
    /// A phone number given (none for most citizens).
    pub phone: Option<String>,
    /// When the account was created (the first login).
    pub created_at: DateTime<FixedOffset>,
    /// The last login.
    pub last_seen_at: DateTime<FixedOffset>,
}

/// Everything the city holds about the caller, as one document.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct MyData {
    /// When this copy was made.
    pub exported_at: DateTime<FixedOffset>,
    /// The account.
    pub account: MyAccount,
    /// Every report filed, newest first, with its photos (signed URLs,
    /// valid `media.url_ttl_secs`) and public timeline.
    pub reports: Vec<ReportView>,
    /// The cases followed (附议) that are still public.
    pub follows: Vec<ReportSummary>,
    /// The points balance and every ledger entry.
    pub points: MyPoints,
    /// Every redemption code.
    pub redemptions: RedemptionPage,
    /// How long the city keeps photos and identities, in days (0: no
    /// limit), as its settings say now.
    pub retention: Retention,
}

impl MyData {
    /// The download, its locations in WGS-84.
    fn of(state: &AppState, e: service::Export) -> Self {
        let system = CoordSystem::Wgs84;
        let a = e.account;
        Self {
            exported_at: e.exported_at,
            account: MyAccount {
                id: a.id,
                openid: a.openid,
                display_name: a.display_name,
                phone: a.phone,
                created_at: a.created_at,
                last_seen_at: a.last_seen_at,
            },
            reports: (e.reports.into_iter())
                .map(|r| ReportView::of(state, r, system))
                .collect(),
            follows: ReportPage::of(state, e.follows, system).items,
            points: e.points.into(),
            redemptions: e.redemptions.into(),
            retention: Retention {
                photo_days: e.photo_days,
                identity_days: e.identity_days,
            },
        }
    }
}

/// The city's retention, as a citizen reads it.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct Retention {
    /// Photos of a case that ended (closed, rejected, merged) are deleted
    /// this many days after it ended.
    pub photo_days: u32,
    /// An account not used for this many days has its identity removed,
    /// as if its owner had deleted it.
    pub identity_days: u32,
}

pub struct PrivacyApi;

#[OpenApi(prefix_path = "/api/v1", tag = "Tag::Auth")]
impl PrivacyApi {
    /// Download my data
    ///
    /// A citizen's copy of what the city holds about them (个人信息保护法):
    /// the account, every report with its photos and public timeline, the
    /// cases followed, points and redemptions, and the retention in force.
    /// Staff accounts are `403` (their data is the city's to give).
    #[oai(path = "/me/data", method = "get", operation_id = "getMyData")]
    async fn data(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Res<Json<MyData>, DataErrors> {
        let export = service::export(&state, &auth.0).await?;
        Ok(Json(MyData::of(&state, export)))
    }
}

crate::error_set!(DataErrors: 401, 403);
