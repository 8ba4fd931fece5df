//! An area's level refuses any word but `district`, `street` and `grid`,
//! as the other typed columns do (`crate::typed`).

const AREA_LEVELS: &[&str] = &["district", "street", "grid"];

const TYPED: &[crate::typed::Typed] = &[("areas", "id", "level", AREA_LEVELS, false)];

pub const MIGRATION: crate::typed::Checks = crate::typed::Checks {
    name: "m20261205_000017_typed_area_levels",
    typed: TYPED,
};
