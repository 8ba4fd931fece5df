//! Already reported? A citizen asks what is open near the pin in the
//! category, and follows (附议) an existing case instead of filing a
//! duplicate: the case counts its followers, followers get its status
//! messages and read its public view, and nobody learns who reported it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{DISPATCHER, TestApp, eventually, spawn_with, stand_in};
use serde_json::{Value, json};

const LAT: f64 = 40.79;
const LNG: f64 = 111.70;

async fn nearby(app: &TestApp, token: &str, lat: f64, lng: f64, category: &str) -> Vec<Value> {
    let r = app
        .get(
            &format!("/api/v1/reports/nearby?lat={lat}&lng={lng}&categoryCode={category}"),
            Some(token),
        )
        .await;
    assert_eq!(r.status(), 200);
    r.json::<Vec<Value>>().await.unwrap()
}

async fn follow(app: &TestApp, token: &str, id: &str) -> reqwest::Response {
    app.post_json(
        &format!("/api/v1/reports/{id}/follow"),
        Some(token),
        &json!({}),
    )
    .await
}

#[tokio::test]
async fn already_reported_lists_open_cases_nearby_and_never_the_reporter() {
    let app = common::spawn_app().await;
    let reporter = app.citizen("first-reporter").await;
    let other = app.citizen("second-citizen").await;
    let waiting = app.submit(&reporter, "0301", LAT, LNG).await;
    let refused = app.submit(&reporter, "0301", LAT + 0.0001, LNG).await;
    app.submit(&reporter, "0201", LAT, LNG).await; // another category

    // Waiting for review: nobody else is shown them; the reporter sees
    // their own, about 11 m north of the first pin, rounded to 10 m.
    assert!(
        nearby(&app, &other, LAT + 0.0001, LNG, "0301")
            .await
            .is_empty(),
        "cases waiting for review are left out"
    );
    let own = nearby(&app, &reporter, LAT + 0.0001, LNG, "0301").await;
    let ids: Vec<&str> = own.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            refused["id"].as_str().unwrap(),
            waiting["id"].as_str().unwrap()
        ]
    );
    let first = &own[1];
    assert_eq!(first["distanceM"], 10.0, "{first}");
    assert_eq!(first["status"], "submitted");
    assert_eq!(first["followers"], 0);
    assert_eq!(first["mine"], true);

    // Taken on: listed, its photo once reviewed; refused: no longer open, gone.
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let id = waiting["id"].as_str().unwrap();
    app.act_ok(&disp, id, "accept", json!({})).await;
    app.act_ok(
        &disp,
        refused["id"].as_str().unwrap(),
        "reject",
        json!({"note": "重复"}),
    )
    .await;
    // Its photo shows once reviewed for publication, as the derivative.
    let found = nearby(&app, &other, LAT + 0.0001, LNG, "0301").await;
    assert!(found[0].get("thumbnailUrl").is_none(), "{}", found[0]);
    let queue: Value = app
        .get("/api/v1/admin/photo-reviews", Some(&disp))
        .await
        .json()
        .await
        .unwrap();
    let photo = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["caseId"] == id)
        .unwrap();
    let path = format!(
        "/api/v1/admin/photos/{}/review",
        photo["photo"]["id"].as_str().unwrap()
    );
    let r = app
        .post_json(&path, Some(&disp), &json!({"publish": true}))
        .await;
    assert_eq!(r.status(), 200);
    let found = nearby(&app, &other, LAT + 0.0001, LNG, "0301").await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["status"], "accepted");
    assert_eq!(found[0]["mine"], false);
    assert_eq!(found[0]["distanceM"], 10.0, "rounded to 10 m");
    let text = serde_json::to_string(&found).unwrap();
    assert!(
        !text.contains("first-reporter"),
        "the reporter is not named"
    );
    let thumb = found[0]["thumbnailUrl"].as_str().unwrap();
    let thumb = if thumb.starts_with('/') {
        app.url(thumb)
    } else {
        thumb.to_owned()
    };
    assert!(thumb.contains("/api/v1/public/photos/"), "{thumb}");
    let r = app.http.get(thumb).send().await.unwrap();
    assert_eq!(r.status(), 200, "the published thumbnail's URL works");

    // The reporter sees it as theirs; far away or another category: nothing.
    assert_eq!(
        nearby(&app, &reporter, LAT, LNG, "0301").await[0]["mine"],
        true
    );
    assert!(
        nearby(&app, &other, LAT + 0.02, LNG, "0301")
            .await
            .is_empty()
    );
    assert!(nearby(&app, &other, LAT, LNG, "0302").await.is_empty());

    // Input checks.
    let r = app
        .get(
            "/api/v1/reports/nearby?lat=95&lng=111.7&categoryCode=0301",
            Some(&other),
        )
        .await;
    common::expect_error(r, 400, "invalid_coordinates").await;
    let r = app
        .get(
            "/api/v1/reports/nearby?lat=40.79&lng=111.7&categoryCode=zz",
            Some(&other),
        )
        .await;
    common::expect_error(r, 422, "unknown_category").await;
    let r = app
        .get(
            "/api/v1/reports/nearby?lat=40.79&lng=111.7&categoryCode=0301",
            Some(&disp),
        )
        .await;
    assert_eq!(r.status(), 403, "citizens only");
}

#[tokio::test]
async fn a_follower_gets_the_status_messages_and_the_case_counts_them() {
    let (wx, msgs) = stand_in::wechat_messages().await;
    let app = spawn_with(|c| {
        c.wechat.base_url = wx.clone();
        c.wechat.subscribe_template_id = Some("tmpl-status".into());
        c.workflow.outbox_tick_ms = 50;
        c.workflow.outbox_backoff_ms = 50;
    })
    .await;
    let reporter = app.citizen("rep").await;
    let fan = app.citizen("fan").await;
    let stranger = app.citizen("stranger").await;
    let report = app.submit(&reporter, "0301", LAT, LNG).await;
    let id = report["id"].as_str().unwrap();

    // Not taken on yet: someone else cannot follow it (nor see it).
    common::expect_error(follow(&app, &fan, id).await, 404, "not_found").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    app.act_ok(&disp, id, "accept", json!({})).await;

    common::expect_error(follow(&app, &reporter, id).await, 409, "own_report").await;
    let r = follow(&app, &fan, id).await;
    assert_eq!(r.status(), 200);
    let once: Value = r.json().await.unwrap();
    let twice: Value = follow(&app, &fan, id).await.json().await.unwrap();
    assert_eq!(
        (once["followers"].clone(), twice["followers"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(app.case(&disp, id).await["followers"], 1);
    let found = nearby(&app, &fan, LAT, LNG, "0301").await;
    assert_eq!(
        (found[0]["following"].clone(), found[0]["followers"].clone()),
        (json!(true), json!(1))
    );

    // The follower reads the public view; a stranger does not.
    let r = app.get(&format!("/api/v1/reports/{id}"), Some(&fan)).await;
    assert_eq!(r.status(), 200);
    let view: Value = r.json().await.unwrap();
    assert_eq!(view["caseNo"], report["caseNo"]);
    let r = app
        .get(&format!("/api/v1/reports/{id}"), Some(&stranger))
        .await;
    assert_eq!(r.status(), 404);

    // A status change reaches the reporter and the follower.
    app.act_ok(&disp, id, "dispatch", json!({})).await;
    let both = eventually(10, || async {
        let sent = msgs.sent.lock().unwrap().clone();
        let to: Vec<String> = sent
            .iter()
            .filter(|(_, b)| b["data"]["phrase3"]["value"] == "已派遣")
            .map(|(_, b)| b["touser"].as_str().unwrap().to_owned())
            .collect();
        to.contains(&"dev:rep".to_owned()) && to.contains(&"dev:fan".to_owned())
    })
    .await;
    assert!(both, "{:?}", msgs.sent.lock().unwrap());
    assert!(
        !msgs
            .sent
            .lock()
            .unwrap()
            .iter()
            .any(|(_, b)| b["touser"] == "dev:stranger"),
        "only the reporter and followers"
    );

    // Unfollowing stops the count; a rating stays the reporter's.
    let r = app
        .http
        .delete(app.url(&format!("/api/v1/reports/{id}/follow")))
        .bearer_auth(&fan)
        .send()
        .await
        .unwrap();
    let off: Value = r.json().await.unwrap();
    assert_eq!(
        (off["following"].clone(), off["followers"].clone()),
        (json!(false), json!(0))
    );
    let r = app.get(&format!("/api/v1/reports/{id}"), Some(&fan)).await;
    assert_eq!(r.status(), 404, "no longer a follower");
}
