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
}
