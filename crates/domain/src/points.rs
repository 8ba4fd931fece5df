//! What the case loop changes of a reporter's points; the ledger that
//! values and stores it is the app's (`points::ledger`).

/// A change to the reporter's points (积分), as the rules in force value it
/// (an effect of the case loop's transition core).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Points {
    /// A person first took the case on (accepted, dispatched or claimed
    /// it; an automatic dispatch is not one): awarded now when the rules
    /// say so.
    CaseAccepted,
    /// The case was verified and closed: awarded now when the rules say
    /// so.
    Closed,
    /// The report was merged into a later one: its reporter was first.
    FirstOfDuplicate,
    /// The report was rejected or merged into an earlier one: what it
    /// earned is taken back (an entry of its own).
    Reverse,
    /// The reporter rated the fixed case as solved.
    Solved,
    /// A volunteer's 随手治 case was verified and closed.
    SelfFixed,
}

crate::vocabulary! {
    stored;
    /// Why an entry was written.
    // Stored in `points_ledger.reason`; `PointsReason` in the spec.
    #[cfg_attr(
        feature = "openapi",
        derive(poem_openapi::Enum),
        oai(rename = "PointsReason", rename_all = "snake_case")
    )]
    pub enum Reason {
        /// A report's points (at 立案 or at closing, as the rules say).
        CaseAccepted = "case_accepted",
        /// The bonus of a rating that says the problem is solved.
        Solved = "solved",
        /// A report's points taken back (rejected, or merged into an
        /// earlier report).
        CaseAcceptedReversed = "case_accepted_reversed",
        /// Points spent on a reward.
        Redeem = "redeem",
        /// A volunteer's patrol hours (志愿时长).
        PatrolHours = "patrol_hours",
        /// A volunteer's 劝导 record.
        Persuasion = "persuasion",
        /// A volunteer's 随手治 case, verified and closed.
        SelfFix = "self_fix",
        /// A good moment (文明美好瞬间) staff approved.
        Moment = "moment",
    }
}

impl Reason {
    /// The reason in words, as the citizen's ledger shows it.
    pub fn label(self) -> &'static str {
        match self {
            Self::CaseAccepted => "举报被立案",
            Self::Solved => "评价为已解决",
            Self::CaseAcceptedReversed => "立案积分撤回",
            Self::Redeem => "兑换奖品",
            Self::PatrolHours => "志愿巡访时长",
            Self::Persuasion => "文明劝导",
            Self::SelfFix => "随手治",
            Self::Moment => "文明美好瞬间",
        }
    }
}

crate::vocabulary! {
    stored;
    /// Where a redemption stands.
    // Stored in `redemptions.status`.
    #[cfg_attr(
        feature = "openapi",
        derive(poem_openapi::Enum),
        oai(rename_all = "snake_case")
    )]
    pub enum RedemptionStatus {
        /// The code waits to be shown.
        Issued = "issued",
        /// Staff checked it off: the reward was handed over.
        Used = "used",
    }
}

impl RedemptionStatus {
    /// The state in words, as the citizen reads it beside the code.
    pub fn label(self) -> &'static str {
        match self {
            Self::Issued => "待领取",
            Self::Used => "已核销",
        }
    }
}

/// When a report's points are awarded.
#[cfg_attr(
    feature = "openapi",
    derive(poem_openapi::Enum),
    oai(rename_all = "snake_case")
)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwardAt {
    /// A person first takes the case on.
    #[default]
    Accept,
    /// The case is verified and closed.
    Close,
}

/// How citizens earn points (积分), as the city's admin sets them. Only a
/// checked value exists: [`PointsRules::from_saved`] checks what the
/// database holds as the API checks what comes in.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PointsRules {
    pub enabled: bool,
    pub on_case: i32,
    #[serde(default)]
    pub award_at: AwardAt,
    pub first_of_duplicate: bool,
    pub solved_bonus: i32,
    pub daily_cap: i32,
    pub monthly_cap: i32,
}

impl Default for PointsRules {
    fn default() -> Self {
        Self {
            enabled: true,
            on_case: 5,
            award_at: AwardAt::Accept,
            first_of_duplicate: true,
            solved_bonus: 2,
            daily_cap: 20,
            monthly_cap: 200,
        }
    }
}

impl PointsRules {
    /// The inclusive range of each number, by its name in the API (the
    /// spec's `minimum`/`maximum` say the same; a test holds them together).
    pub const RANGES: [(&'static str, i32, i32); 4] = [
        ("onCase", 0, 1000),
        ("solvedBonus", 0, 1000),
        ("dailyCap", 0, 100_000),
        ("monthlyCap", 0, 1_000_000),
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
            self.on_case,
            self.solved_bonus,
            self.daily_cap,
            self.monthly_cap,
        ];
        for ((name, lo, hi), v) in Self::RANGES.into_iter().zip(values) {
            if !(lo..=hi).contains(&v) {
                return Err(format!("{name} is {v}, outside {lo}–{hi}"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_rules_are_checked_as_they_are_read() {
        let ok = PointsRules::default().to_saved().unwrap_or_default();
        assert_eq!(PointsRules::from_saved(&ok), Ok(PointsRules::default()));
        let bad = ok.replace("\"dailyCap\":20", "\"dailyCap\":-5");
        assert_eq!(
            PointsRules::from_saved(&bad),
            Err("dailyCap is -5, outside 0–100000".into())
        );
        // Saved before `awardAt` existed: the default.
        let old = r#"{"enabled":true,"onCase":5,"firstOfDuplicate":true,"solvedBonus":2,"dailyCap":20,"monthlyCap":200}"#;
        assert_eq!(PointsRules::from_saved(old), Ok(PointsRules::default()));
    }
}
