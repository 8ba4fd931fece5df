//! Submitting and following reports.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{expect_error, jpeg, report_body, spawn_app, spawn_with};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn a_report_becomes_a_numbered_case_with_its_photos_and_first_event() {
    // Arrange
    let app = spawn_app().await;
    let token = app.citizen("alice").await;
    let p1 = app.photo(&token, jpeg(200, 100, 1)).await;
    let p2 = app.photo(&token, jpeg(200, 100, 2)).await;

    // Act
    let r = app
        .post_json("/api/v1/reports", Some(&token), &report_body(&[&p1, &p2]))
        .await;

    // Assert
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    let case_no = v["caseNo"].as_str().unwrap();
    assert!(
        case_no.starts_with("SSP-") && case_no.len() == "SSP-20261122-000123".len(),
        "{case_no}"
    );
    assert!(case_no.ends_with("-000001"));
    assert_eq!(
        v["status"], "dispatched",
        "0201 needs no manual review: accepted and dispatched at once"
    );
    assert_eq!(v["category"]["code"], "0201");
    assert_eq!(
        v["area"]["code"], "150105001001",
        "most specific area: the north grid of 人民路街道"
    );
    assert_eq!(v["photos"].as_array().unwrap().len(), 2);
    let actions: Vec<&str> = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["submit", "accept", "dispatch"]);
    assert_eq!(v["location"]["coordSystem"], "wgs84");
    assert!(v["createdAt"].as_str().unwrap().contains('T'));

    let got: Value = app
        .get(
            &format!("/api/v1/reports/{}", v["id"].as_str().unwrap()),
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["caseNo"], v["caseNo"]);
    let photo = app
        .http
        .get(app.url(got["photos"][0]["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(photo.status(), StatusCode::OK);

    // The next case of the day gets the next number.
    let p3 = app.photo(&token, jpeg(200, 100, 3)).await;
    let v2: Value = app
        .post_json("/api/v1/reports", Some(&token), &report_body(&[&p3]))
        .await
        .json()
        .await
        .unwrap();
    assert!(v2["caseNo"].as_str().unwrap().ends_with("-000002"));
}

#[tokio::test]
async fn gcj02_locations_are_stored_as_wgs84_and_can_be_read_back_in_either() {
    let app = spawn_app().await;
    let token = app.citizen("bob").await;
    let p = app.photo(&token, jpeg(50, 50, 1)).await;
    let mut body = report_body(&[&p]);
    body["location"] = json!({"lat": 40.7914, "lng": 111.7062, "coordSystem": "gcj02"});
    let v: Value = app
        .post_json("/api/v1/reports", Some(&token), &body)
        .await
        .json()
        .await
        .unwrap();
    let id = v["id"].as_str().unwrap();
    let row = <entity::cases::Entity as sea_orm::EntityTrait>::find_by_id(
        id.parse::<uuid::Uuid>().unwrap(),
    )
    .one(&app.state.db)
    .await
    .unwrap()
    .unwrap();
    // GCJ-02 is shifted ~500 m from WGS-84 around Hohhot: stored must differ.
    assert!((row.lng - 111.7062).abs() > 0.003, "stored {}", row.lng);
    let gcj: Value = app
        .get(
            &format!("/api/v1/reports/{id}?coordSystem=gcj02"),
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!((gcj["location"]["lng"].as_f64().unwrap() - 111.7062).abs() < 0.0001);
    assert!((gcj["location"]["lat"].as_f64().unwrap() - 40.7914).abs() < 0.0001);
    assert_eq!(gcj["location"]["coordSystem"], "gcj02");
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_result_and_refuses_another_body() {
    let app = spawn_app().await;
    let token = app.citizen("carol").await;
    let p = app.photo(&token, jpeg(60, 60, 1)).await;
    let body = report_body(&[&p]);
    let send = |b: Value| {
        let app = &app;
        let token = token.clone();
        async move {
            app.http
                .post(app.url("/api/v1/reports"))
                .bearer_auth(token)
                .header("Idempotency-Key", "retry-123")
                .json(&b)
                .send()
                .await
                .unwrap()
        }
    };
    let first = send(body.clone()).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();

    let again = send(body.clone()).await;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    assert_eq!(app.count(entity::cases::Entity).await, 1);

    let mut other = body.clone();
    other["description"] = json!("另一段描述");
    expect_error(send(other).await, 422, "idempotency_key_reused").await;
    assert_eq!(app.count(entity::cases::Entity).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identical_requests_at_once_make_one_report_and_all_get_its_answer() {
    // Arrange
    let app = spawn_app().await;
    let token = app.citizen("at-once").await;
    let p = app.photo(&token, jpeg(60, 60, 1)).await;
    let body = report_body(&[&p]);
    let send = || {
        app.http
            .post(app.url("/api/v1/reports"))
            .bearer_auth(&token)
            .header("Idempotency-Key", "tap-tap-tap")
            .json(&body)
            .send()
    };

    // Act: four taps of the same button, at once.
    let answers = futures_util::future::join_all((0..4).map(|_| send())).await;

    // Assert: one case; every answer is it; one of them made it.
    let mut ids = std::collections::HashSet::new();
    let mut replays = 0;
    for r in answers {
        let r = r.unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        replays += usize::from(
            r.headers()
                .get("idempotent-replayed")
                .is_some_and(|v| v == "true"),
        );
        ids.insert(
            r.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(ids.len(), 1, "all four answers name one case");
    assert_eq!(replays, 3);
    assert_eq!(app.count(entity::cases::Entity).await, 1);
}

#[tokio::test]
async fn a_key_whose_request_failed_is_free_for_the_corrected_retry() {
    let app = spawn_app().await;
    let token = app.citizen("retry-after-fail").await;
    let p = app.photo(&token, jpeg(60, 60, 1)).await;
    let send = |b: Value| {
        app.http
            .post(app.url("/api/v1/reports"))
            .bearer_auth(&token)
            .header("Idempotency-Key", "fix-and-retry")
            .json(&b)
            .send()
    };
    let mut bad = report_body(&[&p]);
    bad["mediaIds"] = json!([uuid::Uuid::now_v7()]);
    expect_error(send(bad).await.unwrap(), 422, "invalid_media").await;

    let r = send(report_body(&[&p])).await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert!(
        r.headers()
            .get("idempotent-replayed")
            .is_none_or(|v| v == "false")
    );
    assert_eq!(app.count(entity::cases::Entity).await, 1);
}

#[tokio::test]
async fn bad_reports_are_refused_and_write_nothing() {
    let app = spawn_with(|c| c.reports.max_description_chars = 20).await;
    let token = app.citizen("dave").await;
    let p = app.photo(&token, jpeg(60, 60, 1)).await;
    let before = app.footprint().await;

    let cases: Vec<(Value, u16, &str)> = vec![
        (json!({"categoryCode": "9999"}), 422, "unknown_category"),
        (json!({"categoryCode": "02"}), 422, "unknown_category"),
        (
            json!({"location": {"lat": 91.0, "lng": 111.7, "coordSystem": "wgs84"}}),
            400,
            "invalid_coordinates",
        ),
        (
            json!({"location": {"lat": 40.8, "lng": 181.0, "coordSystem": "wgs84"}}),
            400,
            "invalid_coordinates",
        ),
        (
            json!({"location": {"lat": 39.9042, "lng": 116.4074, "coordSystem": "wgs84"}}),
            400,
            "outside_service_area",
        ),
        (
            json!({"location": {"lat": 40.8, "lng": 111.7, "coordSystem": "bd09"}}),
            400,
            "invalid_request",
        ),
        (json!({"mediaIds": []}), 400, "invalid_request"),
        (json!({"mediaIds": [p, p]}), 400, "invalid_request"),
        (
            json!({"mediaIds": [uuid::Uuid::now_v7()]}),
            422,
            "invalid_media",
        ),
        (
            json!({"description": "太长了".repeat(10)}),
            400,
            "description_too_long",
        ),
        (json!({"mediaIds": "not-a-list"}), 400, "invalid_request"),
    ];
    for (patch, status, code) in cases {
        let mut body = report_body(&[&p]);
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = app.post_json("/api/v1/reports", Some(&token), &body).await;
        expect_error(r, status, code).await;
    }
    let ten: Vec<String> = (0..10).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    let mut body = report_body(&[]);
    body["mediaIds"] = json!(ten);
    expect_error(
        app.post_json("/api/v1/reports", Some(&token), &body).await,
        400,
        "invalid_request",
    )
    .await;

    assert_eq!(
        app.footprint().await,
        before,
        "no row or object from refused reports"
    );
}

#[tokio::test]
async fn photos_must_be_the_callers_own_and_unused() {
    let app = spawn_app().await;
    let alice = app.citizen("alice").await;
    let mallory = app.citizen("mallory").await;
    let p = app.photo(&alice, jpeg(60, 60, 1)).await;

    let r = app
        .post_json("/api/v1/reports", Some(&mallory), &report_body(&[&p]))
        .await;
    expect_error(r, 422, "invalid_media").await;

    assert_eq!(
        app.post_json("/api/v1/reports", Some(&alice), &report_body(&[&p]))
            .await
            .status(),
        StatusCode::CREATED
    );
    let r = app
        .post_json("/api/v1/reports", Some(&alice), &report_body(&[&p]))
        .await;
    expect_error(r, 422, "invalid_media").await;
    assert_eq!(app.count(entity::cases::Entity).await, 1);
}

#[tokio::test]
async fn a_citizen_sees_only_their_own_reports_and_pages_through_them() {
    let app = spawn_app().await;
    let alice = app.citizen("alice").await;
    let bob = app.citizen("bob").await;
    let mut ids = Vec::new();
    for i in 0..5u8 {
        let p = app.photo(&alice, jpeg(40, 40, i)).await;
        let v: Value = app
            .post_json("/api/v1/reports", Some(&alice), &report_body(&[&p]))
            .await
            .json()
            .await
            .unwrap();
        ids.push(v["id"].as_str().unwrap().to_owned());
    }

    let r = app
        .get(&format!("/api/v1/reports/{}", ids[0]), Some(&bob))
        .await;
    expect_error(r, 404, "not_found").await;
    let none: Value = app
        .get("/api/v1/me/reports", Some(&bob))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none["items"].as_array().unwrap().len(), 0);

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/me/reports?limit=2&cursor={c}"),
            None => "/api/v1/me/reports?limit=2".to_owned(),
        };
        let page: Value = app.get(&path, Some(&alice)).await.json().await.unwrap();
        for it in page["items"].as_array().unwrap() {
            assert!(it["thumbnailUrl"].is_string());
            seen.push(it["id"].as_str().unwrap().to_owned());
        }
        match page["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    ids.reverse();
    assert_eq!(seen, ids, "newest first, each once");

    expect_error(
        app.get("/api/v1/me/reports?cursor=abc", Some(&alice)).await,
        400,
        "invalid_cursor",
    )
    .await;
    expect_error(
        app.get("/api/v1/me/reports?limit=0", Some(&alice)).await,
        400,
        "invalid_request",
    )
    .await;
    expect_error(
        app.get("/api/v1/reports/not-a-uuid", Some(&alice)).await,
        400,
        "invalid_request",
    )
    .await;
}

#[tokio::test]
async fn only_citizens_submit_reports() {
    let app = spawn_app().await;
    let staff = app.staff("dispatcher", "Dispatch@2026").await;
    let r = app
        .post_json(
            "/api/v1/reports",
            Some(&staff),
            &report_body(&[&uuid::Uuid::now_v7().to_string()]),
        )
        .await;
    expect_error(r, 403, "forbidden").await;
}

#[tokio::test]
async fn the_category_tree_lists_small_categories_with_their_limits() {
    let app = spawn_app().await;
    let tree: Value = app
        .get("/api/v1/categories", None)
        .await
        .json()
        .await
        .unwrap();
    let groups = tree.as_array().unwrap();
    assert_eq!(groups.len(), 8);
    let ads = groups.iter().find(|g| g["name"] == "宣传广告").unwrap();
    let sub = &ads["children"][0];
    assert_eq!(sub["code"], "0201");
    assert_eq!(sub["limitUnit"], "work_days");
    assert!(sub["timeLimit"].as_i64().unwrap() > 0);
    assert!(sub["closeCriterion"].as_str().unwrap().len() > 3);
}

#[tokio::test]
async fn one_photo_sent_in_concurrent_reports_ends_in_exactly_one() {
    // Arrange
    let app = spawn_app().await;
    let alice = app.citizen("alice").await;
    let p = app.photo(&alice, jpeg(60, 60, 7)).await;

    // Act: six submissions of the same photo at once.
    let body = report_body(&[&p]);
    let sent = futures_util::future::join_all(
        (0..6).map(|_| app.post_json("/api/v1/reports", Some(&alice), &body)),
    )
    .await;

    // Assert: one report has it; the others were refused whole.
    let mut created = Vec::new();
    for r in sent {
        match r.status().as_u16() {
            201 => created.push(r.json::<Value>().await.unwrap()),
            409 | 422 => {
                let e: Value = r.json().await.unwrap();
                assert!(
                    [
                        "invalid_media",
                        "media_already_attached",
                        "concurrent_update"
                    ]
                    .contains(&e["code"].as_str().unwrap()),
                    "{e}"
                );
            }
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(created.len(), 1);
    assert_eq!(created[0]["photos"][0]["id"], p.as_str());
    assert_eq!(app.count(entity::cases::Entity).await, 1);
    let events = app.count(entity::case_event::Entity).await;
    assert_eq!(
        events as usize,
        created[0]["timeline"].as_array().unwrap().len()
    );
}

#[tokio::test]
async fn a_photo_left_unattached_past_its_time_cannot_be_reported() {
    // Arrange: unattached photos expire after a minute, and a minute passes.
    let app = spawn_with(|c| c.media.unattached_ttl_secs = 60).await;
    let alice = app.citizen("alice").await;
    let p = app.photo(&alice, jpeg(60, 60, 9)).await;
    app.advance(chrono::Duration::seconds(61));

    // Act
    let r = app
        .post_json("/api/v1/reports", Some(&alice), &report_body(&[&p]))
        .await;

    // Assert
    let e = expect_error(r, 422, "invalid_media").await;
    assert_eq!(e["details"]["mediaIds"][0], p.as_str());
    assert_eq!(app.count(entity::cases::Entity).await, 0);
    assert_eq!(app.count(entity::case_event::Entity).await, 0);
}

#[tokio::test]
async fn an_automatic_submission_is_routed_dispatched_and_written_in_four_statements() {
    // Arrange: no background job may run a statement meanwhile; caches warm.
    let app = spawn_with(|c| {
        c.workflow.background_jobs = false;
        c.workflow.cache_refresh_ms = 3_600_000;
    })
    .await;
    let citizen = app.citizen("count-submit").await;
    let warm = app.photo(&citizen, jpeg(64, 48, 10)).await;
    let mut body = report_body(&[&warm]);
    body["categoryCode"] = json!("0201");
    assert_eq!(
        app.post_json("/api/v1/reports", Some(&citizen), &body)
            .await
            .status(),
        201
    );
    let photo = app.photo(&citizen, jpeg(64, 48, 11)).await;
    let mut body = report_body(&[&photo]);
    body["categoryCode"] = json!("0201");
    body["location"]["lat"] = json!(40.80);

    // Act
    let before = app.statements().await;
    let r = app
        .post_json("/api/v1/reports", Some(&citizen), &body)
        .await;
    let after = app.statements().await;

    // Assert: duplicate search, INSERT case, INSERT events, UPDATE media
    // RETURNING (BEGIN and COMMIT are not counted; the case number comes
    // from the node's block). No points yet: an automatic dispatch is not
    // a person taking the case on.
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "dispatched");
    assert_eq!(after - before, 4, "statements for one submission");
}

/// A pin exactly on the border of 玉泉区 and 赛罕区 (lng 111.68), or a few
/// metres outside the city's edge, goes to one area by the stated rule
/// (deepest level, nearest, smaller, lower code); only a pin farther than
/// `workflow.border_tolerance_m` (30 m) from every area is refused.
#[tokio::test]
async fn pins_on_a_border_or_just_outside_belong_to_one_area() {
    let app = spawn_app().await;
    let citizen = app.citizen("border").await;
    // The shared border: both districts' grids touch it; 玉泉区's are smaller.
    let r = app.submit(&citizen, "0201", 40.80, 111.68).await;
    assert!(
        r["area"]["code"].as_str().unwrap().starts_with("150104"),
        "{r}"
    );
    // About 17 m east of the city's eastern edge (111.85), inside 赛罕区's latitudes.
    let r = app.submit(&citizen, "0201", 40.78, 111.8502).await;
    assert!(
        r["area"]["code"].as_str().unwrap().starts_with("150105"),
        "{r}"
    );
    // About 100 m east: outside.
    let media = app.photo(&citizen, jpeg(64, 48, 77)).await;
    let r = app
        .post_json(
            "/api/v1/reports",
            Some(&citizen),
            &json!({
                "categoryCode": "0201",
                "location": {"lat": 40.78, "lng": 111.8512, "coordSystem": "wgs84"},
                "mediaIds": [media],
            }),
        )
        .await;
    expect_error(r, 400, "outside_service_area").await;
}
