//! The orders the case list can be read in.

/// The order of the case list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "openapi",
    derive(poem_openapi::Enum),
    oai(rename = "CaseOrder", rename_all = "lowercase")
)]
pub enum ListOrder {
    /// Newest first (by id, a UUIDv7).
    #[default]
    Newest,
    /// Most urgent first: the earliest handling deadline (overdue first), then
    /// the oldest; cases without a running deadline last. A unit's inbox.
    Due,
}
