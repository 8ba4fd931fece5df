//! The OpenAPI surface: tags, the tuple of feature APIs, and the spec
//! (built with no I/O, so `suishoupai openapi` needs no database).

use poem_openapi::{OpenApiService, Tags};

#[derive(Tags)]
pub enum Tag {
    /// Logging in and the caller's account.
    Auth,
    /// Photo upload and signed photo URLs.
    Media,
    /// The category tree.
    Categories,
    /// The citizen's reports (随手拍).
    Reports,
    /// Cases for staff and units: lifecycle actions, views, extensions.
    Cases,
    /// The command centre: map, indicators, exports, live feed.
    #[oai(rename = "Command centre")]
    CommandCentre,
    /// Administration: categories, units, areas, routing, calendar, accounts, audit.
    Admin,
    /// Content security: WeChat's verdicts on citizens' text and photos,
    /// and the flags they raise for the dispatcher.
    #[oai(rename = "Content security")]
    Content,
    /// Points (积分): the citizen's balance and history, rewards, redemption codes.
    Points,
    /// Open311 GeoReport v2 for hotlines (12345), apps and dashboards:
    /// XML or JSON by the path's extension; errors as the spec's list.
    Open311,
    /// Liveness, readiness and metrics.
    Operations,
    /// Volunteers (志愿者): teams, their spots (挂包点位), patrols (巡访)
    /// and volunteer hours (志愿时长).
    Volunteers,
    /// The public board (曝光台, 红黑榜) for anyone, with no sign-in:
    /// closed cases with their published photos, the districts' month
    /// ranked; cacheable pages.
    Board,
    /// 创建日历: the assessment indicators the city works to, their key
    /// dates and the units' tasks: reminders ahead in working days,
    /// evidence, acceptance, overdue and escalation, completion rates.
    #[oai(rename = "Campaign calendar")]
    Calendar,
}

pub type Apis = (
    crate::auth::AuthApi,
    crate::media::MediaApi,
    crate::categories::CategoriesApi,
    crate::reports::ReportsApi,
    crate::cases::CasesApi,
    crate::cases::CaseActionsApi,
    (crate::command::MapApi, crate::command::StatsApi),
    crate::live::LiveApi,
    crate::admin::AdminCategoriesApi,
    crate::admin::AdminUnitsApi,
    crate::admin::AdminAreasApi,
    crate::admin::AdminRulesApi,
    crate::admin::AdminCalendarApi,
    crate::admin::AdminAccountsApi,
    (crate::admin::AdminAuditApi, crate::admin::AdminApiKeysApi),
    (
        crate::open311::Open311Api,
        crate::ops::OpsApi,
        crate::content::ContentApi,
        crate::points::PointsApi,
        crate::privacy::PrivacyApi,
        crate::volunteers::TeamsApi,
        crate::volunteers::PatrolsApi,
        (
            crate::volunteers::WorkApi,
            crate::volunteers::MomentsApi,
            crate::board::BoardApi,
            crate::media::PhotoReviewApi,
            crate::campaign::CampaignAdminApi,
            crate::campaign::CalendarApi,
        ),
    ),
);

pub fn service() -> OpenApiService<Apis, ()> {
    OpenApiService::new(
        (
            crate::auth::AuthApi,
            crate::media::MediaApi,
            crate::categories::CategoriesApi,
            crate::reports::ReportsApi,
            crate::cases::CasesApi,
            crate::cases::CaseActionsApi,
            (crate::command::MapApi, crate::command::StatsApi),
            crate::live::LiveApi,
            crate::admin::AdminCategoriesApi,
            crate::admin::AdminUnitsApi,
            crate::admin::AdminAreasApi,
            crate::admin::AdminRulesApi,
            crate::admin::AdminCalendarApi,
            crate::admin::AdminAccountsApi,
            (crate::admin::AdminAuditApi, crate::admin::AdminApiKeysApi),
            (
                crate::open311::Open311Api,
                crate::ops::OpsApi,
                crate::content::ContentApi,
                crate::points::PointsApi,
                crate::privacy::PrivacyApi,
                crate::volunteers::TeamsApi,
                crate::volunteers::PatrolsApi,
                (
                    crate::volunteers::WorkApi,
                    crate::volunteers::MomentsApi,
                    crate::board::BoardApi,
                    crate::media::PhotoReviewApi,
                    crate::campaign::CampaignAdminApi,
                    crate::campaign::CalendarApi,
                ),
            ),
        ),
        "Suishoupai (随手拍) API",
        env!("CARGO_PKG_VERSION"),
    )
    .description(
        "Citizens report uncivil behaviour and urban-management problems; the city routes \
         each case to the unit responsible, with a deadline, until it is fixed and rated. \
         Every error is `{code, message, details?}`; times are RFC 3339; lists use cursors.",
    )
}

/// The spec as committed in `api-docs/openapi.json` and served at
/// `/openapi.json`: poem-openapi's, with the words of each enum's values
/// (`x-labels`, `web::labels`).
pub fn spec_json() -> String {
    let spec = service().spec();
    let Ok(mut doc) = serde_json::from_str::<serde_json::Value>(&spec) else {
        return spec + "\n";
    };
    crate::cases::filter_params::expand_in_spec(&mut doc);
    crate::web::labels::annotate(&mut doc);
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or(spec);
    s.push('\n');
    s
}
