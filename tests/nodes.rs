//! Several API nodes on one database and one Redis share what they must:
//! idempotency keys and abuse limits.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{expect_error, jpeg, report_body};
use reqwest::StatusCode;
use serde_json::Value;
use suishoupai::config::{Config, Mode, StoreKind};

#[tokio::test]
async fn two_nodes_share_idempotency_keys_and_abuse_limits() {
    if std::env::var("TEST_REDIS_URL").is_err() {
        // The embedded default keeps this state in process, for one node only;
        // what protects a deployment is that production refuses two nodes
        // without Redis. CI's real-parts run exercises the sharing itself.
        let c = Config {
            mode: Mode::Production,
            jwt_secret: "0123456789abcdef0123456789abcdef-nodes".to_owned().into(),
            dev_login: false,
            nodes: 2,
            database_url: "postgres://db/ssp".into(),
            store: suishoupai::config::StoreConfig {
                kind: StoreKind::S3,
                ..Config::default().store
            },
            ..Config::default()
        };
        assert!(
            c.check().is_err(),
            "two nodes without Redis must be refused"
        );
        return;
    }

    // Arrange: two apps on the same database, Redis prefix and store.
    let tmp = tempfile::tempdir().unwrap();
    let mut c = common::test_config(tmp.path()).await;
    c.limits.report_per_user = 2;
    let tmp_b = tempfile::tempdir().unwrap();
    let a = common::start(c.clone(), tmp).await;
    let b = common::start(c, tmp_b).await;
    let token = a.citizen("two-nodes").await;
    let p1 = a.photo(&token, jpeg(40, 40, 1)).await;
    let p2 = a.photo(&token, jpeg(40, 40, 2)).await;
    let send = |app: &common::TestApp, body: Value| {
        app.http
            .post(app.url("/api/v1/reports"))
            .bearer_auth(&token)
            .header("Idempotency-Key", "shared-key")
            .json(&body)
            .send()
    };

    // Act + Assert: the key used on node A is honoured on node B.
    let first: Value = send(&a, report_body(&[&p1]))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let replay = send(&b, report_body(&[&p1])).await.unwrap();
    assert_eq!(replay.status(), StatusCode::CREATED);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    let replay: Value = replay.json().await.unwrap();
    assert_eq!(replay["id"], first["id"]);
    expect_error(
        send(&b, report_body(&[&p2])).await.unwrap(),
        422,
        "idempotency_key_reused",
    )
    .await;

    // The per-user limit (2 a minute) counts across nodes.
    let ok = b
        .post_json("/api/v1/reports", Some(&token), &report_body(&[&p2]))
        .await;
    assert_eq!(ok.status(), StatusCode::CREATED);
    let p3 = b.photo(&token, jpeg(40, 40, 3)).await;
    let r = a
        .post_json("/api/v1/reports", Some(&token), &report_body(&[&p3]))
        .await;
    expect_error(r, 429, "rate_limited").await;
}
