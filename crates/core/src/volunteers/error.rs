//! Every way a volunteers operation can fail; the app's `error` module
//! (`src/error/mapping.rs`) maps each to its HTTP status.

use crate::{
    core::{Forbidden, page::BadCursor},
    infra::DbError,
};

#[derive(Debug, thiserror::Error)]
pub enum VolunteerError {
    /// No such team, spot, member or patrol, or not the caller's (404).
    #[error("{what} not found")]
    NotFound { what: &'static str },
    /// A blank name (400).
    #[error("{what} needs a name")]
    InvalidName { what: &'static str },
    /// Another team has the name (409).
    #[error("a team is already called {name}")]
    NameTaken { name: String },
    /// A patrol time that does not read (400).
    #[error("{0}")]
    InvalidPatrolTime(String),
    /// The caller is in a team already (409): one team per person.
    #[error("you are in the team {team} already: leave it first")]
    AlreadyInTeam { team: String },
    /// The leader asked to leave (409): staff name another leader first.
    #[error("a team's leader cannot leave it; staff name another leader first")]
    LeaderCannotLeave,
    /// The person named is not a member of the team (409).
    #[error("this person is not a member of the team")]
    NotAMember,
    /// A check-in while a patrol is open (409).
    #[error("a patrol is open since {since}: check out first")]
    PatrolOpen { since: String },
    /// A check-out of a patrol that has ended (409).
    #[error("this patrol has ended")]
    PatrolEnded,
    /// A check-in away from the spot (422).
    #[error("you are about {distance_m} m from {spot}; check in within {allowed_m} m of it")]
    TooFar {
        spot: String,
        distance_m: i64,
        allowed_m: i64,
    },
    /// A moment reviewed already (409).
    #[error("this moment has been reviewed")]
    AlreadyReviewed,
    /// Publishing a moment not approved (409).
    #[error("only an approved moment can be published")]
    NotApproved,
    /// Publishing a moment whose author deleted their account (409).
    #[error("its author deleted their account: the moment cannot be published")]
    AuthorGone,
    /// Volunteers' work by someone in no team (403).
    #[error("only an active team's volunteers file 劝导 and 随手治: join a team first")]
    NotAVolunteer,
    /// A photo that is not the caller's unattached upload (422).
    #[error("photos not usable: {ids:?} (unknown, expired, someone else's or already used)")]
    InvalidMedia { ids: Vec<uuid::Uuid> },
    /// The report part of the work was refused as a report is.
    #[error(transparent)]
    Report(#[from] crate::reports::error::ReportError),
    #[error(transparent)]
    Cursor(#[from] BadCursor),
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

crate::db_err_into!(VolunteerError);
