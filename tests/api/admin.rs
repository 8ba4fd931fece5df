//! Administration over HTTP: areas from GeoJSON, units, routing rules,
//! categories, the calendar and accounts; invalid input changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{ADMIN, DISPATCHER, expect_error, spawn_app};
use serde_json::{Value, json};

fn square(code: &str, name: &str, level: &str, parent: &str, x0: f64, y0: f64, d: f64) -> Value {
    json!({"type": "Feature",
           "properties": {"code": code, "name": name, "level": level, "parentCode": parent},
           "geometry": {"type": "Polygon", "coordinates": [[[x0, y0], [x0 + d, y0], [x0 + d, y0 + d], [x0, y0 + d], [x0, y0]]]}})
}

#[tokio::test]
async fn areas_units_and_rules_route_new_reports() {
    let app = spawn_app().await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let areas_before: Value = app
        .get("/api/v1/admin/areas", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let n_before = areas_before.as_array().unwrap().len();
    let street = areas_before
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["level"] == "street" && a["name"].as_str().unwrap().contains("人民路"))
        .unwrap()["code"]
        .as_str()
        .unwrap()
        .to_owned();

    // A self-intersecting (bow-tie) polygon, and a grid without its parent: 400, nothing stored.
    let bowtie = json!({"type": "FeatureCollection", "features": [
        square("g-ok", "好网格", "grid", &street, 111.7000, 40.7900, 0.0005),
        {"type": "Feature", "properties": {"code": "g-bad", "name": "坏网格", "level": "grid", "parentCode": street},
         "geometry": {"type": "Polygon", "coordinates": [[[111.70, 40.79], [111.701, 40.791], [111.701, 40.79], [111.70, 40.791], [111.70, 40.79]]]}}
    ]});
    let r = app
        .post_json("/api/v1/admin/areas", Some(&admin), &bowtie)
        .await;
    let body = expect_error(r, 400, "invalid_polygon").await;
    assert_eq!(body["details"]["feature"], 1);
    let r = app
        .post_json(
            "/api/v1/admin/areas",
            Some(&admin),
            &json!({"type": "Point", "coordinates": [1, 2]}),
        )
        .await;
    expect_error(r, 400, "invalid_geojson").await;
    let orphan = json!({"type": "FeatureCollection", "features": [square("g-x", "x", "grid", "nope", 111.70, 40.79, 0.001)]});
    expect_error(
        app.post_json("/api/v1/admin/areas", Some(&admin), &orphan)
            .await,
        400,
        "unknown_area",
    )
    .await;
    let after_bad: Value = app
        .get("/api/v1/admin/areas", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        after_bad.as_array().unwrap().len(),
        n_before,
        "invalid imports change nothing"
    );

    // A new unit under the district bureau, a small grid, a rule for it.
    let r = app
        .post_json("/api/v1/admin/units", Some(&admin),
            &json!({"code": "sh-grid-team", "name": "人民路网格化执法队", "kind": "chengguan", "parentCode": "sh-cgj"}))
        .await;
    assert_eq!(r.status(), 200);
    let grid = json!({"type": "FeatureCollection", "features": [square("g-renmin-1", "人民路一号网格", "grid", &street, 111.6995, 40.7895, 0.001)]});
    let r = app
        .post_json("/api/v1/admin/areas", Some(&admin), &grid)
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let missing_unit = app
        .post_json(
            "/api/v1/admin/routing-rules",
            Some(&admin),
            &json!({"categoryCode": "0301", "areaCode": "g-renmin-1", "unitCode": "no-such-unit"}),
        )
        .await;
    expect_error(missing_unit, 422, "unknown_unit").await;
    let r = app
        .post_json(
            "/api/v1/admin/routing-rules",
            Some(&admin),
            &json!({"categoryCode": "03", "areaCode": "g-renmin-1", "unitCode": "sh-grid-team"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let dup = app
        .post_json(
            "/api/v1/admin/routing-rules",
            Some(&admin),
            &json!({"categoryCode": "03", "areaCode": "g-renmin-1", "unitCode": "sh-cgj"}),
        )
        .await;
    expect_error(dup, 409, "rule_exists").await;

    // Inside the new grid: the most specific area and its rule win.
    let citizen = app.citizen("routed").await;
    let inside = app.submit(&citizen, "0301", 40.79, 111.70).await;
    assert_eq!(inside["area"]["code"], "g-renmin-1");
    let c = app.case(&disp, inside["id"].as_str().unwrap()).await;
    assert_eq!(c["routedUnit"]["code"], "sh-grid-team");
    assert_eq!(
        c["timeline"][0]["data"]["routing"]["ruleAreaCode"],
        "g-renmin-1"
    );
    assert_eq!(c["timeline"][0]["data"]["routing"]["ruleCategory"], "large");
    // Outside it: the district's unit as before.
    let outside = app.submit(&citizen, "0301", 40.80, 111.71).await;
    let c = app.case(&disp, outside["id"].as_str().unwrap()).await;
    assert_eq!(c["routedUnit"]["code"], "sh-cgj");

    expect_error(
        app.get("/api/v1/admin/areas", Some(&disp)).await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn the_calendar_answers_deadlines_and_refuses_bad_files() {
    let app = spawn_app().await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let due = |from: &str, amount: u32, unit: &str| {
        let q = format!(
            "/api/v1/admin/calendar/due?from={}&amount={amount}&unit={unit}",
            from.replace('+', "%2B")
        );
        let app = &app;
        let admin = admin.clone();
        async move {
            let v: Value = app.get(&q, Some(&admin)).await.json().await.unwrap();
            v["due"].as_str().unwrap().to_owned()
        }
    };

    // National Day 2026: Wed 30 Sep 17:00 + 1 working hour → Thu 8 Oct 09:00.
    assert_eq!(
        due("2026-09-30T17:00:00+08:00", 1, "work_hours").await,
        "2026-10-08T09:00:00+08:00"
    );
    // 调休: Sat 10 Oct 2026 is a working day.
    assert_eq!(
        due("2026-10-09T17:00:00+08:00", 1, "work_hours").await,
        "2026-10-10T09:00:00+08:00"
    );
    // Natural hours ignore the calendar.
    assert_eq!(
        due("2026-10-01T10:00:00+08:00", 2, "natural_hours").await,
        "2026-10-01T12:00:00+08:00"
    );

    let cal: Value = app
        .get("/api/v1/admin/calendar", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cal["workingHours"], "08:30-12:00,13:30-17:30");
    let years: Vec<i64> = cal["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["year"].as_i64().unwrap())
        .collect();
    assert_eq!(years, [2025, 2026]);

    // A file with a bad date: 400, nothing changes.
    let bad = json!({"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}, {"name": "x", "date": "2027-02-30", "isOffDay": true}]});
    expect_error(
        app.post_json("/api/v1/admin/calendar/years", Some(&admin), &bad)
            .await,
        400,
        "invalid_calendar",
    )
    .await;
    let cal: Value = app
        .get("/api/v1/admin/calendar", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cal["years"].as_array().unwrap().len(), 2);

    // Next year's file, when published.
    let y2027 =
        json!({"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]});
    let r = app
        .post_json("/api/v1/admin/calendar/years", Some(&admin), &y2027)
        .await;
    assert_eq!(r.status(), 200);
    // Thu 31 Dec 2026 17:00 + 1 h: 1 Jan 2027 (Fri) off, weekend → Mon 4 Jan.
    assert_eq!(
        due("2026-12-31T17:00:00+08:00", 1, "work_hours").await,
        "2027-01-04T09:00:00+08:00"
    );

    // Working hours of the day.
    let bad_hours = app
        .http
        .put(app.url("/api/v1/admin/calendar/hours"))
        .bearer_auth(&admin)
        .json(&json!({"workingHours": "12:00-08:00"}))
        .send()
        .await
        .unwrap();
    expect_error(bad_hours, 400, "invalid_periods").await;
    let ok = app
        .http
        .put(app.url("/api/v1/admin/calendar/hours"))
        .bearer_auth(&admin)
        .json(&json!({"workingHours": "09:00-12:00,14:00-18:00"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(
        due("2026-11-23T11:00:00+08:00", 2, "work_hours").await,
        "2026-11-23T15:00:00+08:00"
    );
}

#[tokio::test]
async fn categories_and_accounts_are_managed_by_admins() {
    let app = spawn_app().await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let r = app
        .post_json("/api/v1/admin/categories", Some(&admin), &json!({"code": "0399", "name": "共享单车乱停放", "parentCode": "03",
            "timeLimit": 2, "limitUnit": "natural_hours", "acceptLimitHours": 1, "manualReview": false, "closeCriterion": "车辆摆放整齐"}))
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let no_limit = app
        .post_json(
            "/api/v1/admin/categories",
            Some(&admin),
            &json!({"code": "0398", "name": "x", "parentCode": "03"}),
        )
        .await;
    expect_error(no_limit, 400, "invalid_time_limit").await;
    let own_parent = app
        .post_json(
            "/api/v1/admin/categories",
            Some(&admin),
            &json!({"code": "03", "name": "街面秩序", "parentCode": "03",
            "timeLimit": 2, "limitUnit": "work_hours", "acceptLimitHours": 1}),
        )
        .await;
    expect_error(own_parent, 422, "invalid_parent").await;
    let tree: Value = app
        .get("/api/v1/categories", None)
        .await
        .json()
        .await
        .unwrap();
    let found = tree
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["children"].as_array().unwrap().clone())
        .any(|c| c["code"] == "0399");
    assert!(found, "new categories show in the tree");

    // An automatic natural-hours category: dispatched at once, due two hours later.
    let citizen = app.citizen("bikes").await;
    let r = app.submit(&citizen, "0399", 40.79, 111.70).await;
    assert_eq!(r["status"], "dispatched");
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let c = app.case(&disp, r["id"].as_str().unwrap()).await;
    let created = chrono::DateTime::parse_from_rfc3339(c["createdAt"].as_str().unwrap()).unwrap();
    let due =
        chrono::DateTime::parse_from_rfc3339(c["deadlines"]["dueAt"].as_str().unwrap()).unwrap();
    // Two hours, rounded up to the whole minute (a deadline's precision).
    let over = (due - created - chrono::Duration::hours(2)).num_milliseconds();
    assert!((0..60_000).contains(&over), "{created} → {due}");
    assert_eq!(chrono::Timelike::second(&due), 0, "{due}");

    let r = app
        .post_json("/api/v1/admin/accounts", Some(&admin), &json!({"username": "sh-2", "password": "Strong#2026", "role": "unit_member", "unitCode": "sh-cgj"}))
        .await;
    assert_eq!(r.status(), 200);
    let token = app.staff("sh-2", "Strong#2026").await;
    assert!(!token.is_empty());
    let bad_unit = app
        .post_json("/api/v1/admin/accounts", Some(&admin), &json!({"username": "sh-3", "password": "Strong#2026", "role": "unit_member", "unitCode": "nope"}))
        .await;
    expect_error(bad_unit, 422, "unknown_unit").await;
    let list: Value = app
        .get("/api/v1/admin/accounts", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|a| a["username"] == "sh-2")
    );
}

#[tokio::test]
async fn concurrent_creations_of_one_username_give_one_account_and_conflicts_never_a_500() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let body = json!({"username": "twin", "password": "Strong#2026", "role": "dispatcher"});

    // Act: the same account, eight times at once.
    let responses = futures_util::future::join_all(
        (0..8).map(|_| app.post_json("/api/v1/admin/accounts", Some(&admin), &body)),
    )
    .await;

    // Assert: the database lets exactly one through; the others are told why.
    let mut created = 0;
    for r in responses {
        if matches!(r.status().as_u16(), 200 | 201) {
            created += 1;
        } else {
            expect_error(r, 409, "username_taken").await;
        }
    }
    assert_eq!(created, 1, "exactly one creation succeeds");
    let list: Value = app
        .get("/api/v1/admin/accounts", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let twins = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["username"] == "twin")
        .count();
    assert_eq!(twins, 1);
    assert!(!app.staff("twin", "Strong#2026").await.is_empty());
}

#[tokio::test]
async fn the_cli_gives_staff_roles_only() {
    // Arrange: a migrated database the CLI and a node share.
    let tmp = tempfile::tempdir().unwrap();
    let c = common::test_config(tmp.path()).await;
    let create = |username: &str, role: &str| {
        common::process::command(
            &c,
            &[
                "admin",
                "create-account",
                "--username",
                username,
                "--password",
                "Cli@2026pass",
                "--role",
                role,
            ],
        )
        .output()
        .unwrap()
    };

    // Act
    let integrator = create("cli-integrator", "integrator");
    let citizen = create("cli-citizen", "citizen");
    let dispatcher = create("cli-dispatcher", "dispatcher");

    // Assert: an integrator (an api_key, no login) and a citizen (WeChat)
    // are refused with the reason; a staff role is made and logs in.
    for out in [&integrator, &citizen] {
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("role must be"), "{err}");
    }
    assert!(
        dispatcher.status.success(),
        "{}",
        String::from_utf8_lossy(&dispatcher.stderr)
    );
    let app = common::start(c, tmp).await;
    let login = |u: &'static str| {
        let body = json!({"username": u, "password": "Cli@2026pass"});
        let app = &app;
        async move { app.post_json("/api/v1/auth/password", None, &body).await }
    };
    assert_eq!(login("cli-dispatcher").await.status(), 200);
    assert_eq!(login("cli-integrator").await.status(), 401);
}
