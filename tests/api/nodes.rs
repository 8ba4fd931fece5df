//! Several API nodes on one database and one Redis share what they must:
//! idempotency keys, abuse limits and the case-number counter.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{expect_error, jpeg, report_body};
use reqwest::StatusCode;
use serde_json::Value;
use suishoupai::config::{Config, Mode, StoreKind};

#[tokio::test]
async fn two_nodes_share_idempotency_keys_and_abuse_limits() {
    if common::real_part("TEST_REDIS_URL").is_none() {
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

#[tokio::test]
async fn nodes_reserve_case_numbers_in_blocks_and_never_hand_out_one_twice() {
    // Arrange: two nodes on one database, each reserving 3 numbers at a
    // time, so that 12 reports make both refill their blocks.
    let tmp = tempfile::tempdir().unwrap();
    let mut c = common::test_config(tmp.path()).await;
    c.reports.case_number_block = 3;
    let tmp_b = tempfile::tempdir().unwrap();
    let a = common::start(c.clone(), tmp).await;
    let b = common::start(c, tmp_b).await;
    let mut prepared = Vec::new();
    for i in 0..12u8 {
        let node = if i % 2 == 0 { &a } else { &b };
        let token = node.citizen(&format!("numbers-{i}")).await;
        let photo = node.photo(&token, jpeg(40, 40, i)).await;
        prepared.push((node, token, report_body(&[&photo])));
    }

    // Act: all at once, alternating between the nodes.
    let sent = futures_util::future::join_all(
        prepared
            .iter()
            .map(|(node, token, body)| node.post_json("/api/v1/reports", Some(token), body)),
    )
    .await;

    // Assert: every report has a number of today, none twice; each node's
    // numbers grow in the order it handed them out.
    let mut numbers = Vec::new();
    for r in sent {
        assert_eq!(r.status(), StatusCode::CREATED);
        let v: Value = r.json().await.unwrap();
        numbers.push(v["caseNo"].as_str().unwrap().to_owned());
    }
    // The day the reports were made on the nodes' clocks, China time.
    let today = a
        .now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("SSP-%Y%m%d-")
        .to_string();
    assert_eq!(today, "SSP-20261130-", "the test clock's day");
    assert!(numbers.iter().all(|n| n.starts_with(&today)), "{numbers:?}");
    let mut unique = numbers.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 12, "{numbers:?}");
    // Numbers come from blocks, so few are skipped: at most the 2 spare
    // numbers of each node's last block.
    let highest: u32 = unique.last().unwrap()[today.len()..].parse().unwrap();
    assert!((12..=16).contains(&highest), "{numbers:?}");
}

/// Four nodes started at the same moment, first on an empty database, then
/// on the migrated one: all come up, and the first-start data (shipped
/// calendar, demo city) is there once. On PostgreSQL they queue on the
/// start lock; on SQLite (one node in production) its own locking holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nodes_started_together_all_come_up() {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let tmp = tempfile::tempdir().unwrap();
    let config = common::test_config(tmp.path()).await;
    for round in ["an empty database", "a migrated database"] {
        let apps =
            futures_util::future::join_all((0..4).map(|_| suishoupai::App::build(config.clone())))
                .await;
        let mut states = vec![];
        for app in apps {
            let app = app.unwrap_or_else(|e| panic!("a node failed to start on {round}: {e:#}"));
            states.push(app.state.clone());
        }
        let db = &states[0].db;
        assert_eq!(
            entity::user::Entity::find()
                .filter(entity::user::Column::Username.eq("admin"))
                .count(db)
                .await
                .unwrap(),
            1,
            "{round}"
        );
        assert!(entity::holiday_day::Entity::find().count(db).await.unwrap() > 0);
    }
}

#[tokio::test]
async fn with_redis_down_logins_pause_and_citizens_keep_reporting() {
    let Some(redis) = common::real_part("TEST_REDIS_URL") else {
        // The embedded default has no Redis to lose; CI's real-parts run
        // takes this path.
        eprintln!("Redis only: set TEST_REDIS_URL (CI does)");
        return;
    };
    // Arrange: a node whose Redis is behind a relay the test can cut.
    let relay = common::relay::Relay::start(&redis).await;
    let tmp = tempfile::tempdir().unwrap();
    let mut c = common::test_config(tmp.path()).await;
    c.redis_url = Some(format!("redis://{}", relay.addr));
    let app = common::start(c, tmp).await;
    let citizen = app.citizen("redis-down").await;
    let staff = app.staff(common::DISPATCHER.0, common::DISPATCHER.1).await;
    let p = app.photo(&citizen, jpeg(40, 40, 7)).await;

    // Act
    relay.set_up(false);

    // Assert: tokens work (accounts are read from the database), reports
    // are accepted and replayed (keys are in the database, limits open),
    // logins pause with 503 and Retry-After.
    assert_eq!(
        app.get("/api/v1/me", Some(&staff)).await.status(),
        StatusCode::OK
    );
    let send = || {
        app.http
            .post(app.url("/api/v1/reports"))
            .bearer_auth(&citizen)
            .header("Idempotency-Key", "redis-down-1")
            .json(&report_body(&[&p]))
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let again = send().await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let r = app
        .post_json(
            "/api/v1/auth/password",
            None,
            &serde_json::json!({"username": common::DISPATCHER.0, "password": common::DISPATCHER.1}),
        )
        .await;
    assert!(r.headers().get("retry-after").is_some());
    expect_error(r, 503, "limits_unavailable").await;

    // Redis back: logins work again, without a restart.
    relay.set_up(true);
    let back = common::eventually(15, || async {
        app.post_json(
            "/api/v1/auth/password",
            None,
            &serde_json::json!({"username": common::DISPATCHER.0, "password": common::DISPATCHER.1}),
        )
        .await
        .status()
            == StatusCode::OK
    })
    .await;
    assert!(back, "logins did not come back with Redis");
}
