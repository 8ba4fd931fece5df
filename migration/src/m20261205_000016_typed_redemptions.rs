//! A redemption's status refuses any word but `issued` and `used`, as the
//! other typed columns do (`crate::typed`).

const REDEMPTION_STATES: &[&str] = &["issued", "used"];

const TYPED: &[crate::typed::Typed] = &[("redemptions", "id", "status", REDEMPTION_STATES, false)];

pub const MIGRATION: crate::typed::Checks = crate::typed::Checks {
    name: "m20261205_000016_typed_redemptions",
    typed: TYPED,
};
