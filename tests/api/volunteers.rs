//! Volunteers (志愿者): teams joined with a code, left, and members removed
//! by the leader; check-ins on site only (in either datum); patrols that
//! close themselves at the city's cap; the hours they count.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{ADMIN, TestApp, expect_error, spawn_app};
use serde_json::{Value, json};

/// The spot's centre (WGS-84), inside the demo city's service area.
const LAT: f64 = 40.79;
const LNG: f64 = 111.70;

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut r = app.http.request(method, app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await.unwrap()
}

async fn ok(r: reqwest::Response, status: u16) -> Value {
    let got = r.status().as_u16();
    let text = r.text().await.unwrap();
    assert_eq!(got, status, "{text}");
    if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap()
    }
}

async fn user_id(app: &TestApp, token: &str) -> String {
    let me = ok(app.get("/api/v1/me", Some(token)).await, 200).await;
    me["id"].as_str().unwrap().to_owned()
}

/// A team with one spot (radius 100 m at LAT, LNG), its leader a citizen
/// who joined with the code; returns (team, spot, code, leader's token).
async fn team_with_spot(
    app: &TestApp,
    admin: &str,
    name: &str,
) -> (String, String, String, String) {
    team_led_by(app, admin, name, "王队长").await
}

/// The same, its leader serving under `leader_name`.
async fn team_led_by(
    app: &TestApp,
    admin: &str,
    name: &str,
    leader_name: &str,
) -> (String, String, String, String) {
    let team = ok(
        app.post_json("/api/v1/admin/teams", Some(admin), &json!({"name": name}))
            .await,
        200,
    )
    .await;
    let (id, code) = (
        team["id"].as_str().unwrap().to_owned(),
        team["joinCode"].as_str().unwrap().to_owned(),
    );
    let spot = ok(
        app.post_json(
            &format!("/api/v1/admin/teams/{id}/spots"),
            Some(admin),
            &json!({
                "name": "新华广场", "radiusM": 100,
                "location": {"lat": LAT, "lng": LNG, "coordSystem": "wgs84"},
                "times": [{"weekdays": [6, 7], "from": "08:00", "to": "11:00"}],
            }),
        )
        .await,
        200,
    )
    .await;
    let leader = app.citizen(&format!("{name}-leader")).await;
    let joined = ok(
        app.post_json(
            "/api/v1/me/team",
            Some(&leader),
            &json!({"joinCode": code.to_lowercase(), "name": leader_name}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(joined["role"], "member");
    let leader_id = user_id(app, &leader).await;
    let named = ok(
        send(
            app,
            reqwest::Method::PUT,
            &format!("/api/v1/admin/teams/{id}/leader"),
            admin,
            Some(json!({"userId": leader_id})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(named["leader"]["name"], leader_name);
    (id, spot["id"].as_str().unwrap().to_owned(), code, leader)
}

async fn set_rules(app: &TestApp, admin: &str, cap: i32, slack: i32) {
    let body = json!({"patrolCapMinutes": cap, "checkInSlackM": slack});
    ok(
        send(
            app,
            reqwest::Method::PUT,
            "/api/v1/admin/volunteers/rules",
            admin,
            Some(body),
        )
        .await,
        200,
    )
    .await;
}

fn check_in_body(spot: &str, lat: f64, lng: f64, system: &str) -> Value {
    json!({"spotId": spot, "location": {"lat": lat, "lng": lng, "coordSystem": system}})
}

#[tokio::test]
async fn a_team_is_joined_with_its_code_and_left_and_its_leader_removes_members() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let (team, _, code, leader) = team_with_spot(&app, &admin, "青城志愿服务队").await;
    let other = ok(
        app.post_json(
            "/api/v1/admin/teams",
            Some(&admin),
            &json!({"name": "昭君路志愿服务队"}),
        )
        .await,
        200,
    )
    .await;
    let (a, b) = (app.citizen("vol-a").await, app.citizen("vol-b").await);

    // Act
    let joined = ok(
        app.post_json(
            "/api/v1/me/team",
            Some(&a),
            &json!({"joinCode": code, "name": "李四"}),
        )
        .await,
        200,
    )
    .await;
    let twice = app
        .post_json(
            "/api/v1/me/team",
            Some(&a),
            &json!({"joinCode": other["joinCode"], "name": "李四"}),
        )
        .await;
    let unknown = app
        .post_json(
            "/api/v1/me/team",
            Some(&b),
            &json!({"joinCode": "NOSUCHCD", "name": "赵五"}),
        )
        .await;
    ok(
        app.post_json(
            "/api/v1/me/team",
            Some(&b),
            &json!({"joinCode": code, "name": "赵五"}),
        )
        .await,
        200,
    )
    .await;
    let b_id = user_id(&app, &b).await;
    let by_member = send(
        &app,
        reqwest::Method::DELETE,
        &format!("/api/v1/teams/{team}/members/{b_id}"),
        &a,
        None,
    )
    .await;
    let by_leader = send(
        &app,
        reqwest::Method::DELETE,
        &format!("/api/v1/teams/{team}/members/{b_id}"),
        &leader,
        None,
    )
    .await;
    let leader_leaves = send(
        &app,
        reqwest::Method::DELETE,
        "/api/v1/me/team",
        &leader,
        None,
    )
    .await;
    let a_leaves = send(&app, reqwest::Method::DELETE, "/api/v1/me/team", &a, None).await;

    // Assert: the member sees the team and its spot but not the code; one
    // team per person; the leader (not a member) removes; a leader cannot leave.
    assert_eq!(joined["role"], "member");
    assert!(joined["team"].get("joinCode").is_none(), "{joined}");
    assert_eq!(joined["team"]["name"], "青城志愿服务队");
    assert_eq!(joined["spots"][0]["name"], "新华广场");
    expect_error(twice, 409, "already_in_team").await;
    expect_error(unknown, 404, "not_found").await;
    expect_error(by_member, 404, "not_found").await;
    assert_eq!(by_leader.status(), 204);
    expect_error(app.get("/api/v1/me/team", Some(&b)).await, 404, "not_found").await;
    expect_error(leader_leaves, 409, "leader_cannot_leave").await;
    assert_eq!(a_leaves.status(), 204);
    let mine = ok(app.get("/api/v1/me/team", Some(&leader)).await, 200).await;
    assert_eq!(mine["role"], "leader");
    assert_eq!(mine["team"]["joinCode"], code.as_str());
    assert_eq!(mine["team"]["members"], 1);
    let listed = ok(
        app.get(&format!("/api/v1/admin/teams/{team}"), Some(&admin))
            .await,
        200,
    )
    .await;
    let names: Vec<&str> = listed["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["王队长"]);
}

#[tokio::test]
async fn a_check_in_away_from_the_spot_is_refused_in_either_datum() {
    // Arrange: no slack beyond the 100 m radius.
    let app = spawn_app().await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    set_rules(&app, &admin, 240, 0).await;
    let (_, spot, _, leader) = team_with_spot(&app, &admin, "新城志愿服务队").await;
    let (gcj_lat, gcj_lng) =
        domain::geo::Wgs84::from_stored(LAT, LNG).in_system(domain::geo::CoordSystem::Gcj02);

    // Act
    // 300 m north, in WGS-84.
    let far = send(
        &app,
        reqwest::Method::POST,
        "/api/v1/me/patrols",
        &leader,
        Some(check_in_body(&spot, LAT + 0.0027, LNG, "wgs84")),
    )
    .await;
    // The centre in GCJ-02, but said to be WGS-84: some 500 m off.
    let mislabelled = send(
        &app,
        reqwest::Method::POST,
        "/api/v1/me/patrols",
        &leader,
        Some(check_in_body(&spot, gcj_lat, gcj_lng, "wgs84")),
    )
    .await;
    // The centre as WeChat's map gives it (GCJ-02), said so.
    let on_site = send(
        &app,
        reqwest::Method::POST,
        "/api/v1/me/patrols",
        &leader,
        Some(check_in_body(&spot, gcj_lat, gcj_lng, "gcj02")),
    )
    .await;
    let again = send(
        &app,
        reqwest::Method::POST,
        "/api/v1/me/patrols",
        &leader,
        Some(check_in_body(&spot, LAT, LNG, "wgs84")),
    )
    .await;
    let stranger = app.citizen("not-in-a-team").await;
    let outsider = send(
        &app,
        reqwest::Method::POST,
        "/api/v1/me/patrols",
        &stranger,
        Some(check_in_body(&spot, LAT, LNG, "wgs84")),
    )
    .await;

    // Assert
    let e = expect_error(far, 422, "too_far_from_spot").await;
    assert!(e["message"].as_str().unwrap().contains("300 m"), "{e}");
    assert_eq!(e["details"]["distanceM"], 300, "{e}");
    assert_eq!(e["details"]["allowedM"], 100, "{e}");
    expect_error(mislabelled, 422, "too_far_from_spot").await;
    let p = ok(on_site, 201).await;
    assert!(p["startDistanceM"].as_i64().unwrap() < 5, "{p}");
    assert_eq!(p["minutes"], 0);
    expect_error(again, 409, "patrol_open").await;
    expect_error(outsider, 404, "not_found").await;
}

#[tokio::test]
async fn an_open_patrol_closes_itself_at_the_cap_and_hours_add_up() {
    // Arrange: a one-hour cap.
    let app = spawn_app().await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    set_rules(&app, &admin, 60, 50).await;
    let (_, spot, _, v) = team_with_spot(&app, &admin, "北垣志愿服务队").await;
    let check_in = || {
        send(
            &app,
            reqwest::Method::POST,
            "/api/v1/me/patrols",
            &v,
            Some(check_in_body(&spot, LAT, LNG, "wgs84")),
        )
    };

    // Act: a patrol never checked out; then one of 45 minutes, with a report.
    let first = ok(check_in().await, 201).await;
    app.advance(chrono::Duration::minutes(30));
    let running = ok(app.get("/api/v1/me/patrols/current", Some(&v)).await, 200).await;
    app.advance(chrono::Duration::hours(5));
    let after_cap = app.get("/api/v1/me/patrols/current", Some(&v)).await;
    let late_out = app
        .post_json(
            &format!(
                "/api/v1/me/patrols/{}/check-out",
                first["id"].as_str().unwrap()
            ),
            Some(&v),
            &json!({}),
        )
        .await;
    let second = ok(check_in().await, 201).await;
    app.advance(chrono::Duration::minutes(20));
    app.submit(&v, "0201", LAT, LNG).await;
    app.advance(chrono::Duration::minutes(25));
    let out = ok(
        app.post_json(
            &format!(
                "/api/v1/me/patrols/{}/check-out",
                second["id"].as_str().unwrap()
            ),
            Some(&v),
            &json!({"location": {"lat": LAT, "lng": LNG, "coordSystem": "wgs84"}}),
        )
        .await,
        200,
    )
    .await;
    let mine = ok(app.get("/api/v1/me/patrols", Some(&v)).await, 200).await;

    // Assert: the first counts the cap (60), says it was capped, and a late
    // check-out is refused; the second counts 45 and its report.
    assert_eq!(running["minutes"], 30);
    assert_eq!(after_cap.status(), 204);
    expect_error(late_out, 409, "patrol_ended").await;
    assert_eq!(out["endedBy"], "checked_out");
    assert_eq!(out["minutes"], 45);
    assert_eq!(out["reports"], 1);
    let items = mine["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[1]["id"], first["id"]);
    assert_eq!(items[1]["endedBy"], "capped");
    assert_eq!(items[1]["minutes"], 60);
    assert_eq!(items[1]["reports"], 0);
    assert_eq!(mine["totalMinutes"], 105);
}

#[tokio::test]
async fn teams_and_spots_are_staffs_and_bad_spots_are_refused_whole() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let citizen = app.citizen("vol-not-staff").await;
    let team = ok(
        app.post_json(
            "/api/v1/admin/teams",
            Some(&admin),
            &json!({"name": "东河志愿服务队"}),
        )
        .await,
        200,
    )
    .await;
    let id = team["id"].as_str().unwrap();
    let spot = |times: Value| json!({"name": "站点", "radiusM": 100, "location": {"lat": LAT, "lng": LNG, "coordSystem": "wgs84"}, "times": times});

    // Act
    let by_citizen = app
        .post_json("/api/v1/admin/teams", Some(&citizen), &json!({"name": "x"}))
        .await;
    let same_name = app
        .post_json(
            "/api/v1/admin/teams",
            Some(&admin),
            &json!({"name": "东河志愿服务队"}),
        )
        .await;
    let backwards = app
        .post_json(
            &format!("/api/v1/admin/teams/{id}/spots"),
            Some(&admin),
            &spot(json!([{"weekdays": [1], "from": "11:00", "to": "08:00"}])),
        )
        .await;
    let sunday_zero = app
        .post_json(
            &format!("/api/v1/admin/teams/{id}/spots"),
            Some(&admin),
            &spot(json!([{"weekdays": [0], "from": "08:00", "to": "09:00"}])),
        )
        .await;
    let no_area = app.post_json(&format!("/api/v1/admin/teams/{id}/spots"), Some(&admin), &json!({"name": "站点", "radiusM": 100, "areaCode": "nowhere", "location": {"lat": LAT, "lng": LNG, "coordSystem": "wgs84"}})).await;

    // Assert: refused, and nothing of them written.
    expect_error(by_citizen, 403, "forbidden").await;
    expect_error(same_name, 409, "name_taken").await;
    expect_error(backwards, 400, "invalid_patrol_time").await;
    expect_error(sunday_zero, 400, "invalid_patrol_time").await;
    expect_error(no_area, 404, "not_found").await;
    let t = ok(
        app.get(&format!("/api/v1/admin/teams/{id}"), Some(&admin))
            .await,
        200,
    )
    .await;
    assert_eq!(t["spots"].as_array().unwrap().len(), 0);
    assert_eq!(app.count(entity::spot::Entity).await, 0);
}

#[tokio::test]
async fn hours_are_exported_and_ranked_by_month_as_counted_by_hand() {
    // Arrange: a one-hour cap; team 甲队 (王队长, 李四) and 乙队 (赵五).
    let app = spawn_app().await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    set_rules(&app, &admin, 60, 50).await;
    let (a, a_spot, a_code, leader) = team_led_by(&app, &admin, "甲队", "王队长").await;
    let (_, b_spot, _, zhao) = team_led_by(&app, &admin, "乙队", "赵五").await;
    let li = app.citizen("rank-li").await;
    ok(
        app.post_json(
            "/api/v1/me/team",
            Some(&li),
            &json!({"joinCode": a_code, "name": "李四"}),
        )
        .await,
        200,
    )
    .await;
    let outsider = app.citizen("rank-outsider").await;
    let check_in = |who: &str, spot: &str| {
        let body = check_in_body(spot, LAT, LNG, "wgs84");
        let who = who.to_owned();
        let app = &app;
        async move {
            ok(
                send(
                    app,
                    reqwest::Method::POST,
                    "/api/v1/me/patrols",
                    &who,
                    Some(body),
                )
                .await,
                201,
            )
            .await
        }
    };
    let check_out = |who: &str, p: &Value| {
        let path = format!("/api/v1/me/patrols/{}/check-out", p["id"].as_str().unwrap());
        let who = who.to_owned();
        let app = &app;
        async move { ok(app.post_json(&path, Some(&who), &json!({})).await, 200).await }
    };

    // Act: 30 November (the clock's first day), 李四 patrols 20 minutes.
    let p = check_in(&li, &a_spot).await;
    app.advance(chrono::Duration::minutes(20));
    check_out(&li, &p).await;
    // 1 December from 10:00: 王队长 45 + 30, 李四 50, 赵五 never checks out.
    app.advance(chrono::Duration::hours(24) - chrono::Duration::minutes(20));
    let (l1, l2) = (
        check_in(&leader, &a_spot).await,
        check_in(&li, &a_spot).await,
    );
    check_in(&zhao, &b_spot).await;
    app.advance(chrono::Duration::minutes(45));
    check_out(&leader, &l1).await;
    app.advance(chrono::Duration::minutes(5));
    check_out(&li, &l2).await;
    app.advance(chrono::Duration::minutes(10));
    let l3 = check_in(&leader, &a_spot).await;
    app.advance(chrono::Duration::minutes(30));
    check_out(&leader, &l3).await;
    let staff_view = ok(
        app.get("/api/v1/volunteers/rankings?month=2026-12", Some(&admin))
            .await,
        200,
    )
    .await;
    let li_view = ok(app.get("/api/v1/volunteers/rankings", Some(&li)).await, 200).await;
    let november = ok(
        app.get("/api/v1/volunteers/rankings?month=2026-11", Some(&admin))
            .await,
        200,
    )
    .await;
    let csv = app
        .get(
            &format!(
                "/api/v1/exports/volunteer-hours.csv?from=2026-12-01&to=2026-12-01&teamId={a}"
            ),
            Some(&admin),
        )
        .await;
    let by_leader = app
        .get(
            &format!(
                "/api/v1/exports/volunteer-hours.csv?from=2026-11-30&to=2026-12-01&teamId={a}"
            ),
            Some(&leader),
        )
        .await;
    let leader_all = app
        .get("/api/v1/exports/volunteer-hours.csv", Some(&leader))
        .await;
    let xlsx = app
        .get(
            "/api/v1/exports/volunteer-hours.xlsx?from=2026-12-01&to=2026-12-01",
            Some(&admin),
        )
        .await;
    let records = ok(
        app.get(
            "/api/v1/admin/patrols?from=2026-12-01&to=2026-12-01&limit=2",
            Some(&admin),
        )
        .await,
        200,
    )
    .await;

    // Assert: December by hand: 王队长 75 min (2), 赵五 60 (the cap, 1),
    // 李四 50 (1; his 20 November minutes are November's); 甲队 125 (3
    // patrols, 2 volunteers), 乙队 60.
    let rows = |v: &Value, k: &str| -> Vec<(String, i64, u64)> {
        v[k].as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["name"].as_str().unwrap().to_owned(),
                    r["minutes"].as_i64().unwrap(),
                    r["patrols"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(staff_view["month"], "2026-12");
    assert_eq!(
        rows(&staff_view, "volunteers"),
        [
            ("王队长".into(), 75, 2),
            ("赵五".into(), 60, 1),
            ("李四".into(), 50, 1)
        ]
    );
    assert_eq!(
        rows(&staff_view, "teams"),
        [("甲队".into(), 125, 3), ("乙队".into(), 60, 1)]
    );
    assert_eq!(staff_view["teams"][0]["volunteers"], 2);
    assert_eq!(staff_view["volunteers"][0]["rank"], 1);
    assert_eq!(rows(&li_view, "volunteers")[0].0, "王*");
    assert_eq!(rows(&november, "volunteers"), [("李四".into(), 20, 1)]);
    expect_error(
        app.get("/api/v1/volunteers/rankings", Some(&outsider))
            .await,
        403,
        "forbidden",
    )
    .await;

    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines,
        [
            "姓名,服务队,日期,开始时间,结束时间,时长(小时),地点,活动内容,结束方式",
            "王队长,甲队,2026-12-01,10:00,10:45,0.75,新华广场,文明巡访,已签退",
            "李四,甲队,2026-12-01,10:00,10:50,0.83,新华广场,文明巡访,已签退",
            "王队长,甲队,2026-12-01,11:00,11:30,0.50,新华广场,文明巡访,已签退",
        ]
    );
    let led = by_leader.text().await.unwrap();
    assert_eq!(led.lines().count(), 5, "{led}");
    expect_error(leader_all, 403, "forbidden").await;
    assert_eq!(xlsx.status(), 200);
    let sheet = sheet_xml(&xlsx.bytes().await.unwrap());
    assert!(
        sheet.contains("赵五") && sheet.contains("未签退，到时自动结束"),
        "{sheet}"
    );
    assert_eq!(records["items"].as_array().unwrap().len(), 2);
    let next = records["nextCursor"].as_str().unwrap();
    let rest = ok(
        app.get(
            &format!("/api/v1/admin/patrols?from=2026-12-01&to=2026-12-01&limit=2&cursor={next}"),
            Some(&admin),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 2);
    assert!(rest.get("nextCursor").is_none(), "{rest}");
}

#[tokio::test]
async fn leaving_or_deleting_the_account_ends_the_patrol_and_an_early_patrol_is_its_days() {
    // Arrange: 1 December, 07:30 China time (23:30 UTC the day before).
    let app = spawn_app().await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    set_rules(&app, &admin, 240, 50).await;
    let (team, spot, code, leader) = team_with_spot(&app, &admin, "早班志愿服务队").await;
    let (li, wang) = (
        app.citizen("early-li").await,
        app.citizen("early-wang").await,
    );
    for (who, name) in [(&li, "李四"), (&wang, "王五")] {
        ok(
            app.post_json(
                "/api/v1/me/team",
                Some(who),
                &json!({"joinCode": code, "name": name}),
            )
            .await,
            200,
        )
        .await;
    }
    app.advance(chrono::Duration::minutes(21 * 60 + 30));
    let body = check_in_body(&spot, LAT, LNG, "wgs84");
    for who in [&li, &wang, &leader] {
        ok(
            send(
                &app,
                reqwest::Method::POST,
                "/api/v1/me/patrols",
                who,
                Some(body.clone()),
            )
            .await,
            201,
        )
        .await;
    }

    // Act: after 20 minutes 李四 leaves, 王五 deletes his account; staff
    // stand the team down, then rename it.
    app.advance(chrono::Duration::minutes(20));
    assert_eq!(
        send(&app, reqwest::Method::DELETE, "/api/v1/me/team", &li, None)
            .await
            .status(),
        204
    );
    assert_eq!(
        send(&app, reqwest::Method::DELETE, "/api/v1/me", &wang, None)
            .await
            .status(),
        204
    );
    let down = ok(
        send(
            &app,
            reqwest::Method::PUT,
            &format!("/api/v1/admin/teams/{team}"),
            &admin,
            Some(json!({"name": "早班志愿服务队", "active": false})),
        )
        .await,
        200,
    )
    .await;
    let renamed = ok(
        send(
            &app,
            reqwest::Method::PUT,
            &format!("/api/v1/admin/teams/{team}"),
            &admin,
            Some(json!({"name": "晨练志愿服务队"})),
        )
        .await,
        200,
    )
    .await;
    let csv = app
        .get(
            &format!(
                "/api/v1/exports/volunteer-hours.csv?from=2026-12-01&to=2026-12-01&teamId={team}"
            ),
            Some(&admin),
        )
        .await;
    let day_before = app
        .get(
            &format!(
                "/api/v1/exports/volunteer-hours.csv?from=2026-11-30&to=2026-11-30&teamId={team}"
            ),
            Some(&admin),
        )
        .await;
    let other_leader = app.citizen("early-other").await;
    let not_theirs = app
        .get(
            &format!("/api/v1/admin/patrols?teamId={team}"),
            Some(&other_leader),
        )
        .await;

    // Assert: both patrols ended at the leaving (20 minutes) and count on
    // 1 December; the deleted account's name is gone; the leader's patrol
    // is still open (not in the sheet); a renamed team stays stood down.
    let mine = ok(app.get("/api/v1/me/patrols", Some(&li)).await, 200).await;
    assert_eq!(mine["items"][0]["endedBy"], "checked_out");
    assert_eq!(mine["items"][0]["minutes"], 20);
    assert_eq!(down["active"], false);
    assert_eq!(renamed["active"], false);
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[1..],
        [
            "李四,晨练志愿服务队,2026-12-01,07:30,07:50,0.33,新华广场,文明巡访,已签退",
            "已注销用户,晨练志愿服务队,2026-12-01,07:30,07:50,0.33,新华广场,文明巡访,已签退",
        ]
    );
    assert_eq!(
        day_before.text().await.unwrap().lines().count(),
        1,
        "only the header on 30 November"
    );
    expect_error(not_theirs, 404, "not_found").await;
    let t = ok(
        app.get(&format!("/api/v1/admin/teams/{team}"), Some(&admin))
            .await,
        200,
    )
    .await;
    let names: Vec<&str> = t["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["王队长"]);
}

/// The first worksheet's XML of an XLSX file, with its shared strings.
fn sheet_xml(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = String::new();
    for name in ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"] {
        if let Ok(mut f) = zip.by_name(name) {
            f.read_to_string(&mut out).unwrap();
        }
    }
    out
}
