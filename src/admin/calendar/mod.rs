//! Admin: the working calendar (working hours, holiday-cn years) and the
//! deadlines it gives.

pub use suishoupai_core::admin::calendar::*;

use super::{AdminErrors, admin};
use crate::{
    api::Tag, auth::BearerAuth, error::Res, infra::settings::Gen, state::AppState, web::enums,
};
use chrono::{DateTime, FixedOffset};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Query, payload::Json};

/// The working calendar.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct CalendarView {
    /// Working periods of the day, e.g. `08:30-12:00,13:30-17:30` (Asia/Shanghai).
    pub working_hours: String,
    /// Working minutes in a working day.
    pub minutes_per_day: i64,
    /// Years loaded from holiday-cn files.
    pub years: Vec<CalendarYear>,
}

/// One loaded year.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct CalendarYear {
    /// The year.
    pub year: i32,
    /// Statutory days off.
    pub days_off: u32,
    /// Make-up working days (调休).
    pub make_up_days: u32,
}

impl From<service::Calendar> for CalendarView {
    fn from(c: service::Calendar) -> Self {
        Self {
            working_hours: c.working_hours,
            minutes_per_day: c.minutes_per_day,
            years: c
                .years
                .into_iter()
                .map(|(year, days_off, make_up_days)| CalendarYear {
                    year,
                    days_off,
                    make_up_days,
                })
                .collect(),
        }
    }
}

/// Working hours of the day.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct HoursInput {
    /// e.g. `08:30-12:00,13:30-17:30`: in order, without overlap.
    #[oai(validator(
        pattern = r"^[0-2][0-9]:[0-5][0-9]-[0-2][0-9]:[0-5][0-9](,[0-2][0-9]:[0-5][0-9]-[0-2][0-9]:[0-5][0-9])*$"
    ))]
    pub working_hours: String,
}

/// What the calendar answers for a time limit.
#[derive(Debug, Object)]
#[oai(rename_all = "camelCase")]
pub struct DueAnswer {
    /// The start.
    pub from: DateTime<FixedOffset>,
    /// The deadline, in China Standard Time.
    pub due: DateTime<FixedOffset>,
    /// Working minutes between the two (natural minutes for natural hours).
    pub minutes: i64,
}

pub struct AdminCalendarApi;

#[OpenApi(prefix_path = "/api/v1/admin", tag = "Tag::Admin")]
impl AdminCalendarApi {
    /// The working calendar
    #[oai(path = "/calendar", method = "get", operation_id = "adminGetCalendar")]
    async fn calendar(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Res<Json<CalendarView>, AdminErrors> {
        admin(&auth)?;
        Ok(Json(service::calendar(&state.db).await?.into()))
    }

    /// Set the working hours of the day
    #[oai(
        path = "/calendar/hours",
        method = "put",
        operation_id = "adminSetHours"
    )]
    async fn set_hours(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<HoursInput>,
    ) -> Res<Json<CalendarView>, AdminErrors> {
        let actor = admin(&auth)?;
        service::set_working_hours(&state.db, actor, &body.working_hours).await?;
        state.refresh(&[Gen::Calendar]).await?;
        Ok(Json(service::calendar(&state.db).await?.into()))
    }

    /// Load a year of holidays (holiday-cn JSON)
    ///
    /// `{year, days:[{name, date, isOffDay}]}` as published by holiday-cn;
    /// replaces that year. Bad dates, dates of another year or a date listed
    /// twice are `400` and nothing changes.
    #[oai(
        path = "/calendar/years",
        method = "post",
        operation_id = "adminLoadYear"
    )]
    async fn load_year(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<serde_json::Value>,
    ) -> Res<Json<CalendarView>, AdminErrors> {
        let actor = admin(&auth)?;
        service::load_calendar_year(&state.db, actor, &body.0.to_string()).await?;
        state.refresh(&[Gen::Calendar]).await?;
        Ok(Json(service::calendar(&state.db).await?.into()))
    }

    /// The deadline the calendar gives
    ///
    /// So an operator can check a calendar before relying on it: `from` plus
    /// `amount` in `unit`.
    #[oai(
        path = "/calendar/due",
        method = "get",
        operation_id = "adminCalendarDue"
    )]
    async fn due(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// The start (RFC 3339).
        from: Query<DateTime<FixedOffset>>,
        /// The time limit, 1–10000.
        #[oai(validator(minimum(value = "1"), maximum(value = "10000")))]
        amount: Query<i64>,
        /// work_hours | work_days | natural_hours
        unit: Query<enums::LimitUnit>,
    ) -> Res<Json<DueAnswer>, AdminErrors> {
        admin(&auth)?;
        let d = service::due(&state.calendar.get(), from.0, amount.0, unit.0)?;
        Ok(Json(DueAnswer {
            from: from.0,
            due: d.due,
            minutes: d.minutes,
        }))
    }
}
