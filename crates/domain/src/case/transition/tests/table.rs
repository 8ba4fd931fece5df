//! Every status × every command.

use super::*;
use crate::CaseStatus as S;

/// Which statuses each command is allowed from; `.`: refused with
/// 409 illegal_transition (rating: not_closed).
const TABLE: &str = "
                    sub rej dup acc dis ret inp res clo reo sus
accept              Y   .   .   .   .   .   .   .   .   .   .
reject              Y   .   .   Y   Y   Y   Y   .   .   Y   .
mark_duplicate      Y   .   .   Y   Y   Y   Y   .   .   Y   .
dispatch            Y   .   .   Y   Y   Y   Y   .   .   Y   .
claim               .   .   .   .   Y   .   .   .   .   Y   .
return              .   .   .   .   Y   .   Y   .   .   .   .
resolve             .   .   .   .   .   .   Y   .   .   .   .
close               .   .   .   .   .   .   .   Y   .   .   .
reopen              .   .   .   .   .   .   .   Y   .   .   .
suspend             .   .   .   Y   Y   Y   Y   .   .   Y   .
resume              .   .   .   .   .   .   .   .   .   .   Y
escalate            .   .   .   .   Y   .   Y   .   .   Y   .
request_extension   .   .   .   .   Y   .   Y   .   .   Y   .
extension_approved  Y   Y   Y   Y   Y   Y   Y   Y   Y   Y   Y
rate                .   .   .   .   .   .   .   .   Y   .   .
auto_dispatch       Y   .   .   .   .   .   .   .   .   .   .
self_fixed          Y   .   .   .   .   .   .   .   .   .   .
timer               .   .   .   .   Y   .   Y   .   .   Y   .
";

const COLUMNS: [S; 11] = [
    S::Submitted,
    S::Rejected,
    S::Duplicate,
    S::Accepted,
    S::Dispatched,
    S::Returned,
    S::InProgress,
    S::Resolved,
    S::Closed,
    S::Reopened,
    S::Suspended,
];

#[test]
fn every_status_times_every_command_is_allowed_or_refused_as_the_table_says() {
    let rows: HashMap<&str, Vec<bool>> = TABLE
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut parts = l.split_whitespace();
            let name = parts.next().unwrap_or_default();
            (name, parts.map(|c| c == "Y").collect())
        })
        .collect();
    let mut checked = 0;
    for (name, cmd, who, note) in commands() {
        let row = &rows[name];
        assert_eq!(row.len(), COLUMNS.len(), "row {name}");
        for (status, allowed) in COLUMNS.iter().zip(row) {
            let case = case_in(*status);
            let got = run(&case, &cmd, &who, note.clone(), Some(case.version));
            match (allowed, got) {
                (true, Ok(tr)) => {
                    assert_eq!(tr.after.id, case.id);
                    let (first, last) = (tr.events.first(), tr.events.last());
                    assert_eq!(
                        first.and_then(|e| e.from),
                        Some(*status),
                        "{name} from {status:?}: first event"
                    );
                    assert_eq!(
                        last.map(|e| e.to),
                        Some(tr.after.status),
                        "{name} from {status:?}: last event"
                    );
                }
                (true, Err(e)) => panic!("{name} from {status:?} refused: {e}"),
                (false, Ok(_)) => panic!("{name} from {status:?} allowed"),
                (false, Err(e)) => {
                    let want = if name == "rate" {
                        Refusal::NotClosed
                    } else {
                        Refusal::IllegalTransition {
                            action: cmd.name(),
                            from: *status,
                        }
                    };
                    assert_eq!(e, want, "{name} from {status:?}");
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 18 * 11);
}

#[test]
fn each_command_is_refused_to_every_other_role_with_403() {
    for (name, cmd, who, note) in commands() {
        let Who::Caller(c) = &who else { continue };
        for role in Role::ALL.into_iter().filter(|r| *r != c.role) {
            let case = case_in(S::Submitted);
            let got = run(&case, &cmd, &caller(role), note.clone(), Some(3));
            assert_eq!(
                got,
                Err(Refusal::Forbidden(Forbidden { role })),
                "{name} as {role:?}"
            );
        }
        // And the system's commands to every person.
    }
    for role in Role::ALL {
        let got = run(
            &case_in(S::Dispatched),
            &Command::Tick,
            &caller(role),
            None,
            None,
        );
        assert_eq!(got, Err(Refusal::SystemOnly { action: "timer" }));
    }
}
