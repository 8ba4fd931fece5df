//! Volunteers (志愿者): how a patrol ended, a member's place in a team,
//! the rules a city sets for patrols, and when a spot is patrolled.

use chrono::{DateTime, Duration, FixedOffset, NaiveTime};

crate::vocabulary! {
    stored;
    /// How a patrol ended.
    #[cfg_attr(
        feature = "openapi",
        derive(poem_openapi::Enum),
        oai(rename_all = "snake_case")
    )]
    pub enum PatrolEnd {
        /// The volunteer checked out.
        CheckedOut = "checked_out",
        /// No check-out came: the patrol closed itself at the city's cap,
        /// which is all it counts.
        Capped = "capped",
    }
}

impl PatrolEnd {
    /// How it ended, in words.
    pub fn label(self) -> &'static str {
        match self {
            Self::CheckedOut => "已签退",
            Self::Capped => "未签退，到时自动结束",
        }
    }
}

crate::vocabulary! {
    stored;
    /// Where a good moment (文明美好瞬间) stands.
    #[cfg_attr(
        feature = "openapi",
        derive(poem_openapi::Enum),
        oai(rename_all = "snake_case")
    )]
    pub enum MomentStatus {
        /// Waiting for staff.
        Pending = "pending",
        /// Staff approved it: it earned points, and may be published.
        Approved = "approved",
        /// Staff declined it.
        Rejected = "rejected",
    }
}

impl MomentStatus {
    /// The status in words.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "待审核",
            Self::Approved => "已通过",
            Self::Rejected => "未通过",
        }
    }
}

crate::vocabulary! {
    /// A volunteer's place in their team.
    #[cfg_attr(
        feature = "openapi",
        derive(poem_openapi::Enum),
        oai(rename_all = "snake_case")
    )]
    pub enum TeamRole {
        /// 队长: shares the join code, removes members.
        Leader = "leader",
        /// 队员.
        Member = "member",
    }
}

impl TeamRole {
    /// The place in words.
    pub fn label(self) -> &'static str {
        match self {
            Self::Leader => "队长",
            Self::Member => "队员",
        }
    }
}

/// The rules a city sets for patrols. Only a checked value exists:
/// [`VolunteerRules::from_saved`] checks what the database holds as the
/// API checks what comes in.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VolunteerRules {
    /// A patrol left open (no check-out) closes itself this many minutes
    /// after its check-in, and counts that long.
    pub patrol_cap_minutes: i32,
    /// Metres a check-in may be outside a spot's radius (a phone's fix in
    /// a street canyon is often 30–50 m off).
    pub check_in_slack_m: i32,
    /// Points per whole hour of a patrol (志愿时长), at its end.
    #[serde(default = "default_per_hour")]
    pub points_per_hour: i32,
    /// Points per 劝导 record, at filing.
    #[serde(default = "default_per_persuasion")]
    pub points_per_persuasion: i32,
    /// Points per 随手治 case, when the dispatcher verifies and closes it.
    #[serde(default = "default_per_self_fix")]
    pub points_per_self_fix: i32,
    /// Points per good moment (文明美好瞬间), when staff approve it.
    #[serde(default = "default_per_moment")]
    pub points_per_moment: i32,
}

fn default_per_moment() -> i32 {
    VolunteerRules::default().points_per_moment
}

fn default_per_hour() -> i32 {
    VolunteerRules::default().points_per_hour
}

fn default_per_persuasion() -> i32 {
    VolunteerRules::default().points_per_persuasion
}

fn default_per_self_fix() -> i32 {
    VolunteerRules::default().points_per_self_fix
}

impl Default for VolunteerRules {
    fn default() -> Self {
        Self {
            patrol_cap_minutes: 240,
            check_in_slack_m: 50,
            points_per_hour: 2,
            points_per_persuasion: 1,
            points_per_self_fix: 3,
            points_per_moment: 2,
        }
    }
}

impl VolunteerRules {
    /// The inclusive range of each number, by its name in the API.
    pub const RANGES: [(&'static str, i32, i32); 6] = [
        ("patrolCapMinutes", 15, 720),
        ("checkInSlackM", 0, 500),
        ("pointsPerHour", 0, 1000),
        ("pointsPerPersuasion", 0, 1000),
        ("pointsPerSelfFix", 0, 1000),
        ("pointsPerMoment", 0, 1000),
    ];

    /// Rules as saved (JSON), checked.
    pub fn from_saved(json: &str) -> Result<Self, String> {
        let r: Self = serde_json::from_str(json).map_err(|e| e.to_string())?;
        r.check()?;
        Ok(r)
    }

    /// The rules to save (JSON).
    pub fn to_saved(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }

    /// Every number within its range.
    pub fn check(&self) -> Result<(), String> {
        let values = [
            self.patrol_cap_minutes,
            self.check_in_slack_m,
            self.points_per_hour,
            self.points_per_persuasion,
            self.points_per_self_fix,
            self.points_per_moment,
        ];
        for ((name, lo, hi), v) in Self::RANGES.into_iter().zip(values) {
            if !(lo..=hi).contains(&v) {
                return Err(format!("{name} is {v}, outside {lo}–{hi}"));
            }
        }
        Ok(())
    }

    /// When a patrol checked in at `started` ends: at `checked_out` if
    /// that came within the cap, else at the cap.
    pub fn end_of(
        &self,
        started: DateTime<FixedOffset>,
        checked_out: DateTime<FixedOffset>,
    ) -> (DateTime<FixedOffset>, PatrolEnd) {
        let cap = self.cap_at(started);
        if checked_out <= cap {
            (checked_out.max(started), PatrolEnd::CheckedOut)
        } else {
            (cap, PatrolEnd::Capped)
        }
    }

    /// The instant a patrol checked in at `started` closes itself.
    pub fn cap_at(&self, started: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
        started + Duration::minutes(i64::from(self.patrol_cap_minutes))
    }
}

/// Whole minutes a patrol counts (志愿时长), rounded down.
pub fn minutes(started: DateTime<FixedOffset>, ended: DateTime<FixedOffset>) -> i64 {
    (ended - started).num_minutes().max(0)
}

/// When a spot is patrolled: on some weekdays (1 = Monday … 7 = Sunday),
/// from a time to a later time, China time.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PatrolTime {
    pub weekdays: Vec<u8>,
    pub from: NaiveTime,
    pub to: NaiveTime,
}

impl PatrolTime {
    /// Parses "HH:MM" times and checks the weekdays and the order.
    pub fn parse(weekdays: Vec<u8>, from: &str, to: &str) -> Result<Self, String> {
        let time = |s: &str| {
            NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| format!("{s} is not a time HH:MM"))
        };
        let (from, to) = (time(from)?, time(to)?);
        if to <= from {
            return Err(format!(
                "a patrol time must end after it starts ({from}–{to})"
            ));
        }
        let mut weekdays = weekdays;
        weekdays.sort_unstable();
        weekdays.dedup();
        if weekdays.is_empty() || weekdays.iter().any(|d| !(1..=7).contains(d)) {
            return Err("weekdays are 1 (Monday) to 7 (Sunday), at least one".into());
        }
        Ok(Self { weekdays, from, to })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn a_patrol_counts_to_its_check_out_or_to_the_cap() {
        let r = VolunteerRules {
            patrol_cap_minutes: 240,
            ..VolunteerRules::default()
        };
        let start = at("2026-12-05T08:00:00+08:00");
        let (end, how) = r.end_of(start, at("2026-12-05T10:30:00+08:00"));
        assert_eq!((minutes(start, end), how), (150, PatrolEnd::CheckedOut));
        let (end, how) = r.end_of(start, at("2026-12-05T19:00:00+08:00"));
        assert_eq!((minutes(start, end), how), (240, PatrolEnd::Capped));
    }

    #[test]
    fn patrol_times_are_checked() {
        assert!(PatrolTime::parse(vec![6, 7], "08:00", "11:00").is_ok());
        assert!(PatrolTime::parse(vec![6], "11:00", "08:00").is_err());
        assert!(PatrolTime::parse(vec![0], "08:00", "11:00").is_err());
        assert!(PatrolTime::parse(vec![], "08:00", "11:00").is_err());
        assert!(PatrolTime::parse(vec![1], "8h", "11:00").is_err());
    }

    #[test]
    fn saved_rules_out_of_range_do_not_read() {
        assert!(
            VolunteerRules::from_saved(r#"{"patrolCapMinutes":5,"checkInSlackM":50}"#).is_err()
        );
        let ok = VolunteerRules::default().to_saved().unwrap();
        assert_eq!(
            VolunteerRules::from_saved(&ok).unwrap(),
            VolunteerRules::default()
        );
    }
}
