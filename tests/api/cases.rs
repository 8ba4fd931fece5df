//! The case lifecycle over HTTP: routing, actions with role checks, versions,
//! visibility, duplicates, rating, suspension and extension.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{DISPATCHER, SUPERVISOR, UNIT_PASSWORD, expect_error, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

// 赛罕区人民路街道: routed to 赛罕区城管 (sh-cgj), whose parent is the city bureau.
const LAT: f64 = 40.79;
const LNG: f64 = 111.70;

fn actions(case: &Value) -> Vec<String> {
    case["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_report_goes_round_the_whole_loop_and_is_rated() {
    // Arrange
    let app = spawn_app().await;
    let citizen = app.citizen("loop-citizen").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let unit = app.staff("sh-cgj", UNIT_PASSWORD).await;

    // Act: 0301 占道经营 needs manual review.
    let report = app.submit(&citizen, "0301", LAT, LNG).await;
    let id = report["id"].as_str().unwrap();
    assert_eq!(report["status"], "submitted");
    let staff_view = app.case(&disp, id).await;
    let routing = &staff_view["timeline"][0]["data"]["routing"];
    assert_eq!(
        routing["unitCode"], "sh-cgj",
        "routing decision in the timeline: {routing}"
    );
    assert!(routing["ruleId"].is_string());
    assert_eq!(routing["areaCode"], report["area"]["code"]);
    assert_eq!(staff_view["routedUnit"]["code"], "sh-cgj");

    app.act_ok(&disp, id, "accept", json!({})).await;
    let dispatched = app.act_ok(&disp, id, "dispatch", json!({})).await;
    assert_eq!(dispatched["status"], "dispatched");
    assert_eq!(dispatched["unit"]["code"], "sh-cgj");
    assert!(dispatched["deadlines"]["dueAt"].is_string());
    assert!(dispatched["deadlines"]["acceptDueAt"].is_string());
    app.act_ok(&unit, id, "claim", json!({})).await;
    let v = app.case(&unit, id).await["version"].clone();
    let no_photos = app
        .act(
            &unit,
            id,
            "resolve",
            json!({"expectedVersion": v, "mediaIds": []}),
        )
        .await;
    expect_error(no_photos, 400, "invalid_request").await;
    let after = app.photo(&unit, common::jpeg(80, 60, 7)).await;
    let resolved = app
        .act_ok(
            &unit,
            id,
            "resolve",
            json!({"note": "已清理", "mediaIds": [after]}),
        )
        .await;
    assert_eq!(resolved["status"], "resolved");
    let resolve_entry = resolved["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "resolve")
        .unwrap()
        .clone();
    assert_eq!(resolve_entry["photos"].as_array().unwrap().len(), 1);
    app.act_ok(&disp, id, "verify", json!({"outcome": "close"}))
        .await;

    // The citizen sees the public part only, and rates once.
    let mine: Value = app
        .get(&format!("/api/v1/reports/{id}"), Some(&citizen))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["status"], "closed");
    assert_eq!(mine["canRate"], true);
    let public: Vec<&str> = mine["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        public,
        ["submit", "accept", "dispatch", "claim", "resolve", "close"]
    );
    let rated = app
        .post_json(
            &format!("/api/v1/reports/{id}/rating"),
            Some(&citizen),
            &json!({"score": 5, "comment": "很快"}),
        )
        .await;
    assert_eq!(rated.status(), StatusCode::OK);
    let again = app
        .post_json(
            &format!("/api/v1/reports/{id}/rating"),
            Some(&citizen),
            &json!({"score": 4}),
        )
        .await;
    expect_error(again, 409, "already_rated").await;
    let stranger = app.citizen("someone-else").await;
    let theirs = app
        .post_json(
            &format!("/api/v1/reports/{id}/rating"),
            Some(&stranger),
            &json!({"score": 1}),
        )
        .await;
    expect_error(theirs, 404, "not_found").await;

    // Assert
    let done = app.case(&disp, id).await;
    assert_eq!(done["status"], "closed");
    assert_eq!(done["rating"]["score"], 5);
    let audit: Value = app
        .get(
            &format!("/api/v1/admin/audit?objectId={id}"),
            Some(&app.staff(common::ADMIN.0, common::ADMIN.1).await),
        )
        .await
        .json()
        .await
        .unwrap();
    let audited: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "case.accept",
        "case.dispatch",
        "case.claim",
        "case.resolve",
        "case.close",
    ] {
        assert!(audited.contains(&a), "{a} audited: {audited:?}");
    }
}

#[tokio::test]
async fn an_unsatisfied_rating_sends_the_case_back_to_verification() {
    let app = spawn_app().await;
    let citizen = app.citizen("unhappy").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let unit = app.staff("sh-cgj", UNIT_PASSWORD).await;
    let id = app.submit(&citizen, "0301", LAT, LNG).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let early = app
        .post_json(
            &format!("/api/v1/reports/{id}/rating"),
            Some(&citizen),
            &json!({"score": 1}),
        )
        .await;
    expect_error(early, 409, "not_closed").await;
    app.act_ok(&disp, &id, "dispatch", json!({})).await;
    app.act_ok(&unit, &id, "claim", json!({})).await;
    let after = app.photo(&unit, common::jpeg(80, 60, 9)).await;
    app.act_ok(&unit, &id, "resolve", json!({"mediaIds": [after]}))
        .await;
    app.act_ok(&disp, &id, "verify", json!({"outcome": "close"}))
        .await;

    let r = app
        .post_json(
            &format!("/api/v1/reports/{id}/rating"),
            Some(&citizen),
            &json!({"score": 2, "comment": "没处理干净"}),
        )
        .await;

    assert_eq!(r.status(), StatusCode::OK);
    let c = app.case(&disp, &id).await;
    assert_eq!(c["status"], "resolved", "back to verification");
    assert_eq!(c["rating"]["score"], 2);
    let bad = app
        .post_json(
            &format!("/api/v1/reports/{id}/rating"),
            Some(&citizen),
            &json!({"score": 6}),
        )
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn roles_transitions_and_versions_are_checked() {
    let app = spawn_app().await;
    let citizen = app.citizen("roles").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let sup = app.staff(SUPERVISOR.0, SUPERVISOR.1).await;
    let unit = app.staff("sh-cgj", UNIT_PASSWORD).await;
    let id = app.submit(&citizen, "0301", LAT, LNG).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Wrong roles.
    expect_error(
        app.act(&unit, &id, "accept", json!({"expectedVersion": 1}))
            .await,
        403,
        "forbidden",
    )
    .await;
    expect_error(
        app.act(&citizen, &id, "accept", json!({"expectedVersion": 1}))
            .await,
        403,
        "forbidden",
    )
    .await;
    expect_error(
        app.act(&disp, &id, "claim", json!({"expectedVersion": 1}))
            .await,
        403,
        "forbidden",
    )
    .await;
    expect_error(
        app.act(&disp, &id, "escalate", json!({"expectedVersion": 1}))
            .await,
        403,
        "forbidden",
    )
    .await;
    // Not dispatched yet: invisible to the unit.
    expect_error(
        app.get(&format!("/api/v1/cases/{id}"), Some(&unit)).await,
        404,
        "not_found",
    )
    .await;
    // Illegal transition, stale version, missing reason.
    expect_error(
        app.act(
            &disp,
            &id,
            "verify",
            json!({"expectedVersion": 1, "outcome": "close"}),
        )
        .await,
        409,
        "illegal_transition",
    )
    .await;
    expect_error(
        app.act(&disp, &id, "accept", json!({"expectedVersion": 7}))
            .await,
        409,
        "version_conflict",
    )
    .await;
    // A missing note fails the schema; a note of spaces is no note.
    expect_error(
        app.act(&disp, &id, "reject", json!({"expectedVersion": 1}))
            .await,
        400,
        "invalid_request",
    )
    .await;
    expect_error(
        app.act(
            &disp,
            &id,
            "reject",
            json!({"expectedVersion": 1, "note": "   "}),
        )
        .await,
        400,
        "note_required",
    )
    .await;
    let unchanged = app.case(&disp, &id).await;
    assert_eq!(unchanged["version"], 1, "refused actions change nothing");
    assert_eq!(actions(&unchanged), ["submit"]);

    // Two actions at once on version 1: one wins, the other gets 409.
    let (a, b) = tokio::join!(
        app.act(&disp, &id, "accept", json!({"expectedVersion": 1})),
        app.act(
            &disp,
            &id,
            "reject",
            json!({"expectedVersion": 1, "note": "不属于受理范围"})
        )
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
    let after = app.case(&disp, &id).await;
    assert_eq!(after["version"], 2);
    assert_eq!(
        actions(&after).len(),
        2,
        "exactly one of the two actions happened"
    );

    // Supervisor escalation goes one level up, then there is no higher unit.
    let other = app.submit(&citizen, "0301", LAT, LNG).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.act_ok(&disp, &other, "dispatch", json!({})).await;
    let esc = app
        .act_ok(&sup, &other, "escalate", json!({"note": "群众反映强烈"}))
        .await;
    assert_eq!(esc["deadlines"]["escalationLevel"], 1);
    assert_eq!(esc["deadlines"]["escalatedTo"]["code"], "hhht-cgj");
    let v = esc["version"].clone();
    expect_error(
        app.act(&sup, &other, "escalate", json!({"expectedVersion": v}))
            .await,
        409,
        "no_higher_unit",
    )
    .await;
}

#[tokio::test]
async fn units_see_their_own_cases_and_never_the_reporter() {
    let app = spawn_app().await;
    let citizen = app.citizen("private-openid-123").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let sh = app.staff("sh-cgj", UNIT_PASSWORD).await;
    let city = app.staff("hhht-cgj", UNIT_PASSWORD).await;
    let xc = app.staff("xc-cgj", UNIT_PASSWORD).await;
    let id = app.submit(&citizen, "0301", LAT, LNG).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.act_ok(&disp, &id, "dispatch", json!({})).await;

    let own = app.get(&format!("/api/v1/cases/{id}"), Some(&sh)).await;
    assert_eq!(own.status(), StatusCode::OK);
    let text = own.text().await.unwrap();
    assert!(
        !text.contains("private-openid-123"),
        "no reporter identity for units"
    );
    assert_eq!(
        app.get(&format!("/api/v1/cases/{id}"), Some(&city))
            .await
            .status(),
        StatusCode::OK,
        "parent unit sees sub-unit cases"
    );
    expect_error(
        app.get(&format!("/api/v1/cases/{id}"), Some(&xc)).await,
        404,
        "not_found",
    )
    .await;
    let xc_list: Value = app
        .get("/api/v1/cases", Some(&xc))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(xc_list["items"].as_array().unwrap().len(), 0);
    let sh_list: Value = app
        .get("/api/v1/cases", Some(&sh))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sh_list["items"][0]["id"], id.as_str());

    // The reporter's identity: staff only, with a reason that is audited.
    expect_error(
        app.get(
            &format!("/api/v1/cases/{id}/reporter?reason=%E6%A0%B8%E5%AE%9E"),
            Some(&sh),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    expect_error(
        app.get(
            &format!("/api/v1/cases/{id}/reporter?reason=x"),
            Some(&disp),
        )
        .await,
        400,
        "invalid_request",
    )
    .await;
    let who: Value = app
        .get(
            &format!("/api/v1/cases/{id}/reporter?reason=%E5%9B%9E%E8%AE%BF%E6%A0%B8%E5%AE%9E"),
            Some(&disp),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(who["openid"], "dev:private-openid-123");
    let admin = app.staff(common::ADMIN.0, common::ADMIN.1).await;
    let audit: Value = app
        .get("/api/v1/admin/audit?action=reporter.view", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
    assert_eq!(audit["items"][0]["reason"], "回访核实");
    assert_eq!(audit["items"][0]["objectId"], id.as_str());
    expect_error(
        app.get("/api/v1/admin/audit", Some(&disp)).await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn case_lists_filter_and_page() {
    let app = spawn_app().await;
    let citizen = app.citizen("lists").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let a = app.submit(&citizen, "0301", LAT, LNG).await;
    let b = app.submit(&citizen, "0303", 40.86, 111.66).await;
    let _c = app.submit(&citizen, "0301", 40.80, 111.71).await;
    let get = |q: String| {
        let app = &app;
        let disp = disp.clone();
        async move {
            let v: Value = app
                .get(&format!("/api/v1/cases{q}"), Some(&disp))
                .await
                .json()
                .await
                .unwrap();
            v
        }
    };

    let all = get(String::new()).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 3);
    let page1 = get("?limit=2".into()).await;
    assert_eq!(page1["items"].as_array().unwrap().len(), 2);
    let page2 = get(format!(
        "?limit=2&cursor={}",
        page1["nextCursor"].as_str().unwrap()
    ))
    .await;
    assert_eq!(page2["items"].as_array().unwrap().len(), 1);
    assert!(page2.get("nextCursor").is_none());
    let cat = get("?category=0303".into()).await;
    assert_eq!(cat["items"].as_array().unwrap().len(), 1);
    assert_eq!(cat["items"][0]["id"], b["id"]);
    let bbox = get("?bbox=111.69,40.78,111.705,40.795".into()).await;
    assert_eq!(bbox["items"].as_array().unwrap().len(), 1);
    assert_eq!(bbox["items"][0]["id"], a["id"]);
    let area = get(format!("?area={}", a["area"]["code"].as_str().unwrap())).await;
    assert!(
        area["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == a["id"])
    );
    let status = get("?status=submitted".into()).await;
    assert_eq!(status["items"].as_array().unwrap().len(), 3);
    let overdue = get("?overdue=true".into()).await;
    assert_eq!(overdue["items"].as_array().unwrap().len(), 0);
    expect_error(
        app.get("/api/v1/cases?bbox=1,2,3", Some(&disp)).await,
        400,
        "invalid_request",
    )
    .await;
    expect_error(
        app.get("/api/v1/cases?bbox=3,2,1,4", Some(&disp)).await,
        400,
        "invalid_bbox",
    )
    .await;
    expect_error(
        app.get("/api/v1/cases", Some(&citizen)).await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn nearby_reports_are_duplicate_candidates_and_can_be_merged() {
    let app = spawn_app().await;
    let first_citizen = app.citizen("first").await;
    let second_citizen = app.citizen("second").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let first = app.submit(&first_citizen, "0301", LAT, LNG).await;
    // ~20 m north of the first.
    let second = app
        .submit(&second_citizen, "0301", LAT + 0.00018, LNG)
        .await;
    // Far away: no candidate.
    let far = app.submit(&second_citizen, "0301", 40.80, 111.71).await;
    let sid = second["id"].as_str().unwrap();

    let view = app.case(&disp, sid).await;
    let cands = view["duplicateCandidates"].as_array().unwrap();
    assert_eq!(cands.len(), 1, "{cands:?}");
    assert_eq!(cands[0]["id"], first["id"]);
    let d = cands[0]["distanceM"].as_f64().unwrap();
    assert!((15.0..25.0).contains(&d), "distance {d}");
    assert_eq!(
        app.case(&disp, far["id"].as_str().unwrap()).await["duplicateCandidates"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    let merged = app
        .act_ok(
            &disp,
            sid,
            "mark-duplicate",
            json!({"duplicateOf": first["id"]}),
        )
        .await;
    assert_eq!(merged["status"], "duplicate");
    let mine: Value = app
        .get(&format!("/api/v1/reports/{sid}"), Some(&second_citizen))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["status"], "duplicate");
    assert_eq!(mine["mergedInto"]["caseNo"], first["caseNo"]);
    let note = mine["timeline"].as_array().unwrap().last().unwrap()["note"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(note.contains(first["caseNo"].as_str().unwrap()), "{note}");
    let self_dup = app
        .act(
            &disp,
            first["id"].as_str().unwrap(),
            "mark-duplicate",
            json!({"expectedVersion": 1, "duplicateOf": first["id"]}),
        )
        .await;
    expect_error(self_dup, 422, "unknown_case").await;
}

#[tokio::test]
async fn suspension_keeps_the_time_left_and_extensions_move_the_deadline() {
    let app = spawn_app().await;
    let citizen = app.citizen("clock").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let unit = app.staff("sh-cgj", UNIT_PASSWORD).await;
    // The clock arithmetic itself is unit-tested (crates/domain/src/calendar, crates/domain/src/case/clock.rs);
    // here the API behaviour.
    let id = app.submit(&citizen, "0301", LAT, LNG).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let d = app.act_ok(&disp, &id, "dispatch", json!({})).await;

    expect_error(
        app.act(
            &disp,
            &id,
            "suspend",
            json!({"expectedVersion": d["version"]}),
        )
        .await,
        400,
        "invalid_request",
    )
    .await;
    let s = app
        .act_ok(&disp, &id, "suspend", json!({"note": "需协调多部门"}))
        .await;
    assert_eq!(s["status"], "suspended");
    assert!(s["deadlines"]["minutesLeftWhenSuspended"].as_i64().unwrap() > 0);
    assert!(
        s["deadlines"].get("dueAt").is_none(),
        "no deadline runs while suspended"
    );
    let r = app.act_ok(&disp, &id, "resume", json!({})).await;
    assert_eq!(r["status"], "dispatched");
    assert!(r["deadlines"]["dueAt"].is_string());

    app.act_ok(&unit, &id, "claim", json!({})).await;
    let v = app.case(&unit, &id).await["version"].clone();
    let bad = app
        .post_json(
            &format!("/api/v1/cases/{id}/extensions"),
            Some(&unit),
            &json!({"expectedVersion": v, "amount": 1, "reason": ""}),
        )
        .await;
    expect_error(bad, 400, "invalid_request").await;
    let blank = app
        .post_json(
            &format!("/api/v1/cases/{id}/extensions"),
            Some(&unit),
            &json!({"expectedVersion": v, "amount": 1, "reason": "  "}),
        )
        .await;
    expect_error(blank, 400, "reason_required").await;
    let asked = app
        .post_json(&format!("/api/v1/cases/{id}/extensions"), Some(&unit), &json!({"expectedVersion": v, "amount": 2, "limitUnit": "work_days", "reason": "需等待材料"}))
        .await;
    assert_eq!(asked.status(), StatusCode::OK);
    let asked: Value = asked.json().await.unwrap();
    let before = asked["deadlines"]["dueAt"].as_str().unwrap().to_owned();
    let eid = asked["extensions"][0]["id"].as_str().unwrap().to_owned();
    let decided = app
        .post_json(
            &format!("/api/v1/cases/{id}/extensions/{eid}/decision"),
            Some(&disp),
            &json!({"expectedVersion": asked["version"], "approve": true}),
        )
        .await;
    assert_eq!(decided.status(), StatusCode::OK);
    let decided: Value = decided.json().await.unwrap();
    let after = decided["deadlines"]["dueAt"].as_str().unwrap();
    let b = chrono::DateTime::parse_from_rfc3339(&before).unwrap();
    let a = chrono::DateTime::parse_from_rfc3339(after).unwrap();
    assert!(
        a - b >= chrono::Duration::hours(15),
        "two working days later: {before} → {after}"
    );
    assert_eq!(decided["deadlines"]["extended"], true);
    assert_eq!(decided["extensions"][0]["status"], "approved");
    let twice = app
        .post_json(
            &format!("/api/v1/cases/{id}/extensions/{eid}/decision"),
            Some(&disp),
            &json!({"expectedVersion": decided["version"], "approve": false}),
        )
        .await;
    expect_error(twice, 409, "extension_decided").await;
}

#[tokio::test]
async fn automatic_categories_are_dispatched_without_a_person() {
    let app = spawn_app().await;
    let citizen = app.citizen("auto").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let r = app.submit(&citizen, "0201", LAT, LNG).await;
    assert_eq!(r["status"], "dispatched");
    let c = app.case(&disp, r["id"].as_str().unwrap()).await;
    assert_eq!(actions(&c), ["submit", "accept", "dispatch"]);
    assert_eq!(c["timeline"][1]["actorRole"], "system");
    assert_eq!(c["unit"]["code"], c["routedUnit"]["code"]);
    assert!(c["deadlines"]["dueAt"].is_string());
}

#[tokio::test]
async fn the_database_refuses_a_status_role_or_limit_unit_the_code_does_not_know() {
    use sea_orm::ConnectionTrait;
    // Arrange
    let app = spawn_app().await;
    let citizen = app.citizen("typed-citizen").await;
    let no = app.submit(&citizen, "0301", LAT, LNG).await["caseNo"]
        .as_str()
        .unwrap()
        .to_owned();
    let db = &app.state.db;

    // Act
    let bad_status = db
        .execute_unprepared(&format!(
            "UPDATE cases SET status = 'on_hold' WHERE case_no = '{no}'"
        ))
        .await;
    let bad_role = db
        .execute_unprepared("UPDATE users SET role = 'superuser' WHERE username = 'dispatcher'")
        .await;
    let bad_unit = db
        .execute_unprepared("UPDATE categories SET limit_unit = 'weeks' WHERE code = '0301'")
        .await;
    let good = db
        .execute_unprepared(&format!(
            "UPDATE cases SET status = 'accepted' WHERE case_no = '{no}'"
        ))
        .await;

    // Assert
    assert!(bad_status.is_err(), "an unknown status was stored");
    assert!(bad_role.is_err(), "an unknown role was stored");
    assert!(bad_unit.is_err(), "an unknown limit unit was stored");
    assert_eq!(
        good.map(|r| r.rows_affected()).ok(),
        Some(1),
        "a known status is refused"
    );
}

#[tokio::test]
async fn a_case_is_read_in_nine_statements_whatever_its_history() {
    // Arrange: no background job may run a statement meanwhile.
    let app = common::spawn_with(|c| {
        c.workflow.background_jobs = false;
        c.workflow.cache_refresh_ms = 3_600_000;
    })
    .await;
    let citizen = app.citizen("count-citizen").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let unit = app.staff("sh-cgj", UNIT_PASSWORD).await;
    let first = app.submit(&citizen, "0301", LAT, LNG).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = app.submit(&citizen, "0301", LAT, LNG).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.act_ok(&disp, &id, "dispatch", json!({"note": "派遣"}))
        .await;
    app.act_ok(&unit, &id, "claim", json!({})).await;
    app.case(&disp, &first).await; // warms the caches
    let count = |id: String| {
        let (app, disp) = (&app, &disp);
        async move {
            let before = app.statements().await;
            let view = app.case(disp, &id).await;
            (app.statements().await - before, view)
        }
    };

    // Act
    let (short, fresh) = count(first).await;
    let (long, busy) = count(id).await;

    // Assert: the row, then photos, events, actor names, links, linked
    // cases, extensions, what an Open311 integrator sent and the number of
    // followers, at once.
    assert_eq!(fresh["timeline"].as_array().map(Vec::len), Some(1));
    assert!(busy["timeline"].as_array().map_or(0, Vec::len) >= 4);
    assert_eq!(
        busy["duplicateCandidates"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!((short, long), (9, 9), "statements for GET /cases/{{id}}");
}

#[tokio::test]
async fn a_parent_unit_sees_its_sub_units_cases_but_acts_only_on_its_own() {
    // Arrange: a case dispatched to 赛罕区城管 (sh-cgj), under hhht-cgj.
    let app = spawn_app().await;
    let citizen = app.citizen("parent-unit").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let id = app.submit(&citizen, "0301", LAT, LNG).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.act_ok(&disp, &id, "dispatch", json!({})).await;
    let parent = app.staff("hhht-cgj", UNIT_PASSWORD).await;

    // Act
    let seen = app.case(&parent, &id).await;
    let claim = app
        .act(
            &parent,
            &id,
            "claim",
            json!({"expectedVersion": seen["version"]}),
        )
        .await;

    // Assert: visible, offers no action, and a claim is refused.
    assert_eq!(seen["status"], "dispatched");
    assert_eq!(seen["actions"], json!([]));
    expect_error(claim, 403, "forbidden").await;
    let own = app.staff("sh-cgj", UNIT_PASSWORD).await;
    app.act_ok(&own, &id, "claim", json!({})).await;
}

#[tokio::test]
async fn a_unit_sees_no_linked_case_outside_its_scope() {
    // Arrange: two reports at one spot, sent to two sibling units.
    let app = spawn_app().await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let citizen = app.citizen("two-units").await;
    let theirs = app.submit(&citizen, "0301", LAT + 0.0001, LNG).await;
    let ours = app.submit(&citizen, "0301", LAT, LNG).await;
    let (ours, theirs) = (ours["id"].as_str().unwrap(), theirs["id"].as_str().unwrap());
    app.act_ok(&disp, theirs, "dispatch", json!({"unitCode": "hm-cgj"}))
        .await;
    app.act_ok(&disp, ours, "dispatch", json!({"unitCode": "sh-cgj"}))
        .await;
    assert_eq!(
        app.case(&disp, ours).await["duplicateCandidates"][0]["id"],
        theirs,
        "staff see the link"
    );

    // Act
    let unit = app.staff("sh-cgj", UNIT_PASSWORD).await;
    let view = app.case(&unit, ours).await;

    // Assert: nothing of the other unit's case, not even its number.
    assert_eq!(view["duplicateCandidates"], json!([]), "{view}");
    let theirs_no = app.case(&disp, theirs).await["caseNo"].clone();
    assert!(!view.to_string().contains(theirs_no.as_str().unwrap()));
}
