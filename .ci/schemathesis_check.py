"""Compares schemathesis findings (NDJSON reports) with the allow-list.

The allow-list is tab-separated: check code, operation (`METHOD /path`, or
`*` for every operation), reason. Every finding must match a line; the
reasons are printed with the findings they excuse. Exit 1 on any other.
A code `ERROR:<text>` excuses schemathesis's own errors whose message
contains <text> (a fault of the tool, on whichever operation it strikes).
"""

import base64
import json
import sys


def findings(paths):
    seen = {}
    for path in paths:
        for line in open(path, encoding="utf-8"):
            record = json.loads(line)
            if "NonFatalError" in record or "FatalError" in record:
                err = record.get("NonFatalError") or record.get("FatalError")
                label = err.get("label") or err.get("value", {}).get("title", "run")
                seen.setdefault(("ERROR", str(label)), ("error", json.dumps(err)[:300], "", None, ""))
                continue
            event = record.get("ScenarioFinished")
            if not event or event.get("status") != "failure":
                continue
            rec = event["recorder"]
            for case_id, checks in rec["checks"].items():
                for check in checks:
                    if check["status"] != "failure":
                        continue
                    failure = check["failure_info"]["failure"]
                    key = (failure["code"], rec["label"])
                    if key in seen:
                        continue
                    inter = rec["interactions"].get(case_id, {})
                    resp = inter.get("response") or {}
                    body = ""
                    if resp.get("content"):
                        body = base64.b64decode(resp["content"]["$base64"]).decode(errors="replace")
                    req = inter.get("request", {})
                    seen[key] = (
                        failure["title"],
                        failure["message"].replace("\n", " ")[:300],
                        f'{req.get("method")} {req.get("uri", "")}'[:200],
                        resp.get("status_code"),
                        body[:200],
                    )
    return seen


def main():
    allow = []
    for line in open(sys.argv[1], encoding="utf-8"):
        if not line.strip() or line.startswith("#"):
            continue
        code, operation, reason = line.rstrip("\n").split("\t", 2)
        allow.append((code, operation, reason))
    found = findings(sys.argv[2:])
    bad = 0
    for (code, operation), (title, message, request, status, body) in sorted(found.items()):
        reasons = [
            r
            for c, o, r in allow
            if o in ("*", operation)
            and (c == code or (code == "ERROR" and c.startswith("ERROR:") and c[6:] in message))
        ]
        if reasons:
            print(f"allowed  {code} {operation}: {reasons[0]}")
            continue
        bad += 1
        print(f"FINDING  {code} {title}: {operation}\n  {message}\n  {request} -> {status} {body}")
    print(f"{len(found)} findings, {bad} not in the allow-list")
    sys.exit(1 if bad else 0)


main()
