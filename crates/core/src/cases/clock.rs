//! The handling clock of a case (`domain::case::clock`), on the node's
//! current working calendar.

pub use domain::case::clock::*;

/// Deadlines on the node's current working calendar.
pub fn of(state: &crate::state::AppState) -> Clock {
    Clock {
        cal: state.calendar.get(),
        warn_fraction: state.config.workflow.warn_fraction,
    }
}
