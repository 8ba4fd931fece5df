"""The whole system under a city's load (issue 26 point 4), for Locust.

Four kinds of users, spread over the nodes named in SSP_LOAD_NODES
(comma-separated base URLs), each user on one node as a load balancer
with sticky connections would put it:

- citizens: log in, upload a phone photo (as the mini-program sends it,
  recompressed to 1920 px), file a report, look at their reports and at
  what is already reported nearby;
- unit workers (the demo units' accounts): work their inbox — list,
  claim, upload an after-photo, resolve;
- staff (dispatcher): accept and dispatch what citizens filed, verify
  what units resolved, and watch the map, the choropleth, the header and
  a year of indicators;
- live-feed listeners (the console's SSE feed), each holding a stream.

The load steps up (SSP_LOAD_STEPS users, SSP_LOAD_STEP_SECS each); every
request is also counted per step, so that each step has its own rate,
p50, p99 and errors (written to SSP_LOAD_OUT as JSON when the run ends).
"""

import json
import os
import random
import threading
import time
import uuid
from collections import defaultdict

from locust import HttpUser, LoadTestShape, between, events, task

NODES = [n for n in os.environ.get("SSP_LOAD_NODES", "http://127.0.0.1:8080").split(",") if n]
STEPS = [int(s) for s in os.environ.get("SSP_LOAD_STEPS", "20,40,80").split(",")]
STEP_SECS = int(os.environ.get("SSP_LOAD_STEP_SECS", "120"))
OUT = os.environ.get("SSP_LOAD_OUT", "load-steps.json")
SPAWN_RATE = float(os.environ.get("SSP_LOAD_SPAWN_RATE", "5"))
PHOTOS = [p for p in os.environ.get("SSP_LOAD_PHOTOS", "").split(",") if p]
CATEGORIES = ["0101", "0102", "0201", "0202", "0301", "0302", "0303", "0401", "0501", "0601"]
UNITS = ["hhht-cgj", "xc-cgj", "hm-cgj", "yq-cgj", "sh-cgj", "hhht-hw", "hhht-yl", "hhht-jj", "xc-hlr-jd", "sh-rml-jd"]
# The demo city (呼和浩特): where citizens stand.
LAT, LNG = (40.75, 40.90), (111.55, 111.80)

_photo_bytes = [open(p, "rb").read() for p in PHOTOS]
_next_node = [0]
_lock = threading.Lock()


def pick_node():
    with _lock:
        n = NODES[_next_node[0] % len(NODES)]
        _next_node[0] += 1
    return n


# Per step: name -> [response times in ms], errors, and the step's start.
_started = [None]
_by_step = defaultdict(lambda: defaultdict(list))
_errors = defaultdict(lambda: defaultdict(int))


def step_now():
    """The step running now; None before the start and after the last
    step (requests finishing while Locust stops are not counted)."""
    if _started[0] is None:
        return None
    s = int((time.time() - _started[0]) // STEP_SECS)
    return s if s < len(STEPS) else None


@events.test_start.add_listener
def _start(environment, **_):
    _started[0] = time.time()


@events.request.add_listener
def _count(request_type, name, response_time, exception, **_):
    s = step_now()
    if s is None:
        return
    _by_step[s][f"{request_type} {name}"].append(response_time)
    if exception is not None:
        _errors[s][f"{request_type} {name}"] += 1


@events.quitting.add_listener
def _write(environment, **_):
    def pct(xs, q):
        xs = sorted(xs)
        return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else None

    out = []
    for s, users in enumerate(STEPS):
        ops = {}
        for name, xs in sorted(_by_step[s].items()):
            ops[name] = {
                "count": len(xs),
                "rate": round(len(xs) / STEP_SECS, 2),
                "p50_ms": pct(xs, 0.50),
                "p99_ms": pct(xs, 0.99),
                "errors": _errors[s].get(name, 0),
            }
        begin = (_started[0] or 0) + s * STEP_SECS
        out.append({"step": s, "users": users, "start": begin, "secs": STEP_SECS, "ops": ops})
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)


class StepLoad(LoadTestShape):
    """SSP_LOAD_STEPS users, SSP_LOAD_STEP_SECS each, then stop."""

    def tick(self):
        t = self.get_run_time()
        s = int(t // STEP_SECS)
        if s >= len(STEPS):
            return None
        # People arrive over a minute or so, not all in the same second.
        return (STEPS[s], SPAWN_RATE)


def code(resp):
    """The error body's `code`, if any."""
    try:
        return resp.json().get("code")
    except ValueError:
        return None


def ok(resp, *codes):
    """Marks anything but `codes` as a failure, with the body to read."""
    if resp.status_code not in codes:
        resp.failure(f"{resp.status_code}: {resp.text[:200]}")
        return False
    resp.success()
    return True


class Node(HttpUser):
    abstract = True
    # Each user moves to a node of its own in `on_start`.
    host = NODES[0]

    def on_start(self):
        self.client.base_url = pick_node()

    def auth(self):
        return {"authorization": f"Bearer {self.token}"}

    def upload(self):
        # Every photo a phone takes is new: the same bytes twice would be
        # the same upload (the service gives back the first).
        body = random.choice(_photo_bytes) + os.urandom(16)
        with self.client.post(
            "/api/v1/media",
            files={"file": ("photo.jpg", body, "image/jpeg")},
            headers=self.auth(),
            name="/api/v1/media",
            catch_response=True,
        ) as r:
            return r.json()["id"] if ok(r, 200, 201) else None

    def password_login(self, username, password):
        # As the console does: `503 login_busy` (the password checks a node
        # runs at once are spent) is tried again a moment later; each such
        # answer is counted under a name of its own.
        for attempt in range(20):
            with self.client.post(
                "/api/v1/auth/password",
                json={"username": username, "password": password},
                name="/api/v1/auth/password" if attempt == 0 else "/api/v1/auth/password (retry)",
                catch_response=True,
            ) as r:
                if r.status_code == 503 and code(r) == "login_busy" and attempt < 19:
                    r.failure("503 login_busy (tried again)")
                    time.sleep(random.uniform(1, 3))
                    continue
                if ok(r, 200):
                    self.token = r.json()["token"]
                return

    def act(self, case, action, body, name):
        body = {"expectedVersion": case["version"], **body}
        with self.client.post(
            f"/api/v1/cases/{case['id']}/{action}",
            json=body,
            headers=self.auth(),
            name=name,
            catch_response=True,
        ) as r:
            # Two people acting on one case at once: the second is told
            # `409 version_conflict`, an answer, counted apart; any other
            # refusal is an error.
            if r.status_code == 409 and code(r) == "version_conflict":
                r.success()
                events.request.fire(
                    request_type="POST",
                    name=f"{name} (409 version_conflict)",
                    response_time=r.elapsed.total_seconds() * 1000,
                    response_length=0,
                    exception=None,
                    context={},
                )
                return
            ok(r, 200)

    def cases(self, query, name):
        with self.client.get(
            f"/api/v1/cases?{query}&limit=20", headers=self.auth(), name=name, catch_response=True
        ) as r:
            return r.json()["items"] if ok(r, 200) else []


class Citizen(Node):
    weight = 12
    wait_time = between(5, 15)

    def on_start(self):
        super().on_start()
        with self.client.post(
            "/api/v1/auth/dev",
            json={"openid": f"load-{uuid.uuid4()}"},
            name="/api/v1/auth/dev",
            catch_response=True,
        ) as r:
            if ok(r, 200):
                self.token = r.json()["token"]

    @task(3)
    def report(self):
        media = self.upload()
        if media is None:
            return
        lat, lng = random.uniform(*LAT), random.uniform(*LNG)
        with self.client.post(
            "/api/v1/reports",
            json={
                "categoryCode": random.choice(CATEGORIES),
                "description": "路边有乱堆放的垃圾，影响通行",
                "location": {"lat": lat, "lng": lng, "coordSystem": "wgs84"},
                "mediaIds": [media],
            },
            headers={**self.auth(), "Idempotency-Key": str(uuid.uuid4())},
            name="/api/v1/reports",
            catch_response=True,
        ) as r:
            ok(r, 200, 201)

    @task(2)
    def my_reports(self):
        with self.client.get("/api/v1/me/reports", headers=self.auth(), name="/api/v1/me/reports", catch_response=True) as r:
            ok(r, 200)

    @task(2)
    def nearby(self):
        lat, lng = random.uniform(*LAT), random.uniform(*LNG)
        with self.client.get(
            f"/api/v1/reports/nearby?lat={lat}&lng={lng}&categoryCode={random.choice(CATEGORIES)}",
            headers=self.auth(),
            name="/api/v1/reports/nearby",
            catch_response=True,
        ) as r:
            ok(r, 200)


class UnitWorker(Node):
    weight = 4
    wait_time = between(3, 8)

    def on_start(self):
        super().on_start()
        self.unit = random.choice(UNITS)
        self.password_login(self.unit, "Unit@2026")

    @task(3)
    def inbox(self):
        # Its own unit's cases (a parent unit also sees its units' cases,
        # which only they act on).
        items = self.cases(
            f"unit={self.unit}&status=dispatched&status=in_progress&status=reopened", "/api/v1/cases (unit inbox)"
        )
        fresh = [c for c in items if c["status"] in ("dispatched", "reopened")]
        if fresh:
            self.act(random.choice(fresh), "claim", {}, "/api/v1/cases/{id}/claim")

    @task(2)
    def resolve(self):
        items = self.cases(f"unit={self.unit}&status=in_progress", "/api/v1/cases (unit in progress)")
        if not items:
            return
        case = random.choice(items)
        media = self.upload()
        if media is not None:
            self.act(case, "resolve", {"note": "已清理", "mediaIds": [media]}, "/api/v1/cases/{id}/resolve")


class Staff(Node):
    weight = 2
    wait_time = between(3, 8)
    BBOX = "111.4,40.6,112.0,41.0"

    def on_start(self):
        super().on_start()
        self.password_login("dispatcher", "Dispatch@2026")

    @task(3)
    def triage(self):
        items = self.cases("status=submitted", "/api/v1/cases (submitted)")
        if items:
            case = random.choice(items)
            self.act(case, "accept", {}, "/api/v1/cases/{id}/accept")
        items = self.cases("status=accepted", "/api/v1/cases (accepted)")
        if items:
            self.act(random.choice(items), "dispatch", {}, "/api/v1/cases/{id}/dispatch")

    @task(1)
    def verify(self):
        items = self.cases("status=resolved", "/api/v1/cases (resolved)")
        if items:
            self.act(random.choice(items), "verify", {"outcome": "close"}, "/api/v1/cases/{id}/verify")

    def get(self, path, name):
        with self.client.get(path, headers=self.auth(), name=name, catch_response=True) as r:
            ok(r, 200)

    @task(3)
    def map(self):
        self.get(f"/api/v1/map/clusters?bbox={self.BBOX}&zoom=10", "/api/v1/map/clusters (city)")
        self.get("/api/v1/map/clusters?bbox=111.62,40.78,111.70,40.84&zoom=14", "/api/v1/map/clusters (z14)")
        self.get(f"/api/v1/map/heatmap?bbox={self.BBOX}&zoom=11", "/api/v1/map/heatmap")
        self.get("/api/v1/map/areas?level=district&zoom=10", "/api/v1/map/areas")
        self.get("/api/v1/stats/summary", "/api/v1/stats/summary")

    @task(1)
    def indicators(self):
        today = time.strftime("%Y-%m-%d")
        year_ago = time.strftime("%Y-%m-%d", time.localtime(time.time() - 364 * 86400))
        self.get(f"/api/v1/stats/indicators?from={year_ago}&to={today}&groupBy=unit", "/api/v1/stats/indicators (year by unit)")


class FeedListener(Node):
    """The console's live feed: a stream held open, its events counted."""

    weight = 2
    wait_time = between(1, 2)

    def on_start(self):
        super().on_start()
        self.password_login("supervisor", "Supervise@2026")

    @task
    def listen(self):
        start = time.time()
        events_seen = 0
        failure = None
        try:
            with self.client.get(
                "/api/v1/events",
                headers={**self.auth(), "accept": "text/event-stream"},
                stream=True,
                timeout=(5, 90),
                name="/api/v1/events (connect)",
                catch_response=True,
            ) as r:
                if not ok(r, 200):
                    return
                for line in r.iter_lines():
                    if line.startswith(b"data:"):
                        events_seen += 1
                    if time.time() - start > 60:
                        break
        except Exception as e:  # a stream cut by the server
            failure = e
        events.request.fire(
            request_type="SSE",
            name="/api/v1/events (60 s held)",
            response_time=(time.time() - start) * 1000,
            response_length=events_seen,
            exception=failure,
            context={},
        )
