//! Volunteers (志愿者): staff create teams (志愿服务队) and assign them
//! spots (挂包点位) with patrol times; citizens join a team with the code
//! its leader shares (one team per person) and patrol its spots, checking
//! in on site and out again; the time between is 志愿时长, and a patrol
//! left open closes itself at the city's cap and says so.

pub use suishoupai_core::volunteers::{
    error, hours,
    model::*,
    moments, patrols, records, rules, spots,
    teams::{self, STAFF},
    work,
};

pub mod dto;
pub mod moment_dto;
mod moments_api;
pub mod patrol_dto;
mod patrols_api;
mod teams_api;
mod work_api;
pub mod work_dto;

pub use moments_api::MomentsApi;
pub use patrols_api::PatrolsApi;
pub use teams_api::TeamsApi;
pub use work_api::WorkApi;

use poem_openapi::ApiResponse;

/// No content.
#[derive(ApiResponse)]
pub enum Done {
    /// Done.
    #[oai(status = 204)]
    Done,
}

pub(crate) fn default_limit() -> u64 {
    20
}

pub(crate) fn default_records() -> u64 {
    50
}

crate::error_set!(StaffReadErrors: 401, 403);
crate::error_set!(StaffItemErrors: 400, 401, 403, 404);
crate::error_set!(StaffWriteErrors: 400, 401, 403, 409, 413, 415);
crate::error_set!(StaffUpdateErrors: 400, 401, 403, 404, 409, 413, 415);
crate::error_set!(MemberErrors: 400, 401, 403, 404, 409);
crate::error_set!(JoinErrors: 400, 401, 403, 404, 409, 413, 415, 429);
crate::error_set!(MineErrors: 400, 401, 404);
crate::error_set!(LeaveErrors: 401, 404, 409);
crate::error_set!(CheckInErrors: 400, 401, 403, 404, 409, 413, 415, 422, 429);
crate::error_set!(CheckOutErrors: 400, 401, 404, 409, 413, 415);
crate::error_set!(ReadErrors: 401);
crate::error_set!(ListErrors: 400, 401);
crate::error_set!(MyListErrors: 400, 401, 403);
crate::error_set!(RecordErrors: 400, 401, 403, 404);
crate::error_set!(WorkErrors: 400, 401, 403, 409, 413, 415, 422, 429);
crate::error_set!(MomentReviewErrors: 400, 401, 403, 404, 409, 413, 415);
