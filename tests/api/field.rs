//! What the mini-program's field workers and citizens need of the API: a
//! unit's inbox most urgent first, a unit account bound to its holder's
//! WeChat for a one-tap login, the cases a citizen follows, and a report's
//! promised deadline with its before and after photos.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn json_of(r: reqwest::Response) -> Value {
    r.json().await.unwrap()
}

#[tokio::test]
async fn a_units_inbox_comes_most_urgent_first_a_page_at_a_time() {
    // Arrange: three cases dispatched to sh-cgj, the middle one made overdue,
    // the last one's deadline earlier than the first's: the first a 小广告
    // (a working day), the other two 占道经营 (two working hours), the last
    // dispatched after the middle one's deadline passed.
    let app = spawn_app().await;
    let citizen = app.citizen("inbox").await;
    let unit = app.staff("sh-cgj", UNIT_PASSWORD).await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let mut ids = vec![];
    for (i, code) in ["0201", "0301", "0301"].into_iter().enumerate() {
        if i == 2 {
            app.advance(chrono::Duration::hours(4));
        }
        let r = app
            .submit(&citizen, code, 40.79 + i as f64 * 0.0004, 111.70)
            .await;
        let id = r["id"].as_str().unwrap().to_owned();
        if code == "0301" {
            app.act_ok(&disp, &id, "dispatch", json!({})).await;
        }
        ids.push(id);
    }

    // Act: two pages of two.
    let first = json_of(
        app.get(
            "/api/v1/cases?status=dispatched&sort=due&limit=2",
            Some(&unit),
        )
        .await,
    )
    .await;
    let cursor = first["nextCursor"].as_str().unwrap();
    let second = json_of(
        app.get(
            &format!("/api/v1/cases?status=dispatched&sort=due&limit=2&cursor={cursor}"),
            Some(&unit),
        )
        .await,
    )
    .await;

    // Assert: overdue, then the sooner deadline, then the later one.
    let order: Vec<&str> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(order, [&ids[1], &ids[2], &ids[0]], "{first} {second}");
    assert!(second.get("nextCursor").is_none(), "{second}");
    // The default order is still newest first.
    let newest = json_of(
        app.get("/api/v1/cases?status=dispatched", Some(&unit))
            .await,
    )
    .await;
    assert_eq!(newest["items"][0]["id"], ids[2].as_str());
    // A cursor of the other order is refused, not misread.
    let r = app
        .get(
            "/api/v1/cases?sort=due&cursor=bm90LWEtY3Vyc29y",
            Some(&unit),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_unit_account_bound_to_a_wechat_logs_in_with_one_tap_until_its_password_is_reset() {
    // Arrange
    let (wx, _) = stand_in::wechat().await;
    let app = spawn_with(|c| c.wechat.base_url = wx.clone()).await;
    let unit = app.staff("sh-cgj", UNIT_PASSWORD).await;
    let login = |code: &'static str| {
        let app = &app;
        async move {
            app.post_json("/api/v1/auth/wechat/staff", None, &json!({ "code": code }))
                .await
        }
    };
    expect_error(login("ok-worker").await, 401, "wechat_not_bound").await;
    let bind = |token: String, code: &'static str, password: &'static str| {
        let app = &app;
        async move {
            app.post_json(
                "/api/v1/me/wechat",
                Some(&token),
                &json!({ "code": code, "password": password }),
            )
            .await
        }
    };

    // A token alone does not bind: the password is given again.
    expect_error(
        bind(unit.clone(), "ok-worker", "not-it").await,
        401,
        "invalid_credentials",
    )
    .await;

    // Act: bind, then log in with a code of the same WeChat.
    let me = json_of(bind(unit.clone(), "ok-worker", UNIT_PASSWORD).await).await;
    assert_eq!(me["wechatBound"], true, "{me}");
    let r = login("ok-worker").await;

    // Assert: a unit session, with its refresh token.
    assert_eq!(r.status(), StatusCode::OK);
    let t = json_of(r).await;
    assert_eq!(t["user"]["username"], "sh-cgj");
    assert_eq!(t["user"]["role"], "unit_member");
    assert!(t["refreshToken"].is_string());
    let inbox = app
        .get("/api/v1/cases?sort=due", Some(t["token"].as_str().unwrap()))
        .await;
    assert_eq!(inbox.status(), StatusCode::OK);
    // The same WeChat logs its citizen in as a citizen, not as the unit.
    let citizen = json_of(
        app.post_json("/api/v1/auth/wechat", None, &json!({"code": "ok-worker"}))
            .await,
    )
    .await;
    assert_eq!(citizen["user"]["role"], "citizen");
    // Another account cannot take the WeChat; a citizen or a dispatcher
    // cannot bind (a WeChat alone is never a console login).
    let other = app.staff("xc-cgj", UNIT_PASSWORD).await;
    expect_error(
        bind(other.clone(), "ok-worker", UNIT_PASSWORD).await,
        409,
        "wechat_bound_elsewhere",
    )
    .await;
    let citizen_token = citizen["token"].as_str().unwrap().to_owned();
    expect_error(
        bind(citizen_token, "ok-worker", UNIT_PASSWORD).await,
        403,
        "forbidden",
    )
    .await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    expect_error(bind(disp, "ok-disp", DISPATCHER.1).await, 403, "forbidden").await;

    // Disabling an account ends its binding; enabling it does not bring
    // the binding back.
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let r = bind(other, "ok-other", UNIT_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::OK);
    let other_id = account_id(&app, &admin, "xc-cgj").await;
    for step in ["disable", "enable"] {
        let r = app
            .post_json(
                &format!("/api/v1/admin/accounts/{other_id}/{step}"),
                Some(&admin),
                &json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{step}");
    }
    expect_error(login("ok-other").await, 401, "wechat_not_bound").await;

    // A password reset (a lost phone) ends the binding.
    let id = account_id(&app, &admin, "sh-cgj").await;
    let r = app
        .post_json(
            &format!("/api/v1/admin/accounts/{id}/password"),
            Some(&admin),
            &json!({"password": "New-Pass-2026"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    expect_error(login("ok-worker").await, 401, "wechat_not_bound").await;
}

async fn account_id(app: &TestApp, admin: &str, username: &str) -> String {
    let accounts = json_of(app.get("/api/v1/admin/accounts", Some(admin)).await).await;
    accounts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["username"] == username)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_citizen_finds_the_cases_they_follow_and_a_report_shows_its_promise_and_both_photo_sets()
{
    // Arrange: a case dispatched at once (0201), followed by a neighbour.
    let app = spawn_app().await;
    let reporter = app.citizen("reporter").await;
    let neighbour = app.citizen("neighbour").await;
    let unit = app.staff("sh-cgj", UNIT_PASSWORD).await;
    let r = app.submit(&reporter, "0201", 40.79, 111.70).await;
    let id = r["id"].as_str().unwrap().to_owned();
    // A dispatcher takes it on (sends it again to its unit): now public.
    let disp = app.staff(common::DISPATCHER.0, common::DISPATCHER.1).await;
    app.act_ok(&disp, &id, "dispatch", json!({})).await;
    let r = app
        .http
        .post(app.url(&format!("/api/v1/reports/{id}/follow")))
        .bearer_auth(&neighbour)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // Act / Assert: the neighbour's follows list it; the reporter's does not.
    let follows = json_of(app.get("/api/v1/me/follows", Some(&neighbour)).await).await;
    assert_eq!(follows["items"][0]["id"], id.as_str(), "{follows}");
    assert_eq!(follows["items"].as_array().unwrap().len(), 1);
    let none = json_of(app.get("/api/v1/me/follows", Some(&reporter)).await).await;
    assert!(none["items"].as_array().unwrap().is_empty());

    // While the clock runs, the report says when the city will finish.
    let view = json_of(
        app.get(&format!("/api/v1/reports/{id}"), Some(&reporter))
            .await,
    )
    .await;
    let case = app.case(&unit, &id).await;
    assert_eq!(view["dueAt"], case["deadlines"]["dueAt"], "{view}");
    assert_eq!(view["photos"].as_array().unwrap().len(), 1);
    assert!(view["afterPhotos"].as_array().unwrap().is_empty());

    // Resolved: the unit's photo is an after-photo; the deadline no longer runs.
    app.act_ok(&unit, &id, "claim", json!({})).await;
    let after = app.photo(&unit, jpeg(48, 36, 77)).await;
    app.act_ok(&unit, &id, "resolve", json!({"mediaIds": [after]}))
        .await;
    let view = json_of(
        app.get(&format!("/api/v1/reports/{id}"), Some(&reporter))
            .await,
    )
    .await;
    assert_eq!(view["photos"].as_array().unwrap().len(), 1, "{view}");
    assert_eq!(view["afterPhotos"][0]["id"], after.as_str(), "{view}");
    assert!(view.get("dueAt").is_none(), "{view}");
}
