#!/usr/bin/env python3
"""Years of history for SQLite, as decade.sql does for PostgreSQL.

Copies the seeded year of SRC (a `target/bench-city-<N>.sqlite` that
`cargo bench --bench command_centre -- N sqlite` seeded) into DEST with
COPIES more copies of the year's cases, each k = 1..COPIES years earlier,
with new UUIDv7 ids made from their shifted filing time and their own case
numbers (`SSP-H<k>-...`); a copy of a case still open is closed three days
after it was filed (the open cases of a city are its last months, not its
whole history). Timeline entries are not copied: the command centre reads
cases only.

    python3 benches/sql/decade_sqlite.py target/bench-city-1000000.sqlite \
        target/bench-city-5000000.sqlite 4

Only Python's standard library. Times are stored as RFC 3339 text (as sqlx
writes them); SQLite's date functions shift them (29 February k years
earlier is 1 March) and write them back as RFC 3339 in UTC, to the
millisecond.
"""

import datetime as dt
import os
import re
import sqlite3
import sys

OPEN = ("submitted", "accepted", "dispatched", "returned", "in_progress",
        "resolved", "reopened", "suspended")
# Timer columns a closed copy no longer has.
CLEARED = ("next_escalation_at", "timer_at", "suspended_from")

FRACTION = re.compile(r"(\.\d{1,6})\d*")


def uuid7(created: str) -> bytes:
    """A UUIDv7 whose time is `created` (RFC 3339 text)."""
    t = dt.datetime.fromisoformat(FRACTION.sub(r"\1", created, count=1))
    ms = int(t.timestamp() * 1000)
    rand = bytearray(os.urandom(10))
    rand[0] = 0x70 | (rand[0] & 0x0F)  # version 7
    rand[2] = 0x80 | (rand[2] & 0x3F)  # RFC 4122 variant
    return ms.to_bytes(6, "big") + bytes(rand)


def shifted(col: str, k: int) -> str:
    """SQL for the text time `col`, k years earlier (NULL stays NULL)."""
    return (f"CASE WHEN {col} IS NULL THEN NULL ELSE "
            f"strftime('%Y-%m-%dT%H:%M:%f', {col}, '-{k} years') || '+00:00' END")


def plus_days(col: str, days: int) -> str:
    """SQL for the text time `col` plus whole days, in UTC RFC 3339."""
    return f"strftime('%Y-%m-%dT%H:%M:%f', {col}, '+{days} days') || '+00:00'"


def main() -> None:
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    src, dest, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if not os.path.exists(src):
        sys.exit(f"no {src}: seed it first (see above)")
    if os.path.exists(dest):
        sys.exit(f"{dest} exists: delete it first")
    s = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    with sqlite3.connect(dest) as d:
        s.backup(d)
    s.close()
    db = sqlite3.connect(dest)
    db.create_function("uuid7", 1, uuid7, deterministic=False)
    cols = [r[1] for r in db.execute("PRAGMA table_info(cases)")]
    (fmt,) = db.execute("SELECT created_at FROM cases LIMIT 1").fetchone()
    if not re.match(r"^\d{4}-\d\d-\d\dT", fmt):
        sys.exit(f"times are not stored as RFC 3339 text: {fmt!r}")
    still_open = "status IN (" + ",".join(f"'{s}'" for s in OPEN) + ")"
    for k in range(1, copies + 1):
        exprs = []
        for c in cols:
            if c == "id":
                e = f"uuid7({shifted('created_at', k)})"
            elif c == "case_no":
                e = f"'SSP-H{k}-' || substr(case_no, 5)"
            elif c == "status":
                e = f"CASE WHEN {still_open} THEN 'closed' ELSE status END"
            elif c in CLEARED:
                e = "NULL"
            elif c == "resolved_at":
                e = shifted(f"COALESCE(resolved_at, {plus_days('created_at', 2)})", k)
            elif c == "closed_at":
                e = shifted(f"CASE WHEN {still_open} THEN {plus_days('created_at', 3)} "
                            "ELSE closed_at END", k)
            elif c.endswith("_at"):
                e = shifted(c, k)
            else:
                e = c
            exprs.append(e)
        db.execute(
            f"INSERT INTO cases ({', '.join(cols)}) SELECT {', '.join(exprs)} "
            "FROM cases WHERE case_no NOT LIKE 'SSP-H%' ORDER BY created_at")
        db.commit()
        print(f"copy {k} done", flush=True)
    db.execute("ANALYZE")
    db.commit()
    (n,) = db.execute("SELECT count(*) FROM cases").fetchone()
    print(f"{dest}: {n} cases")


if __name__ == "__main__":
    main()
