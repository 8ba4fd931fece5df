//! Points (积分): awards by the rules an admin sets, once per case and
//! reason (two nodes, retries), reversals as entries of their own, caps;
//! rewards with stock, codes, and staff checking them off.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{ADMIN, DISPATCHER, TestApp, UNIT_PASSWORD, expect_error, jpeg, spawn_app};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

const LAT: f64 = 40.79;
const LNG: f64 = 111.70;

async fn points(app: &TestApp, citizen: &str) -> Value {
    let r = app.get("/api/v1/me/points", Some(citizen)).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn set_rules(app: &TestApp, admin: &str, daily_cap: i32) {
    let rules = json!({
        "enabled": true, "onCase": 5, "firstOfDuplicate": true,
        "solvedBonus": 2, "dailyCap": daily_cap, "monthlyCap": 200,
    });
    let r = app
        .http
        .put(app.url("/api/v1/admin/points/rules"))
        .bearer_auth(admin)
        .json(&rules)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

/// A dispatcher takes an automatically dispatched report on (sends it
/// again to its unit): the first person to, which is what earns.
async fn take_on(app: &TestApp, report: &Value) {
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let id = report["id"].as_str().unwrap();
    app.act_ok(&disp, id, "dispatch", json!({})).await;
}

/// Entries of the ledger for a case and reason, read from the database.
async fn entries(app: &TestApp, case_id: &str, reason: &str) -> u64 {
    entity::points_entry::Entity::find()
        .filter(entity::points_entry::Column::CaseId.eq(uuid::Uuid::parse_str(case_id).unwrap()))
        .filter(entity::points_entry::Column::Reason.eq(reason))
        .count(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_case_earns_its_points_once_and_caps_hold() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    set_rules(&app, &admin, 12).await;
    let citizen = app.citizen("points-a").await;

    // Act: three automatically dispatched reports, each taken on by a
    // person (an automatic dispatch alone earns nothing).
    let first = app.submit(&citizen, "0201", LAT, LNG).await;
    assert_eq!(points(&app, &citizen).await["balance"], 0);
    take_on(&app, &first).await;
    let mine = points(&app, &citizen).await;
    assert_eq!(mine["balance"], 5);
    assert_eq!(mine["entries"][0]["reason"], "case_accepted");
    assert_eq!(mine["entries"][0]["caseNo"], first["caseNo"]);
    assert_eq!(mine["entries"][0]["why"], "举报被立案");
    for lat in [LAT + 0.01, LAT + 0.02] {
        let r = app.submit(&citizen, "0201", lat, LNG).await;
        take_on(&app, &r).await;
    }

    // Assert: the daily cap of 12 cut the third to 2, and says so.
    let mine = points(&app, &citizen).await;
    assert_eq!(mine["balance"], 12);
    assert_eq!(mine["entries"][0]["points"], 2);
    assert!(
        mine["entries"][0]["note"]
            .as_str()
            .unwrap()
            .contains("上限"),
        "{mine}"
    );

    // The history pages with a cursor.
    let page: Value = app
        .get("/api/v1/me/points?limit=2", Some(&citizen))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["entries"].as_array().unwrap().len(), 2);
    let next = page["nextCursor"].as_str().unwrap();
    let rest: Value = app
        .get(
            &format!("/api/v1/me/points?limit=2&cursor={next}"),
            Some(&citizen),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rest["entries"].as_array().unwrap().len(), 1);
    assert_eq!(rest["entries"][0]["caseNo"], first["caseNo"]);
    assert!(rest.get("nextCursor").is_none());

    // A rejected report earns nothing.
    let other = app.citizen("points-b").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let manual = app.submit(&other, "0301", LAT, LNG).await;
    let id = manual["id"].as_str().unwrap();
    app.act_ok(&disp, id, "reject", json!({"note": "不在受理范围"}))
        .await;
    assert_eq!(points(&app, &other).await["balance"], 0);
    assert!(
        points(&app, &other).await["entries"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn duplicates_lose_their_points_except_the_first_reporter_of_the_group() {
    // Arrange
    let app = spawn_app().await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let (first, later) = (
        app.citizen("dup-first").await,
        app.citizen("dup-later").await,
    );
    let x = app.submit(&first, "0301", LAT, LNG).await;
    let y = app.submit(&later, "0301", LAT, LNG).await;
    let (x, y) = (x["id"].as_str().unwrap(), y["id"].as_str().unwrap());
    app.act_ok(&disp, y, "accept", json!({})).await;
    assert_eq!(points(&app, &later).await["balance"], 5);

    // Act: the earlier report is merged into the later one.
    app.act_ok(&disp, x, "mark-duplicate", json!({"duplicateOf": y}))
        .await;

    // Assert: its reporter was first, and is rewarded.
    let f = points(&app, &first).await;
    assert_eq!(f["balance"], 5);
    assert!(f["entries"][0]["note"].as_str().unwrap().contains("首位"));

    // Act: a third, later report is accepted, then merged.
    let third = app.citizen("dup-third").await;
    let z = app.submit(&third, "0301", LAT, LNG).await;
    let z = z["id"].as_str().unwrap();
    app.act_ok(&disp, z, "accept", json!({})).await;
    assert_eq!(points(&app, &third).await["balance"], 5);
    app.act_ok(&disp, z, "mark-duplicate", json!({"duplicateOf": y}))
        .await;

    // Assert: taken back by an entry of its own; the award stays.
    let t = points(&app, &third).await;
    assert_eq!(t["balance"], 0);
    let reasons: Vec<&str> = t["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["case_accepted_reversed", "case_accepted"]);
    assert_eq!(t["entries"][0]["points"], -5);
}

#[tokio::test]
async fn only_the_earliest_report_of_a_group_is_its_first() {
    // Arrange: three reports in this order, the last one carries on.
    let app = spawn_app().await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let (a, d, t) = (
        app.citizen("grp-a").await,
        app.citizen("grp-d").await,
        app.citizen("grp-t").await,
    );
    let ra = app.submit(&a, "0301", LAT, LNG).await;
    let rd = app.submit(&d, "0301", LAT, LNG).await;
    let rt = app.submit(&t, "0301", LAT, LNG).await;
    let carrier = rt["id"].as_str().unwrap();
    app.act_ok(&disp, carrier, "accept", json!({})).await;

    // Act: the earliest is merged first, then the second.
    app.act_ok(
        &disp,
        ra["id"].as_str().unwrap(),
        "mark-duplicate",
        json!({"duplicateOf": carrier}),
    )
    .await;
    app.act_ok(
        &disp,
        rd["id"].as_str().unwrap(),
        "mark-duplicate",
        json!({"duplicateOf": carrier}),
    )
    .await;

    // Assert: the group's first reporter was rewarded; the second was not.
    assert_eq!(points(&app, &a).await["balance"], 5);
    assert_eq!(points(&app, &d).await["balance"], 0);
    assert!(
        points(&app, &d).await["entries"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_caps_count_the_day_from_midnight_china_time() {
    use sea_orm::{ActiveValue::Set, EntityTrait};
    // Arrange: 13 points earned at 00:30 today, China time (16:30 UTC the
    // day before), and 5 now, against a daily cap of 20.
    let app = spawn_app().await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    set_rules(&app, &admin, 20).await;
    let citizen = app.citizen("after-midnight").await;
    let first = app.submit(&citizen, "0201", LAT, LNG).await;
    take_on(&app, &first).await;
    let case_id = uuid::Uuid::parse_str(first["id"].as_str().unwrap()).unwrap();
    let user_id = entity::cases::Entity::find_by_id(case_id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .reporter_id;
    let china = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    let today = app.now().with_timezone(&china).date_naive();
    let early = today
        .and_hms_opt(0, 30, 0)
        .unwrap()
        .and_local_timezone(china)
        .unwrap();
    entity::points_entry::Entity::insert(entity::points_entry::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        user_id: Set(user_id),
        case_id: Set(None),
        reason: Set(domain::points::Reason::CaseAccepted),
        points: Set(13),
        note: Set(Some("fixture".into())),
        redemption_id: Set(None),
        record_id: Set(None),
        created_at: Set(early.with_timezone(&chrono::Utc).fixed_offset()),
    })
    .exec(&app.state.db)
    .await
    .unwrap();
    assert_eq!(points(&app, &citizen).await["balance"], 18);

    // Act
    let second = app.submit(&citizen, "0201", LAT + 0.01, LNG).await;
    take_on(&app, &second).await;

    // Assert: 5 + 13 earned today, so 2 were left.
    let mine = points(&app, &citizen).await;
    assert_eq!(mine["entries"][0]["points"], 2, "{mine}");
    assert_eq!(mine["balance"], 20);
}

#[tokio::test]
async fn a_solved_rating_earns_the_bonus_once_even_across_two_nodes() {
    // Arrange: two nodes on one database.
    let tmp = tempfile::tempdir().unwrap();
    let c = common::test_config(tmp.path()).await;
    let (tmp_b, c_b) = (tempfile::tempdir().unwrap(), c.clone());
    let a = common::start(c, tmp).await;
    let b = common::start(c_b, tmp_b).await;
    let citizen = a.citizen("solved").await;
    let disp = a.staff(DISPATCHER.0, DISPATCHER.1).await;
    let unit = a.staff("sh-cgj", UNIT_PASSWORD).await;
    let manual = a.submit(&citizen, "0301", LAT, LNG).await;
    let id = manual["id"].as_str().unwrap();

    // Act: the same accept on both nodes at once.
    let body = json!({"expectedVersion": 1});
    let (ra, rb) = tokio::join!(
        a.act(&disp, id, "accept", body.clone()),
        b.act(&disp, id, "accept", body)
    );
    let mut statuses = [ra.status().as_u16(), rb.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
    assert_eq!(entries(&a, id, "case_accepted").await, 1);

    // The case goes round the loop and is rated "solved", twice.
    a.act_ok(&disp, id, "dispatch", json!({})).await;
    a.act_ok(&unit, id, "claim", json!({})).await;
    let after = a.photo(&unit, jpeg(80, 60, 11)).await;
    a.act_ok(
        &unit,
        id,
        "resolve",
        json!({"note": "已清理", "mediaIds": [after]}),
    )
    .await;
    a.act_ok(&disp, id, "verify", json!({"outcome": "close"}))
        .await;
    let path = format!("/api/v1/reports/{id}/rating");
    let rate = json!({"score": 5});
    let (ra, rb) = tokio::join!(
        a.post_json(&path, Some(&citizen), &rate),
        b.post_json(&path, Some(&citizen), &rate)
    );
    let mut statuses = [ra.status().as_u16(), rb.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);

    // Assert
    assert_eq!(entries(&a, id, "solved").await, 1);
    // A retry of the same effect (a redelivered job, another node) finds
    // the ledger's key taken: still one entry.
    let case_id = uuid::Uuid::parse_str(id).unwrap();
    let reporter = entity::cases::Entity::find_by_id(case_id)
        .one(&a.state.db)
        .await
        .unwrap()
        .unwrap()
        .reporter_id;
    let rules = suishoupai::points::rules::PointsRules::default();
    for _ in 0..2 {
        let solved = suishoupai::cases::transition::Points::Solved;
        let now = a.now();
        suishoupai::points::ledger::apply(&a.state.db, &rules, (reporter, case_id), solved, now)
            .await
            .unwrap();
    }
    assert_eq!(entries(&a, id, "solved").await, 1);
    let mine = points(&b, &citizen).await;
    assert_eq!(mine["balance"], 7);
    assert_eq!(mine["entries"][0]["reason"], "solved");
}

#[tokio::test]
async fn rewards_are_redeemed_from_stock_and_codes_checked_off_once() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let helmet = json!({"name": "头盔", "description": "电动车头盔", "cost": 5, "stock": 1});
    let r = app
        .post_json("/api/v1/admin/rewards", Some(&admin), &helmet)
        .await;
    assert_eq!(r.status(), 200);
    let reward: Value = r.json().await.unwrap();
    let again = app
        .post_json("/api/v1/admin/rewards", Some(&admin), &helmet)
        .await;
    expect_error(again, 409, "name_taken").await;
    let citizen = app.citizen("redeemer").await;
    let redeem = format!("/api/v1/rewards/{}/redeem", reward["id"].as_str().unwrap());
    let send = |token: String, key: &'static str| {
        app.http
            .post(app.url(&redeem))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .send()
    };

    // Act + Assert: too few points.
    expect_error(
        send(citizen.clone(), "k0").await.unwrap(),
        409,
        "insufficient_points",
    )
    .await;
    let earning = app.submit(&citizen, "0201", LAT, LNG).await;
    take_on(&app, &earning).await;
    let r = send(citizen.clone(), "k1").await.unwrap();
    assert_eq!(r.status(), 201);
    let got: Value = r.json().await.unwrap();
    let code = got["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 10);
    assert_eq!(got["status"], "issued");

    // A retry with the key is the same redemption; the points went once.
    let r = send(citizen.clone(), "k1").await.unwrap();
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    assert_eq!(r.json::<Value>().await.unwrap()["code"], code.as_str());
    let mine = points(&app, &citizen).await;
    assert_eq!(mine["balance"], 0);
    assert_eq!(mine["entries"][0]["reason"], "redeem");
    assert_eq!(mine["entries"][0]["points"], -5);

    // The key names one redemption: another reward with it is refused.
    let cap = json!({"name": "遮阳帽", "cost": 1, "stock": 5});
    let other_reward: Value = app
        .post_json("/api/v1/admin/rewards", Some(&admin), &cap)
        .await
        .json()
        .await
        .unwrap();
    let path = format!(
        "/api/v1/rewards/{}/redeem",
        other_reward["id"].as_str().unwrap()
    );
    let r = app
        .http
        .post(app.url(&path))
        .bearer_auth(&citizen)
        .header("Idempotency-Key", "k1")
        .send()
        .await
        .unwrap();
    expect_error(r, 422, "idempotency_key_reused").await;

    // Out of stock for the next citizen.
    let other = app.citizen("too-late").await;
    let late = app.submit(&other, "0201", LAT, LNG).await;
    take_on(&app, &late).await;
    expect_error(
        send(other.clone(), "k2").await.unwrap(),
        409,
        "out_of_stock",
    )
    .await;
    let offered: Value = app
        .get("/api/v1/rewards", Some(&other))
        .await
        .json()
        .await
        .unwrap();
    let helmet_now = offered
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "头盔")
        .unwrap();
    assert_eq!(helmet_now["stock"], 0);

    // Staff check the code off, once; a citizen may not.
    expect_error(check(&app, &citizen, &code).await, 403, "forbidden").await;
    let spaced = format!("{} {}", &code[..5], &code[5..]).to_lowercase();
    let r = check(&app, &disp, &spaced).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "used");
    expect_error(check(&app, &disp, &code).await, 409, "already_used").await;
    expect_error(check(&app, &disp, "ZZZZZZZZZZ").await, 404, "not_found").await;
    let mine: Value = app
        .get("/api/v1/me/redemptions", Some(&citizen))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"][0]["status"], "used");
    assert_eq!(mine["items"][0]["rewardName"], "头盔");
}

async fn check(app: &TestApp, token: &str, code: &str) -> reqwest::Response {
    let body = json!({ "code": code });
    app.post_json("/api/v1/redemptions/check-off", Some(token), &body)
        .await
}

#[tokio::test]
async fn following_a_case_earns_nothing() {
    let app = spawn_app().await;
    let (reporter, follower) = (
        app.citizen("f-reporter").await,
        app.citizen("f-follower").await,
    );
    let case = app.submit(&reporter, "0201", LAT, LNG).await;
    take_on(&app, &case).await;
    let path = format!("/api/v1/reports/{}/follow", case["id"].as_str().unwrap());
    assert_eq!(
        app.post_json(&path, Some(&follower), &json!({}))
            .await
            .status(),
        200
    );
    assert_eq!(points(&app, &reporter).await["balance"], 5);
    assert_eq!(points(&app, &follower).await["balance"], 0);
}

#[tokio::test]
async fn points_wait_for_a_person_and_a_late_rejection_takes_them_back_and_frees_the_cap() {
    // Arrange: a daily cap of two cases' worth.
    let app = spawn_app().await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    set_rules(&app, &admin, 10).await;
    let citizen = app.citizen("junk-farmer").await;
    let junk = app.submit(&citizen, "0201", LAT, LNG).await;
    let second = app.submit(&citizen, "0201", LAT + 0.01, LNG).await;
    assert_eq!(
        points(&app, &citizen).await["balance"],
        0,
        "an automatic dispatch earns nothing"
    );
    take_on(&app, &junk).await;
    take_on(&app, &second).await;
    assert_eq!(points(&app, &citizen).await["balance"], 10);

    // Act: the unit finds the first one was junk; the dispatcher rejects
    // it after dispatch.
    let id = junk["id"].as_str().unwrap();
    let rejected = app
        .act_ok(&disp, id, "reject", json!({"note": "现场无此问题"}))
        .await;
    assert_eq!(rejected["status"], "rejected");

    // Assert: taken back, and the cap counts only what stands.
    let mine = points(&app, &citizen).await;
    assert_eq!(mine["balance"], 5);
    assert_eq!(mine["entries"][0]["reason"], "case_accepted_reversed");
    let third = app.submit(&citizen, "0201", LAT + 0.02, LNG).await;
    take_on(&app, &third).await;
    let mine = points(&app, &citizen).await;
    assert_eq!(mine["entries"][0]["points"], 5, "{mine}");
    assert_eq!(mine["balance"], 10);

    // A duplicate found after dispatch is taken back too.
    let again = app
        .act_ok(
            &disp,
            third["id"].as_str().unwrap(),
            "mark-duplicate",
            json!({"duplicateOf": second["id"]}),
        )
        .await;
    assert_eq!(again["status"], "duplicate");
    assert_eq!(points(&app, &citizen).await["balance"], 5);
}

#[tokio::test]
async fn a_city_can_award_at_closing_instead() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let unit = app.staff("sh-cgj", UNIT_PASSWORD).await;
    let rules = json!({
        "enabled": true, "onCase": 5, "awardAt": "close", "firstOfDuplicate": true,
        "solvedBonus": 2, "dailyCap": 20, "monthlyCap": 200,
    });
    let r = app
        .http
        .put(app.url("/api/v1/admin/points/rules"))
        .bearer_auth(&admin)
        .json(&rules)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let got: Value = app
        .get("/api/v1/admin/points/rules", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["awardAt"], "close");
    let citizen = app.citizen("award-at-close").await;
    let report = app.submit(&citizen, "0301", LAT, LNG).await;
    let id = report["id"].as_str().unwrap();

    // Act + Assert: accepted and worked on, nothing yet; closed, awarded.
    app.act_ok(&disp, id, "dispatch", json!({})).await;
    app.act_ok(&unit, id, "claim", json!({})).await;
    assert_eq!(points(&app, &citizen).await["balance"], 0);
    let after = app.photo(&unit, jpeg(80, 60, 12)).await;
    app.act_ok(
        &unit,
        id,
        "resolve",
        json!({"note": "已清理", "mediaIds": [after]}),
    )
    .await;
    assert_eq!(points(&app, &citizen).await["balance"], 0);
    app.act_ok(&disp, id, "verify", json!({"outcome": "close"}))
        .await;
    let mine = points(&app, &citizen).await;
    assert_eq!(mine["balance"], 5);
    assert_eq!(mine["entries"][0]["reason"], "case_accepted");
}

#[tokio::test]
async fn the_specs_ranges_of_the_rules_are_the_domains() {
    let app = common::spawn_app().await;
    let spec: serde_json::Value = app.get("/openapi.json", None).await.json().await.unwrap();
    let props = &spec["components"]["schemas"]["PointsRules"]["properties"];
    for (name, lo, hi) in suishoupai::points::rules::PointsRules::RANGES {
        assert_eq!(
            props[name]["minimum"],
            f64::from(lo),
            "{name}: {}",
            props[name]
        );
        assert_eq!(
            props[name]["maximum"],
            f64::from(hi),
            "{name}: {}",
            props[name]
        );
    }
}
