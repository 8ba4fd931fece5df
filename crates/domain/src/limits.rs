//! How time limits are counted.

/// How a time limit is counted.
#[cfg_attr(
    feature = "openapi",
    derive(poem_openapi::Enum),
    oai(rename_all = "snake_case")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitUnit {
    /// 工作时: hours inside the working hours of working days.
    WorkHours,
    /// 工作日: whole working days.
    WorkDays,
    /// 自然时: wall-clock hours, calendar ignored (urgent work).
    NaturalHours,
}

impl LimitUnit {
    pub const ALL: [LimitUnit; 3] = [Self::WorkHours, Self::WorkDays, Self::NaturalHours];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|u| u.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::WorkHours => "work_hours",
            Self::WorkDays => "work_days",
            Self::NaturalHours => "natural_hours",
        }
    }

    /// The unit in words.
    pub fn label(self) -> &'static str {
        match self {
            Self::WorkHours => "工作时",
            Self::WorkDays => "工作日",
            Self::NaturalHours => "自然小时",
        }
    }
}

/// How a running handling clock counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockKind {
    Work,
    Natural,
}

impl ClockKind {
    pub const ALL: [ClockKind; 2] = [Self::Work, Self::Natural];

    pub fn of(unit: LimitUnit) -> Self {
        match unit {
            LimitUnit::NaturalHours => Self::Natural,
            LimitUnit::WorkHours | LimitUnit::WorkDays => Self::Work,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Work => "work",
            Self::Natural => "natural",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Work, Self::Natural]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}
