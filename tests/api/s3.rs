//! The photo path on an S3-compatible store (s3s-fs in-process, or the
//! server CI names in TEST_S3_ENDPOINT), whatever the suite's default store.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{expect_error, fixture, jpeg, report_body};
use reqwest::StatusCode;
use serde_json::Value;
use suishoupai::config::ChecksumMode;

async fn s3_app(mode: ChecksumMode) -> common::TestApp {
    let tmp = tempfile::tempdir().unwrap();
    let mut c = common::test_config(tmp.path()).await;
    common::s3::use_s3(&mut c, &uuid::Uuid::now_v7().simple().to_string()).await;
    c.store.s3.checksums = mode;
    common::start(c, tmp).await
}

#[tokio::test]
async fn photos_and_reports_work_on_s3_with_checksums_only_when_required() {
    let app = s3_app(ChecksumMode::WhenRequired).await;
    let ready: Value = app.get("/readyz", None).await.json().await.unwrap();
    assert_eq!(ready["objectStore"], "ok");
    let token = app.citizen("s3").await;
    let r = app.upload(&token, "p.png", fixture("cups-1280.png")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let m: Value = r.json().await.unwrap();
    let id = m["id"].as_str().unwrap();
    assert_eq!(
        app.objects().await,
        vec![
            format!("media/{id}/full.jpg"),
            format!("media/{id}/thumb.jpg")
        ]
    );
    let img = app
        .http
        .get(app.url(m["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(image::load_from_memory(&img).unwrap().width(), 1280);
    let r = app
        .post_json("/api/v1/reports", Some(&token), &report_body(&[id]))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);

    // A refused upload leaves no object behind.
    expect_error(
        app.upload(&token, "x.gif", b"GIF89a....".to_vec()).await,
        415,
        "unsupported_media_type",
    )
    .await;
    assert_eq!(app.objects().await.len(), 2);
}

#[tokio::test]
async fn the_sdk_default_checksums_can_be_switched_on_for_stores_that_take_them() {
    let app = s3_app(ChecksumMode::WhenSupported).await;
    let token = app.citizen("s3b").await;
    assert_eq!(
        app.upload(&token, "a.jpg", jpeg(64, 48, 9)).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_unreachable_store_makes_readiness_fail_and_uploads_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut c = common::test_config(tmp.path()).await;
    common::s3::use_s3(&mut c, &uuid::Uuid::now_v7().simple().to_string()).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    c.store.s3.endpoint = Some(format!("http://127.0.0.1:{port}"));
    c.store.s3.create_bucket = false;
    let app = common::start(c, tmp).await;
    let r = app.get("/readyz", None).await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let token = app.citizen("s3c").await;
    let r = app.upload(&token, "a.jpg", jpeg(64, 48, 9)).await;
    assert!(r.headers().get("retry-after").is_some());
    let body = expect_error(r, 503, "storage_unavailable").await;
    assert!(!body.to_string().contains("127.0.0.1"), "{body}");
    assert_eq!(app.count(entity::media::Entity).await, 0);
}

#[tokio::test]
async fn a_store_that_goes_down_and_comes_back_needs_no_restart() {
    // Arrange: the store behind a relay the test can cut; one report made.
    let tmp = tempfile::tempdir().unwrap();
    let mut c = common::test_config(tmp.path()).await;
    common::s3::use_s3(&mut c, &uuid::Uuid::now_v7().simple().to_string()).await;
    let relay = common::relay::Relay::start(c.store.s3.endpoint.as_deref().unwrap()).await;
    c.store.s3.endpoint = Some(format!("http://{}", relay.addr));
    let app = common::start(c, tmp).await;
    let token = app.citizen("s3-down").await;
    let p = app.photo(&token, jpeg(64, 48, 3)).await;
    let report: Value = app
        .post_json("/api/v1/reports", Some(&token), &report_body(&[&p]))
        .await
        .json()
        .await
        .unwrap();
    let id = report["id"].as_str().unwrap();

    // Act: the store goes down.
    relay.set_up(false);

    // Assert: uploads and photo reads are 503 with Retry-After; the case
    // and its timeline still read; nothing half-written.
    let r = app.upload(&token, "b.jpg", jpeg(64, 48, 4)).await;
    assert_eq!(r.headers()["retry-after"], "5");
    expect_error(r, 503, "storage_unavailable").await;
    let mine = app
        .get(&format!("/api/v1/reports/{id}"), Some(&token))
        .await;
    assert_eq!(mine.status(), StatusCode::OK);
    let mine: Value = mine.json().await.unwrap();
    let photo_url = mine["photos"][0]["url"].as_str().unwrap().to_owned();
    let r = app.get(&photo_url, None).await;
    expect_error(r, 503, "storage_unavailable").await;
    assert_eq!(app.count(entity::media::Entity).await, 1);

    // The store comes back: the same node stores again.
    relay.set_up(true);
    let r = app.upload(&token, "b.jpg", jpeg(64, 48, 4)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(app.get(&photo_url, None).await.status(), StatusCode::OK);
}
