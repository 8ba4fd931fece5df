//! How time limits are counted.

crate::vocabulary! {
    stored;
    /// How a time limit is counted.
    #[cfg_attr(
        feature = "openapi",
        derive(poem_openapi::Enum),
        oai(rename_all = "snake_case")
    )]
    pub enum LimitUnit {
        /// 工作时: hours inside the working hours of working days.
        WorkHours = "work_hours",
        /// 工作日: whole working days.
        WorkDays = "work_days",
        /// 自然时: wall-clock hours, calendar ignored (urgent work).
        NaturalHours = "natural_hours",
    }
}

impl LimitUnit {
    /// The unit in words.
    pub fn label(self) -> &'static str {
        match self {
            Self::WorkHours => "工作时",
            Self::WorkDays => "工作日",
            Self::NaturalHours => "自然小时",
        }
    }
}

crate::vocabulary! {
    stored;
    /// How a running handling clock counts.
    pub enum ClockKind {
        Work = "work",
        Natural = "natural",
    }
}

impl ClockKind {
    pub fn of(unit: LimitUnit) -> Self {
        match unit {
            LimitUnit::NaturalHours => Self::Natural,
            LimitUnit::WorkHours | LimitUnit::WorkDays => Self::Work,
        }
    }
}
