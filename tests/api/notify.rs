//! Notifications through the outbox: unit webhooks (HMAC-signed JSON, WeCom
//! markdown) retried until they succeed, WeChat subscribe messages with a
//! cached access token, 43101 recorded and not retried.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{ADMIN, DISPATCHER, eventually, spawn_with, stand_in};
use hmac::{Hmac, Mac};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use sha2::Sha256;

async fn outbox(app: &common::TestApp, kind: &str) -> Vec<entity::outbox::Model> {
    entity::outbox::Entity::find()
        .filter(entity::outbox::Column::Kind.eq(kind))
        .all(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_unit_webhook_that_fails_twice_gets_the_message_on_the_third_try() {
    let (url, hook) = stand_in::webhook(2).await;
    let app = spawn_with(|c| {
        c.workflow.outbox_tick_ms = 50;
        c.workflow.outbox_backoff_ms = 50;
        // The stand-in receiver is on loopback, which only the allow-list opens.
        c.webhooks.allow_hosts = vec!["127.0.0.1".into()];
    })
    .await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let secret = "0123456789abcdef-secret";
    let r = app
        .post_json(
            "/api/v1/admin/units",
            Some(&admin),
            &json!({"code": "sh-cgj", "name": "赛罕区城市管理综合执法局", "kind": "chengguan",
                    "parentCode": "hhht-cgj", "webhookKind": "hmac", "webhookUrl": url, "webhookSecret": secret}),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let citizen = app.citizen("hooked").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let id = app.submit(&citizen, "0301", 40.79, 111.70).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    app.act_ok(&disp, &id, "dispatch", json!({})).await;

    assert!(eventually(15, || async { !hook.accepted.lock().unwrap().is_empty() }).await);
    assert_eq!(
        *hook.attempts.lock().unwrap(),
        3,
        "two failures, then success"
    );
    let (ts, sig, body) = hook.accepted.lock().unwrap()[0].clone();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{}.{}", ts.unwrap(), body).as_bytes());
    assert_eq!(
        sig.unwrap(),
        format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
    );
    let msg: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(msg["event"], "dispatched");
    assert_eq!(msg["caseId"], id.as_str());
    assert!(
        eventually(5, || async {
            outbox(&app, "unit_webhook")
                .await
                .iter()
                .all(|r| r.status.as_str() == "sent")
        })
        .await
    );
    let rows = outbox(&app, "unit_webhook").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].attempts, 3);
}

#[tokio::test]
async fn wecom_group_robots_get_markdown() {
    let (url, hook) = stand_in::webhook(0).await;
    let app = spawn_with(|c| {
        c.workflow.outbox_tick_ms = 50;
        c.webhooks.allow_hosts = vec!["127.0.0.1".into()];
    })
    .await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let r = app
        .post_json(
            "/api/v1/admin/units",
            Some(&admin),
            &json!({"code": "sh-cgj", "name": "赛罕区城市管理综合执法局", "kind": "chengguan",
                    "parentCode": "hhht-cgj", "webhookKind": "wecom", "webhookUrl": url}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let citizen = app.citizen("wecom").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let id = app.submit(&citizen, "0301", 40.79, 111.70).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    app.act_ok(&disp, &id, "dispatch", json!({})).await;

    assert!(eventually(10, || async { !hook.accepted.lock().unwrap().is_empty() }).await);
    let body: Value = serde_json::from_str(&hook.accepted.lock().unwrap()[0].2).unwrap();
    assert_eq!(body["msgtype"], "markdown");
    assert!(
        body["markdown"]["content"]
            .as_str()
            .unwrap()
            .contains("SSP-")
    );
}

#[tokio::test]
async fn citizens_get_subscribe_messages_and_refusals_are_not_retried() {
    let (wx, msgs) = stand_in::wechat_messages().await;
    let app = spawn_with(|c| {
        c.wechat.base_url = wx.clone();
        c.wechat.subscribe_template_id = Some("tmpl-status".into());
        c.workflow.outbox_tick_ms = 50;
        c.workflow.outbox_backoff_ms = 50;
    })
    .await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let subscribed = app.citizen("sub").await;
    let refused = app.citizen("x").await;
    // Dev logins are prefixed "dev:"; make the second one "nosub" for the stand-in.
    entity::user::Entity::update_many()
        .col_expr(
            entity::user::Column::Openid,
            sea_orm::sea_query::Expr::value("nosub"),
        )
        .filter(entity::user::Column::Openid.eq("dev:x"))
        .exec(&app.state.db)
        .await
        .unwrap();
    let a = app.submit(&subscribed, "0301", 40.79, 111.70).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let b = app.submit(&refused, "0301", 40.80, 111.71).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let long_reason = "该位置属于私人物业管理范围，请联系小区物业处理，谢谢您的支持与理解";

    app.act_ok(&disp, &a, "reject", json!({"note": long_reason}))
        .await;
    app.act_ok(&disp, &b, "reject", json!({"note": "不属于受理范围"}))
        .await;

    assert!(
        eventually(10, || async {
            outbox(&app, "wechat_subscribe")
                .await
                .iter()
                .all(|r| r.status.as_str() != "pending")
        })
        .await
    );
    let rows = outbox(&app, "wechat_subscribe").await;
    assert_eq!(rows.len(), 2);
    let to_refused = rows.iter().find(|r| r.target == "nosub").unwrap();
    assert_eq!(to_refused.status.as_str(), "skipped");
    assert_eq!(to_refused.attempts, 1, "43101 is not retried");
    assert!(to_refused.last_error.as_deref().unwrap().contains("43101"));
    let to_sub = rows.iter().find(|r| r.target == "dev:sub").unwrap();
    assert_eq!(to_sub.status.as_str(), "sent");
    assert_eq!(
        *msgs.token_calls.lock().unwrap(),
        1,
        "the access token is cached"
    );
    let sent = msgs.sent.lock().unwrap().clone();
    let (token, body) = sent.iter().find(|(_, b)| b["touser"] == "dev:sub").unwrap();
    assert_eq!(token, "tok-1");
    assert_eq!(body["template_id"], "tmpl-status");
    let thing5 = body["data"]["thing5"]["value"].as_str().unwrap();
    assert!(
        thing5.chars().count() <= 20,
        "thing fields are ≤ 20 characters: {thing5}"
    );
    assert!(
        body["data"]["phrase3"]["value"]
            .as_str()
            .unwrap()
            .chars()
            .count()
            <= 5
    );
    assert!(
        body["data"]["character_string1"]["value"]
            .as_str()
            .unwrap()
            .starts_with("SSP-")
    );
}

async fn save_hook(app: &common::TestApp, admin: &str, code: &str, url: &str) -> reqwest::Response {
    app.post_json(
        "/api/v1/admin/units",
        Some(admin),
        &json!({"code": code, "name": format!("{code} 单位"), "kind": "chengguan",
                "parentCode": "hhht-cgj", "webhookKind": "hmac", "webhookUrl": url,
                "webhookSecret": "0123456789abcdef-secret"}),
    )
    .await
}

#[tokio::test]
async fn webhooks_to_internal_addresses_are_refused_when_saved_and_when_called() {
    // Arrange: a live receiver on loopback, not allow-listed.
    let (url, hook) = stand_in::webhook(0).await;
    let app = spawn_with(|c| c.workflow.outbox_tick_ms = 50).await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;

    // Act + Assert: save time.
    for bad in [
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://127.0.0.1:6379/",
        "http://[::1]:8080/",
        "http://localhost/hook",
        "http://10.0.0.8/hook",
        "http://100.100.100.200/latest/meta-data/",
        url.as_str(),
    ] {
        let r = save_hook(&app, &admin, "sh-cgj", bad).await;
        common::expect_error(r, 400, "webhook_not_allowed").await;
    }

    // A public address is accepted.
    let r = save_hook(&app, &admin, "sh-cgj", "https://8.8.8.8/hook").await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());

    // Connect time: a URL stored before the check (written directly) is
    // not called, and the row says why.
    entity::unit::Entity::update_many()
        .col_expr(
            entity::unit::Column::WebhookKind,
            sea_orm::sea_query::Expr::value("hmac"),
        )
        .col_expr(
            entity::unit::Column::WebhookUrl,
            sea_orm::sea_query::Expr::value(url.clone()),
        )
        .col_expr(
            entity::unit::Column::WebhookSecret,
            sea_orm::sea_query::Expr::value("0123456789abcdef-secret"),
        )
        .filter(entity::unit::Column::Code.eq("sh-cgj"))
        .exec(&app.state.db)
        .await
        .unwrap();
    let citizen = app.citizen("ssrf").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let id = app.submit(&citizen, "0301", 40.79, 111.70).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The directory snapshot holds units; the worker reads the row itself.
    app.act_ok(&disp, &id, "dispatch", json!({})).await;
    let settled = eventually(10, || async {
        outbox(&app, "unit_webhook")
            .await
            .iter()
            .any(|r| r.status.as_str() == "skipped")
    })
    .await;
    assert!(settled, "the outbox row was not settled");
    let row = &outbox(&app, "unit_webhook").await[0];
    assert!(
        row.last_error
            .as_deref()
            .unwrap()
            .contains("internal address"),
        "{row:?}"
    );
    assert_eq!(
        *hook.attempts.lock().unwrap(),
        0,
        "the internal receiver was called"
    );
}

#[tokio::test]
async fn redirects_are_not_followed_and_a_slow_receiver_holds_up_no_other() {
    // Arrange: a receiver that redirects to another, and a slow one.
    let (slow_url, slow) = stand_in::webhook(0).await;
    *slow.delay.lock().unwrap() = std::time::Duration::from_secs(20);
    let (target_url, target) = stand_in::webhook(0).await;
    let (redirect_url, redirect) = stand_in::webhook(0).await;
    *redirect.redirect_to.lock().unwrap() = Some(target_url);
    let (fast_url, fast) = stand_in::webhook(0).await;
    let app = spawn_with(|c| {
        c.workflow.outbox_tick_ms = 50;
        c.workflow.outbox_backoff_ms = 60_000;
        c.webhooks.allow_hosts = vec!["127.0.0.1".into()];
        c.webhooks.timeout_ms = 30_000;
    })
    .await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    for (code, url) in [
        ("sh-cgj", &slow_url),
        ("hhht-hw", &redirect_url),
        ("hhht-yl", &fast_url),
    ] {
        let r = save_hook(&app, &admin, code, url).await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    }
    let citizen = app.citizen("slow").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;

    // Act: the slow unit's case first, then the others'.
    for unit in ["sh-cgj", "hhht-hw", "hhht-yl"] {
        let id = app.submit(&citizen, "0301", 40.79, 111.70).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        app.act_ok(&disp, &id, "dispatch", json!({"unitCode": unit}))
            .await;
        if unit == "sh-cgj" {
            assert!(eventually(5, || async { *slow.attempts.lock().unwrap() == 1 }).await);
        }
    }

    // Assert: the fast receiver has its message while the slow one still
    // holds its call; the redirect was not followed.
    assert!(
        eventually(5, || async { !fast.accepted.lock().unwrap().is_empty() }).await,
        "a slow receiver held up another unit's webhook"
    );
    assert!(
        slow.accepted.lock().unwrap().is_empty(),
        "the slow receiver answered already"
    );
    assert!(eventually(5, || async { *redirect.attempts.lock().unwrap() == 1 }).await);
    let failed = eventually(5, || async {
        outbox(&app, "unit_webhook")
            .await
            .iter()
            .any(|r| r.last_error.as_deref() == Some("HTTP 302 Found"))
    })
    .await;
    assert!(failed, "a redirect must count as a failed delivery");
    assert_eq!(
        *target.attempts.lock().unwrap(),
        0,
        "the redirect was followed"
    );
}
