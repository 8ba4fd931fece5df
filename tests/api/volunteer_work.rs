//! Volunteers' work besides patrols: 劝导 (persuaded on the spot: a record;
//! not: a case for the routed unit), 随手治 (a case already resolved,
//! verified and closed, or reopened to the unit), the points each earns
//! by the city's rules, and 群众自治 in the indicators.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{
    ADMIN, DISPATCHER, TestApp, UNIT_PASSWORD, expect_error, jpeg, spawn_app, spawn_with,
};
use serde_json::{Value, json};

/// Inside 赛罕区人民路街道, routed to sh-cgj for the demo's categories.
const LAT: f64 = 40.79;
const LNG: f64 = 111.70;

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

async fn put(app: &TestApp, path: &str, token: &str, body: Value) -> Value {
    let r = app
        .http
        .put(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    ok(r, 200).await
}

/// A team with a spot at (LAT, LNG), led by a volunteer; returns (team id,
/// spot id, its join code, the leader's token).
async fn team(app: &TestApp, admin: &str, name: &str) -> (String, String, String, String) {
    let t = ok(
        app.post_json("/api/v1/admin/teams", Some(admin), &json!({"name": name}))
            .await,
        200,
    )
    .await;
    let (id, code) = (
        t["id"].as_str().unwrap().to_owned(),
        t["joinCode"].as_str().unwrap().to_owned(),
    );
    let spot = ok(
        app.post_json(
            &format!("/api/v1/admin/teams/{id}/spots"),
            Some(admin),
            &json!({
                "name": "新华广场", "radiusM": 100,
                "location": {"lat": LAT, "lng": LNG, "coordSystem": "wgs84"},
                "times": [],
            }),
        )
        .await,
        200,
    )
    .await;
    let leader = volunteer(app, &code, &format!("{name}-leader"), "王队长").await;
    let me = ok(app.get("/api/v1/me", Some(&leader)).await, 200).await;
    put(
        app,
        &format!("/api/v1/admin/teams/{id}/leader"),
        admin,
        json!({"userId": me["id"]}),
    )
    .await;
    (id, spot["id"].as_str().unwrap().to_owned(), code, leader)
}

/// A citizen who joined the team with `code`, serving as `name`.
async fn volunteer(app: &TestApp, code: &str, openid: &str, name: &str) -> String {
    let token = app.citizen(openid).await;
    ok(
        app.post_json(
            "/api/v1/me/team",
            Some(&token),
            &json!({"joinCode": code, "name": name}),
        )
        .await,
        200,
    )
    .await;
    token
}

fn persuasion(category: &str, persuaded: bool, photo: Option<&str>) -> Value {
    json!({
        "categoryCode": category,
        "location": {"lat": LAT, "lng": LNG, "coordSystem": "wgs84"},
        "address": "新华广场东门",
        "note": "有人在广场边乱扔烟头",
        "mediaId": photo,
        "persuaded": persuaded,
    })
}

fn self_fix(before: &[&str], after: &[&str]) -> Value {
    json!({
        "categoryCode": "0201",
        "description": "电线杆上的小广告已清理",
        "location": {"lat": LAT, "lng": LNG, "coordSystem": "wgs84"},
        "beforeMediaIds": before,
        "afterMediaIds": after,
    })
}

async fn ledger(app: &TestApp, token: &str) -> Value {
    ok(
        app.get("/api/v1/me/points?limit=50", Some(token)).await,
        200,
    )
    .await
}

/// The volunteer's entries of `reason`, oldest first, as (points, note).
fn entries(ledger: &Value, reason: &str) -> Vec<(i64, String)> {
    let mut v: Vec<(i64, String)> = ledger["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["reason"] == reason)
        .map(|e| {
            (
                e["points"].as_i64().unwrap(),
                e["note"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    v.reverse();
    v
}

#[tokio::test]
async fn a_persuasion_that_failed_becomes_a_routed_case_and_one_that_worked_does_not() {
    // Arrange: a team, a volunteer on patrol at its spot.
    let app = spawn_app().await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let (team_id, spot, code, leader) = team(&app, &admin, "劝导队").await;
    let v = volunteer(&app, &code, "persuader", "李劝导").await;
    let at = json!({"spotId": spot, "location": {"lat": LAT, "lng": LNG, "coordSystem": "wgs84"}});
    ok(
        app.post_json("/api/v1/me/patrols", Some(&v), &at).await,
        201,
    )
    .await;
    let photo = app.photo(&v, jpeg(64, 48, 11)).await;
    let cases_before = app.count(entity::cases::Entity).await;

    // Act: one stopped on the spot, with a photo; one that did not stop.
    let stopped = ok(
        app.post_json(
            "/api/v1/me/persuasions",
            Some(&v),
            &persuasion("0301", true, Some(&photo)),
        )
        .await,
        201,
    )
    .await;
    let failed = ok(
        app.post_json(
            "/api/v1/me/persuasions",
            Some(&v),
            &persuasion("0301", false, None),
        )
        .await,
        201,
    )
    .await;

    // Assert: the first is a record with its photo and no case.
    assert_eq!(stopped["persuaded"], true);
    assert!(stopped.get("case").is_none(), "{stopped}");
    assert_eq!(stopped["photo"]["id"], photo.as_str());
    assert_eq!(stopped["category"]["code"], "0301");
    assert_eq!(stopped["volunteerName"], "李劝导");
    assert_eq!(stopped["teamId"], team_id.as_str());
    // The second became one case, routed as a report is, the volunteer's.
    assert_eq!(failed["persuaded"], false);
    let case_id = failed["case"]["id"].as_str().unwrap();
    assert_eq!(app.count(entity::cases::Entity).await, cases_before + 1);
    let staff_view = app.case(&disp, case_id).await;
    assert_eq!(staff_view["source"]["channel"], "persuasion");
    assert_eq!(staff_view["routedUnit"]["code"], "sh-cgj");
    assert_eq!(staff_view["description"], "有人在广场边乱扔烟头");
    assert_eq!(staff_view["caseNo"], failed["case"]["caseNo"]);
    let mine = ok(app.get("/api/v1/me/reports", Some(&v)).await, 200).await;
    assert_eq!(mine["items"][0]["id"], case_id);
    // The record's photo is the record's: no report may take it.
    let reuse = app
        .post_json("/api/v1/reports", Some(&v), &common::report_body(&[&photo]))
        .await;
    expect_error(reuse, 422, "invalid_media").await;
    // Only the one that stopped earns 劝导 points (the other earns as a report).
    let l = ledger(&app, &v).await;
    assert_eq!(entries(&l, "persuasion"), [(1, String::new())]);
    // Both count for the patrol under way, and the failed one's case too.
    let current = ok(app.get("/api/v1/me/patrols/current", Some(&v)).await, 200).await;
    assert_eq!(current["persuasions"], 2, "{current}");
    assert_eq!(current["reports"], 1);
    // The volunteer reads theirs; the leader their team's; staff filter.
    let own = ok(app.get("/api/v1/me/persuasions", Some(&v)).await, 200).await;
    assert_eq!(own["items"].as_array().unwrap().len(), 2);
    assert_eq!(own["items"][0]["id"], failed["id"]);
    let team_path = format!("/api/v1/admin/persuasions?teamId={team_id}");
    let led = ok(app.get(&team_path, Some(&leader)).await, 200).await;
    assert_eq!(led["items"].as_array().unwrap().len(), 2);
    let only_cases = ok(
        app.get("/api/v1/admin/persuasions?persuaded=false", Some(&disp))
            .await,
        200,
    )
    .await;
    let ids: Vec<&Value> = only_cases["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["id"])
        .collect();
    assert_eq!(ids, [&failed["id"]]);
    expect_error(app.get(&team_path, Some(&v)).await, 404, "not_found").await;
    expect_error(
        app.get("/api/v1/admin/persuasions", Some(&v)).await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn a_persuasion_is_refused_whole_outside_the_city_and_to_non_volunteers() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let (_, _, code, _) = team(&app, &admin, "边界队").await;
    let v = volunteer(&app, &code, "edge-volunteer", "赵边界").await;
    let outsider = app.citizen("not-a-volunteer").await;
    let cases_before = app.count(entity::cases::Entity).await;

    // Act
    let mut far = persuasion("0301", false, None);
    far["location"] = json!({"lat": 31.23, "lng": 121.47, "coordSystem": "wgs84"});
    let far = app
        .post_json("/api/v1/me/persuasions", Some(&v), &far)
        .await;
    let unknown = app
        .post_json(
            "/api/v1/me/persuasions",
            Some(&v),
            &persuasion("9999", true, None),
        )
        .await;
    let stranger = app
        .post_json(
            "/api/v1/me/persuasions",
            Some(&outsider),
            &persuasion("0301", true, None),
        )
        .await;

    // Assert: refused, and nothing written.
    expect_error(far, 400, "outside_service_area").await;
    expect_error(unknown, 422, "unknown_category").await;
    expect_error(stranger, 403, "forbidden").await;
    assert_eq!(app.count(entity::persuasion::Entity).await, 0);
    assert_eq!(app.count(entity::cases::Entity).await, cases_before);
}

#[tokio::test]
async fn a_self_fix_is_verified_and_closed_or_reopened_to_the_routed_unit() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let unit = app.staff("sh-cgj", UNIT_PASSWORD).await;
    let (_, _, code, _) = team(&app, &admin, "随手治队").await;
    let v = volunteer(&app, &code, "fixer", "孙随手").await;
    let mut photos = vec![];
    for i in 0..5 {
        photos.push(app.photo(&v, jpeg(64, 48, 40 + i)).await);
    }
    let p: Vec<&str> = photos.iter().map(String::as_str).collect();

    // Act: two self-fixes; a bad one (a photo both before and after).
    let first = app
        .post_json(
            "/api/v1/me/self-fixes",
            Some(&v),
            &self_fix(&[p[0]], &[p[1]]),
        )
        .await;
    let first = ok(first, 201).await;
    let second = app
        .post_json(
            "/api/v1/me/self-fixes",
            Some(&v),
            &self_fix(&[p[2]], &[p[3]]),
        )
        .await;
    let second = ok(second, 201).await;
    let twice = app
        .post_json(
            "/api/v1/me/self-fixes",
            Some(&v),
            &self_fix(&[p[4]], &[p[4]]),
        )
        .await;

    // Assert: each is a case, resolved, with its before and after photos.
    expect_error(twice, 400, "duplicate_media_ids").await;
    assert_eq!(first["status"], "resolved");
    assert_eq!(first["channel"], "self_fix");
    assert_eq!(first["photos"][0]["id"], p[0]);
    assert_eq!(first["afterPhotos"][0]["id"], p[1]);
    let (a, b) = (
        first["id"].as_str().unwrap(),
        second["id"].as_str().unwrap(),
    );
    let staff_view = app.case(&disp, a).await;
    assert_eq!(staff_view["source"]["channel"], "self_fix");
    let actions = staff_view["actions"].as_array().unwrap();
    for action in ["close", "reopen", "reject"] {
        assert!(actions.contains(&json!(action)), "{action} in {actions:?}");
    }
    // 核查 passes for the first: closed, never the unit's.
    let closed = app
        .act_ok(&disp, a, "verify", json!({"outcome": "close"}))
        .await;
    assert_eq!(closed["status"], "closed");
    // The volunteer does not rate their own 随手治.
    let own = ok(
        app.get(&format!("/api/v1/reports/{a}"), Some(&v)).await,
        200,
    )
    .await;
    assert_eq!(own["canRate"], false);
    let rate = app
        .post_json(
            &format!("/api/v1/reports/{a}/rating"),
            Some(&v),
            &json!({"score": 5}),
        )
        .await;
    expect_error(rate, 409, "illegal_transition").await;
    // It fails for the second: the routed unit gets it, deadlines running.
    let reopened = app
        .act_ok(
            &disp,
            b,
            "verify",
            json!({"outcome": "reopen", "note": "仍有残留"}),
        )
        .await;
    assert_eq!(reopened["status"], "dispatched");
    assert_eq!(reopened["unit"]["code"], "sh-cgj");
    assert!(reopened["deadlines"]["dueAt"].is_string());
    assert!(reopened["deadlines"]["acceptDueAt"].is_string());
    let claimed = app.act_ok(&unit, b, "claim", json!({})).await;
    assert_eq!(claimed["status"], "in_progress");
    // 群众自治, apart from the units' cohort (which has the reopened one).
    let stats = ok(app.get("/api/v1/stats/indicators", Some(&disp)).await, 200).await;
    let s = &stats["selfGoverned"];
    assert_eq!(
        (
            &s["filed"],
            &s["verified"],
            &s["sentToUnits"],
            &s["waiting"]
        ),
        (&json!(2), &json!(1), &json!(1), &json!(0)),
        "{s}"
    );
    assert_eq!(stats["total"]["dispatched"], 1, "{stats}");
}

#[tokio::test]
async fn volunteers_work_earns_points_by_the_citys_rules_as_counted_by_hand() {
    // Arrange: 4 points an hour, 2 a 劝导, 5 a verified 随手治; a patrol
    // cap of 60 minutes; caps of 30 a day.
    let app = spawn_app().await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    put(
        &app,
        "/api/v1/admin/points/rules",
        &admin,
        json!({"enabled": true, "onCase": 5, "firstOfDuplicate": true,
               "solvedBonus": 2, "dailyCap": 30, "monthlyCap": 200}),
    )
    .await;
    let rules = put(
        &app,
        "/api/v1/admin/volunteers/rules",
        &admin,
        json!({"patrolCapMinutes": 60, "checkInSlackM": 50, "pointsPerHour": 4,
               "pointsPerPersuasion": 2, "pointsPerSelfFix": 5}),
    )
    .await;
    assert_eq!(rules["pointsPerSelfFix"], 5);
    // Left out, a points figure keeps the one in force.
    let kept = put(
        &app,
        "/api/v1/admin/volunteers/rules",
        &admin,
        json!({"patrolCapMinutes": 60, "checkInSlackM": 50}),
    )
    .await;
    assert_eq!(kept["pointsPerHour"], 4);
    let (_, spot, code, _) = team(&app, &admin, "积分队").await;
    let v = volunteer(&app, &code, "earner", "周积分").await;
    let at = json!({"spotId": spot, "location": {"lat": LAT, "lng": LNG, "coordSystem": "wgs84"}});

    // Act: a patrol of 45 minutes, checked out; a 劝导 during it; a patrol
    // left open for 2 hours (capped at 60 minutes); a 随手治, verified.
    let p1 = ok(
        app.post_json("/api/v1/me/patrols", Some(&v), &at).await,
        201,
    )
    .await;
    ok(
        app.post_json(
            "/api/v1/me/persuasions",
            Some(&v),
            &persuasion("0301", true, None),
        )
        .await,
        201,
    )
    .await;
    app.advance(chrono::Duration::minutes(45));
    let out = format!(
        "/api/v1/me/patrols/{}/check-out",
        p1["id"].as_str().unwrap()
    );
    ok(app.post_json(&out, Some(&v), &json!({})).await, 200).await;
    ok(
        app.post_json("/api/v1/me/patrols", Some(&v), &at).await,
        201,
    )
    .await;
    app.advance(chrono::Duration::hours(2));
    let none = app.get("/api/v1/me/patrols/current", Some(&v)).await;
    assert_eq!(none.status(), 204);
    let (before, after) = (
        app.photo(&v, jpeg(64, 48, 90)).await,
        app.photo(&v, jpeg(64, 48, 91)).await,
    );
    let fixed = app
        .post_json(
            "/api/v1/me/self-fixes",
            Some(&v),
            &self_fix(&[&before], &[&after]),
        )
        .await;
    let fixed = ok(fixed, 201).await;
    let id = fixed["id"].as_str().unwrap();
    let closed = app
        .act_ok(&disp, id, "verify", json!({"outcome": "close"}))
        .await;
    // Closing it again cannot award twice.
    let body = json!({"outcome": "close", "expectedVersion": closed["version"]});
    let again = app.act(&disp, id, "verify", body).await;
    expect_error(again, 409, "illegal_transition").await;

    // Assert, by hand: 45 min × 4/h = 3; 60 min × 4/h = 4; a 劝导 2; a
    // 随手治 5: 14 in all.
    let l = ledger(&app, &v).await;
    assert_eq!(
        entries(&l, "patrol_hours"),
        [
            (3, "巡访 45 分钟".to_owned()),
            (4, "巡访 60 分钟".to_owned())
        ]
    );
    assert_eq!(entries(&l, "persuasion"), [(2, String::new())]);
    assert_eq!(entries(&l, "self_fix"), [(5, String::new())]);
    assert_eq!(l["balance"], 14, "{l}");
}

#[tokio::test]
async fn volunteers_points_stop_at_the_citizens_daily_cap() {
    // Arrange: a cap of 5 a day; 2 points a 劝导.
    let app = spawn_app().await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    put(
        &app,
        "/api/v1/admin/volunteers/rules",
        &admin,
        json!({"patrolCapMinutes": 240, "checkInSlackM": 50, "pointsPerPersuasion": 2}),
    )
    .await;
    put(
        &app,
        "/api/v1/admin/points/rules",
        &admin,
        json!({"enabled": true, "onCase": 5, "firstOfDuplicate": true,
               "solvedBonus": 2, "dailyCap": 5, "monthlyCap": 200}),
    )
    .await;
    let (_, _, code, _) = team(&app, &admin, "封顶队").await;
    let v = volunteer(&app, &code, "capped", "吴封顶").await;

    // Act: four 劝导 on one day.
    for _ in 0..4 {
        ok(
            app.post_json(
                "/api/v1/me/persuasions",
                Some(&v),
                &persuasion("0301", true, None),
            )
            .await,
            201,
        )
        .await;
    }

    // Assert: 2 + 2 + 1 (capped) + 0 (capped).
    let l = ledger(&app, &v).await;
    let got: Vec<i64> = entries(&l, "persuasion").iter().map(|e| e.0).collect();
    assert_eq!(got, [2, 2, 1, 0]);
    assert_eq!(l["balance"], 5);
}

fn moment(text: &str, photos: &[&str]) -> Value {
    json!({
        "text": text,
        "location": {"lat": LAT, "lng": LNG, "coordSystem": "wgs84"},
        "address": "新华广场",
        "mediaIds": photos,
    })
}

#[tokio::test]
async fn a_good_moment_is_public_only_once_approved_and_published_and_earns_its_points() {
    // Arrange: 3 points a moment; a citizen and a volunteer with photos;
    // the board rendered afresh at each read.
    let app = spawn_with(|c| c.publication.board_cache_secs = 0).await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    put(
        &app,
        "/api/v1/admin/volunteers/rules",
        &admin,
        json!({"patrolCapMinutes": 240, "checkInSlackM": 50, "pointsPerMoment": 3}),
    )
    .await;
    let (_, _, code, _) = team(&app, &admin, "瞬间队").await;
    let citizen = app.citizen("moment-citizen").await;
    let v = volunteer(&app, &code, "moment-volunteer", "郑志愿").await;
    let (c1, c2) = (
        app.photo(&citizen, jpeg(64, 48, 120)).await,
        app.photo(&citizen, jpeg(64, 48, 121)).await,
    );
    let v1 = app.photo(&v, jpeg(64, 48, 122)).await;

    // Act: both file; staff approve and publish the citizen's, decline
    // the volunteer's.
    let good = app
        .post_json(
            "/api/v1/moments",
            Some(&citizen),
            &moment("老人摔倒，路人扶起", &[&c1, &c2]),
        )
        .await;
    let good = ok(good, 201).await;
    let other = app
        .post_json(
            "/api/v1/moments",
            Some(&v),
            &moment("志愿者清扫落叶", &[&v1]),
        )
        .await;
    let other = ok(other, 201).await;
    let board_before = ok(app.get("/api/v1/moments", None).await, 200).await;
    let queue = ok(
        app.get("/api/v1/admin/moments?status=pending", Some(&disp))
            .await,
        200,
    )
    .await;
    let good_id = good["id"].as_str().unwrap();
    let other_id = other["id"].as_str().unwrap();
    let review = |id: &str| format!("/api/v1/admin/moments/{id}/review");
    let approved = app
        .post_json(
            &review(good_id),
            Some(&disp),
            &json!({"approve": true, "publish": true}),
        )
        .await;
    let approved = ok(approved, 200).await;
    let declined = app
        .post_json(
            &review(other_id),
            Some(&disp),
            &json!({"approve": false, "note": "照片与文字不符"}),
        )
        .await;
    let declined = ok(declined, 200).await;

    // Assert: nothing public before; the queue had both.
    assert_eq!(good["status"], "pending");
    assert_eq!(good["authorName"], "市民");
    assert_eq!(other["authorName"], "郑志愿");
    assert_eq!(good["photos"].as_array().unwrap().len(), 2);
    assert_eq!(board_before["items"], json!([]));
    assert_eq!(queue["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        (&approved["status"], &approved["published"]),
        (&json!("approved"), &json!(true))
    );
    assert_eq!(declined["status"], "rejected");
    // The board shows the approved one, its author by the first character.
    let board = ok(app.get("/api/v1/moments", None).await, 200).await;
    let items = board["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{board}");
    assert_eq!(items[0]["id"], good_id);
    assert_eq!(items[0]["authorName"], "市*");
    // Its photos wait for their review for publication, then show.
    assert_eq!(items[0]["photos"].as_array().unwrap().len(), 0);
    let waiting = ok(
        app.get("/api/v1/admin/photo-reviews", Some(&disp)).await,
        200,
    )
    .await;
    let of_moment: Vec<&Value> = waiting["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["momentId"] == good_id)
        .collect();
    assert_eq!(of_moment.len(), 2, "{waiting}");
    for p in of_moment {
        let path = format!(
            "/api/v1/admin/photos/{}/review",
            p["photo"]["id"].as_str().unwrap()
        );
        ok(
            app.post_json(&path, Some(&disp), &json!({"publish": true}))
                .await,
            200,
        )
        .await;
    }
    let board = ok(app.get("/api/v1/moments", None).await, 200).await;
    let items = board["items"].as_array().unwrap();
    assert_eq!(items[0]["photos"].as_array().unwrap().len(), 2);
    assert!(items[0].get("authorId").is_none() && items[0].get("location").is_none());
    // Its author earned the city's points, once; the declined one none.
    let l = ledger(&app, &citizen).await;
    assert_eq!(entries(&l, "moment"), [(3, String::new())]);
    assert_eq!(entries(&ledger(&app, &v).await, "moment"), []);
    let again = app
        .post_json(&review(good_id), Some(&disp), &json!({"approve": true}))
        .await;
    expect_error(again, 409, "already_reviewed").await;
    assert_eq!(entries(&ledger(&app, &citizen).await, "moment").len(), 1);
    // The author reads the decline and its note.
    let mine = ok(app.get("/api/v1/me/moments", Some(&v)).await, 200).await;
    assert_eq!(mine["items"][0]["reviewNote"], "照片与文字不符");
    // Only an approved one goes on the board; taken off, it is gone.
    let publication = |id: &str| format!("/api/v1/admin/moments/{id}/publication");
    let put_pub = |id: String, published: bool| {
        let (app, disp) = (&app, &disp);
        async move {
            app.http
                .put(app.url(&publication(&id)))
                .bearer_auth(disp)
                .json(&json!({ "published": published }))
                .send()
                .await
                .unwrap()
        }
    };
    expect_error(
        put_pub(other_id.to_owned(), true).await,
        409,
        "not_approved",
    )
    .await;
    ok(put_pub(good_id.to_owned(), false).await, 200).await;
    let board = ok(app.get("/api/v1/moments", None).await, 200).await;
    assert_eq!(board["items"], json!([]));
    // Citizens do not review.
    let by_citizen = app
        .post_json(&review(other_id), Some(&citizen), &json!({"approve": true}))
        .await;
    expect_error(by_citizen, 403, "forbidden").await;
}

#[tokio::test]
async fn a_bad_moment_is_refused_whole() {
    // Arrange
    let app = spawn_app().await;
    let citizen = app.citizen("moment-bad").await;
    let photo = app.photo(&citizen, jpeg(64, 48, 130)).await;
    ok(
        app.post_json(
            "/api/v1/moments",
            Some(&citizen),
            &moment("好人好事", &[&photo]),
        )
        .await,
        201,
    )
    .await;
    let fresh = app.photo(&citizen, jpeg(64, 48, 131)).await;
    let stranger = app.citizen("moment-stranger").await;
    let theirs = app.photo(&stranger, jpeg(64, 48, 132)).await;

    // Act
    let reused = app
        .post_json(
            "/api/v1/moments",
            Some(&citizen),
            &moment("再来一次", &[&fresh, &photo]),
        )
        .await;
    let foreign = app
        .post_json(
            "/api/v1/moments",
            Some(&citizen),
            &moment("别人的照片", &[&theirs]),
        )
        .await;
    let blank = app
        .post_json("/api/v1/moments", Some(&citizen), &moment("   ", &[&fresh]))
        .await;
    let mut far = moment("远方", &[&fresh]);
    far["location"] = json!({"lat": 31.23, "lng": 121.47, "coordSystem": "wgs84"});
    let far = app.post_json("/api/v1/moments", Some(&citizen), &far).await;

    // Assert: refused, and the fresh photo still free for a good one.
    let body = expect_error(reused, 422, "invalid_media").await;
    assert_eq!(body["details"]["mediaIds"], json!([photo]));
    expect_error(foreign, 422, "invalid_media").await;
    expect_error(blank, 400, "text_required").await;
    expect_error(far, 400, "outside_service_area").await;
    assert_eq!(app.count(entity::moment::Entity).await, 1);
    let second = ok(
        app.post_json(
            "/api/v1/moments",
            Some(&citizen),
            &moment("好人好事二", &[&fresh]),
        )
        .await,
        201,
    )
    .await;

    // A deleted author's moment is never published, nor earns.
    let r = app
        .http
        .delete(app.url("/api/v1/me"))
        .bearer_auth(&citizen)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let id = second["id"].as_str().unwrap();
    let reviewed = app
        .post_json(
            &format!("/api/v1/admin/moments/{id}/review"),
            Some(&disp),
            &json!({"approve": true, "publish": true}),
        )
        .await;
    let reviewed = ok(reviewed, 200).await;
    assert_eq!(
        (&reviewed["published"], &reviewed["authorName"]),
        (&json!(false), &json!("已注销用户"))
    );
    let republish = app
        .http
        .put(app.url(&format!("/api/v1/admin/moments/{id}/publication")))
        .bearer_auth(&disp)
        .json(&json!({"published": true}))
        .send()
        .await
        .unwrap();
    expect_error(republish, 409, "not_approved").await;
    let board = ok(app.get("/api/v1/moments", None).await, 200).await;
    assert_eq!(board["items"], json!([]));
}

#[tokio::test]
async fn patrol_coverage_shows_which_spots_were_visited_and_which_were_not() {
    // Arrange: a team with two spots; its volunteer patrols the first for
    // 30 minutes, twice.
    let app = spawn_app().await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let (team_id, visited, code, leader) = team(&app, &admin, "覆盖队").await;
    let quiet = ok(
        app.post_json(
            &format!("/api/v1/admin/teams/{team_id}/spots"),
            Some(&admin),
            &json!({
                "name": "人民公园", "radiusM": 150,
                "location": {"lat": 40.80, "lng": 111.71, "coordSystem": "wgs84"},
                "times": [],
            }),
        )
        .await,
        200,
    )
    .await;
    let v = volunteer(&app, &code, "coverer", "钱覆盖").await;
    let at =
        json!({"spotId": visited, "location": {"lat": LAT, "lng": LNG, "coordSystem": "wgs84"}});
    for _ in 0..2 {
        let p = ok(
            app.post_json("/api/v1/me/patrols", Some(&v), &at).await,
            201,
        )
        .await;
        app.advance(chrono::Duration::minutes(30));
        let out = format!("/api/v1/me/patrols/{}/check-out", p["id"].as_str().unwrap());
        ok(app.post_json(&out, Some(&v), &json!({})).await, 200).await;
    }

    // Act
    let path = format!("/api/v1/stats/patrol-coverage?teamId={team_id}");
    let by_staff = ok(app.get(&path, Some(&admin)).await, 200).await;
    let by_leader = ok(app.get(&path, Some(&leader)).await, 200).await;
    let by_member = app.get(&path, Some(&v)).await;

    // Assert: the quiet spot first, not visited; the other twice, 60 min.
    assert_eq!(
        (&by_staff["visited"], &by_staff["unvisited"]),
        (&json!(1), &json!(1))
    );
    let spots = by_staff["spots"].as_array().unwrap();
    assert_eq!(spots[0]["spot"]["id"], quiet["id"]);
    assert_eq!(spots[0]["visited"], false);
    assert!(spots[0].get("lastVisitAt").is_none());
    assert_eq!(spots[1]["spot"]["id"], visited.as_str());
    assert_eq!(
        (
            &spots[1]["patrols"],
            &spots[1]["minutes"],
            &spots[1]["volunteers"]
        ),
        (&json!(2), &json!(60), &json!(1))
    );
    assert_eq!(by_leader["spots"], by_staff["spots"]);
    expect_error(by_member, 404, "not_found").await;
}
