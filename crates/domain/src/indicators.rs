//! The indicators' vocabulary: what their rows are grouped by.

crate::vocabulary! {
    /// What indicator rows are grouped by.
    #[derive(Default)]
    #[cfg_attr(
        feature = "openapi",
        derive(poem_openapi::Enum),
        oai(rename_all = "lowercase")
    )]
    pub enum GroupBy {
        /// The unit the case is dispatched to.
        #[default]
        Unit = "unit",
        /// The case's area at `areaLevel`.
        Area = "area",
        /// The 小类.
        Category = "category",
        /// The China-time day of dispatch.
        Day = "day",
    }
}

impl GroupBy {
    /// The grouping in words.
    pub fn label(self) -> &'static str {
        match self {
            Self::Unit => "责任单位",
            Self::Area => "区域",
            Self::Category => "类别",
            Self::Day => "日期",
        }
    }
}
