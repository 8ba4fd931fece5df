//! Open311 GeoReport v2 over HTTP: the cases integrators file go through
//! the same submission path and lifecycle, show their integrator to staff
//! and never their reporter to the public; api_keys are issued, limited,
//! revoked and audited by API and CLI. Real client libraries drive the
//! endpoint in `tests/outside/georeport.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{ADMIN, DISPATCHER, TestApp, issue_key as issue};
use serde_json::{Value, json};

/// A form post to `/open311/v2/requests.json`.
async fn post(app: &TestApp, fields: &[(&str, &str)]) -> reqwest::Response {
    app.http
        .post(app.url("/open311/v2/requests.json"))
        .form(fields)
        .send()
        .await
        .unwrap()
}

/// The one Open311 error of an answer: its status and description.
async fn open311_error(r: reqwest::Response, status: u16) -> String {
    assert_eq!(r.status().as_u16(), status);
    let body: Value = r.json().await.unwrap();
    let errors = body.as_array().expect("an error list");
    assert_eq!(errors.len(), 1, "{body}");
    assert_eq!(errors[0]["code"], status, "{body}");
    errors[0]["description"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_open311_case_follows_the_same_lifecycle() {
    let app = common::spawn_app().await;
    let (key, _) = issue(&app, "城市服务App", None).await;
    // 0303 is reviewed by hand: the case waits, then is accepted and sent.
    let r = post(
        &app,
        &[
            ("api_key", &key),
            ("service_code", "0303"),
            ("lat", "40.79"),
            ("long", "111.70"),
            ("description", "小区门口有车长期占用消防通道"),
            ("attribute[plate]", "蒙A12345"),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let posted: Value = r.json().await.unwrap();
    let (case_no, id) = (
        posted[0]["service_request_id"].as_str().unwrap().to_owned(),
        posted[0]["token"].as_str().unwrap().to_owned(),
    );
    let read = |path: String| {
        let app = &app;
        async move {
            let r = app.get(&path, None).await;
            assert_eq!(r.status(), 200, "{path}");
            r.json::<Value>().await.unwrap()[0].clone()
        }
    };
    // Waiting for review: not public, whoever filed it.
    let waiting = app
        .get(&format!("/open311/v2/requests/{case_no}.json"), None)
        .await;
    open311_error(waiting, 404).await;

    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    app.act_ok(&disp, &id, "accept", json!({})).await;
    let sent = app.act_ok(&disp, &id, "dispatch", json!({})).await;
    let dispatched = read(format!("/open311/v2/requests/{case_no}.json")).await;
    assert_eq!(dispatched["status_notes"], "已派遣");
    assert_eq!(dispatched["agency_responsible"], sent["unit"]["name"]);
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(dispatched["expected_datetime"].as_str().unwrap())
            .unwrap(),
        chrono::DateTime::parse_from_rfc3339(sent["deadlines"]["dueAt"].as_str().unwrap()).unwrap()
    );
    // Whole minutes, whatever the hour of the dispatch: no view can round
    // it differently.
    let due =
        chrono::DateTime::parse_from_rfc3339(sent["deadlines"]["dueAt"].as_str().unwrap()).unwrap();
    use chrono::Timelike;
    assert_eq!((due.second(), due.nanosecond()), (0, 0), "{due}");
    // Refused at review: closed for the client, with the reason.
    let r = post(
        &app,
        &[
            ("api_key", &key),
            ("service_code", "0303"),
            ("lat", "40.79"),
            ("long", "111.70"),
        ],
    )
    .await;
    let refused: Value = r.json().await.unwrap();
    let refused_id = refused[0]["token"].as_str().unwrap();
    app.act_ok(
        &disp,
        refused_id,
        "reject",
        json!({"note": "不在城管职责范围"}),
    )
    .await;
    // Refused: never public, though an integrator filed it; the staff
    // view carries the reason.
    let case_no = refused[0]["service_request_id"].as_str().unwrap();
    let closed = app
        .get(&format!("/open311/v2/requests/{case_no}.json"), None)
        .await;
    open311_error(closed, 404).await;
    let view = app.case(&disp, refused_id).await;
    assert_eq!(view["status"], "rejected");

    // A second post at the same spot is a duplicate candidate, as any
    // report would be.
    let again = post(
        &app,
        &[
            ("api_key", &key),
            ("service_code", "0201"),
            ("lat", "40.79"),
            ("long", "111.70"),
        ],
    )
    .await;
    let first: Value = again.json().await.unwrap();
    let r = post(
        &app,
        &[
            ("api_key", &key),
            ("service_code", "0201"),
            ("lat", "40.79001"),
            ("long", "111.70001"),
        ],
    )
    .await;
    let second: Value = r.json().await.unwrap();
    let view = app.case(&disp, second[0]["token"].as_str().unwrap()).await;
    let candidates: Vec<&Value> = view["duplicateCandidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["caseNo"])
        .collect();
    assert!(
        candidates.contains(&&first[0]["service_request_id"]),
        "{view}"
    );

    // Outside the city: refused like any report, and nothing is written.
    let before = app.count(entity::cases::Entity).await;
    let far = post(
        &app,
        &[
            ("api_key", &key),
            ("service_code", "0201"),
            ("lat", "31.23"),
            ("long", "121.47"),
        ],
    )
    .await;
    let why = open311_error(far, 400).await;
    assert!(why.contains("outside_service_area"), "{why}");
    assert_eq!(app.count(entity::cases::Entity).await, before);
}

#[tokio::test]
async fn the_public_never_reads_an_unreviewed_citizen_report() {
    let app = common::spawn_app().await;
    let citizen = app.citizen("o311-citizen").await;
    let report = app.submit(&citizen, "0301", 40.79, 111.70).await;
    let case_no = report["caseNo"].as_str().unwrap();
    open311_error(
        app.get(&format!("/open311/v2/requests/{case_no}.json"), None)
            .await,
        404,
    )
    .await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    app.act_ok(&disp, report["id"].as_str().unwrap(), "accept", json!({}))
        .await;
    let r = app
        .get(&format!("/open311/v2/requests/{case_no}.json"), None)
        .await;
    assert_eq!(r.status(), 200);
    let body = r.text().await.unwrap();
    assert!(!body.contains("o311-citizen"), "the reporter is not shown");
    let one: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(one[0]["status_notes"], "已立案");
}

#[tokio::test]
async fn each_key_has_its_own_limit_and_a_revoked_key_is_refused() {
    let app = common::spawn_app().await;
    let (slow, slow_id) = issue(&app, "限流测试", Some(2)).await;
    let (other, _) = issue(&app, "另一家", None).await;
    let fields = |key: &str| {
        vec![
            ("api_key".to_owned(), key.to_owned()),
            ("service_code".to_owned(), "0201".to_owned()),
            ("lat".to_owned(), "40.79".to_owned()),
            ("long".to_owned(), "111.70".to_owned()),
        ]
    };
    let send = |key: &str| {
        let (app, f) = (&app, fields(key));
        async move {
            app.http
                .post(app.url("/open311/v2/requests.json"))
                .form(&f)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(send(&slow).await.status(), 200);
    assert_eq!(send(&slow).await.status(), 200);
    let limited = send(&slow).await;
    assert!(limited.headers().contains_key("retry-after"));
    open311_error(limited, 429).await;
    assert_eq!(
        send(&other).await.status(),
        200,
        "another key is not held up"
    );

    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let r = app
        .post_json(
            &format!("/api/v1/admin/api-keys/{slow_id}/revoke"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let row: Value = r.json().await.unwrap();
    assert!(row["revokedAt"].is_string());
    let why = open311_error(send(&slow).await, 403).await;
    assert!(why.contains("revoked"), "{why}");

    let listed: Value = app
        .get("/api/v1/admin/api-keys", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["另一家", "限流测试"]);
    assert!(
        !listed.to_string().contains(&slow),
        "the key itself is never listed"
    );
    let audit: Value = app
        .get("/api/v1/admin/audit?limit=100", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "api_key.issue").count(),
        2,
        "{actions:?}"
    );
    assert!(actions.contains(&"api_key.revoke"), "{actions:?}");

    // A name in use is refused; a citizen may not issue keys.
    let r = app
        .post_json(
            "/api/v1/admin/api-keys",
            Some(&admin),
            &json!({"name": "另一家"}),
        )
        .await;
    common::expect_error(r, 409, "api_key_name_taken").await;
    let citizen = app.citizen("o311-nobody").await;
    let r = app
        .post_json(
            "/api/v1/admin/api-keys",
            Some(&citizen),
            &json!({"name": "x"}),
        )
        .await;
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn the_cli_issues_lists_and_revokes_keys() {
    let app = common::spawn_app().await;
    let cli = |args: &[&str]| {
        let out = common::process::command(&app.state.config, args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    let key = cli(&["admin", "api-key", "issue", "区网格中心", "--rate", "5"]);
    assert!(key.starts_with("o311_"), "{key}");
    let r = post(
        &app,
        &[
            ("api_key", &key),
            ("service_code", "0201"),
            ("lat", "40.79"),
            ("long", "111.70"),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let list = cli(&["admin", "api-key", "list"]);
    assert!(
        list.contains("区网格中心") && list.contains("5/min"),
        "{list}"
    );
    assert!(!list.contains(&key));
    cli(&["admin", "api-key", "revoke", "区网格中心"]);
    let r = post(
        &app,
        &[
            ("api_key", &key),
            ("service_code", "0201"),
            ("lat", "40.79"),
            ("long", "111.70"),
        ],
    )
    .await;
    open311_error(r, 403).await;
}

#[tokio::test]
async fn anonymous_reads_are_limited_per_address_and_pages_do_not_go_deep() {
    let app = common::spawn_with(|c| c.limits.open311_reads_per_ip = 3).await;
    let deep = app
        .get("/open311/v2/requests.json?page=12&page_size=1000", None)
        .await;
    let why = open311_error(deep, 400).await;
    assert!(why.contains("deep"), "{why}");
    let mut statuses = vec![];
    for _ in 0..5 {
        statuses.push(
            app.get("/open311/v2/requests.json", None)
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(&statuses[3..], [429, 429], "{statuses:?}");
    // The service list is not a database read: not limited.
    assert_eq!(
        app.get("/open311/v2/services.json", None).await.status(),
        200
    );
}
