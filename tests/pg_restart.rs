//! PostgreSQL restarted under load (every connection of the node cut, as a
//! restart or a failover does): requests meanwhile get 503 with
//! Retry-After, never 500; no request half-writes; the node recovers
//! without a restart. Its own test binary: it cuts every connection to the
//! database, which would disturb tests running beside it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{jpeg, report_body};
use sea_orm::{ColumnTrait, ConnectionTrait, Database, EntityTrait, PaginatorTrait, QueryFilter};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_restart_under_load_half_writes_nothing_and_needs_no_node_restart() {
    let Some(url) = common::real_part("TEST_DATABASE_URL") else {
        // SQLite is a file inside the process: it has no server to restart.
        eprintln!("PostgreSQL only: set TEST_DATABASE_URL (CI does)");
        return;
    };
    // Arrange: a citizen with photos ready, on a node on PostgreSQL.
    let app = common::spawn_with(|c| {
        c.limits.report_per_user = 1000;
        c.limits.upload_per_user = 1000;
    })
    .await;
    let token = app.citizen("pg-restart").await;
    let mut photos = vec![];
    for i in 0..24u8 {
        photos.push(app.photo(&token, jpeg(40, 40, i)).await);
    }
    let admin = Database::connect(&url).await.unwrap();

    // Act: reports sent one after another, each retried on 503 as a client
    // does, while every connection of the node is cut three times.
    let load = {
        let (http, base, token) = (app.http.clone(), app.base.clone(), token.clone());
        tokio::spawn(async move {
            let mut statuses = vec![];
            for (i, p) in photos.iter().enumerate() {
                for _ in 0..40 {
                    let r = http
                        .post(format!("{base}/api/v1/reports"))
                        .bearer_auth(&token)
                        .header("Idempotency-Key", format!("pg-{i}"))
                        .json(&report_body(&[p]))
                        .send()
                        .await
                        .unwrap();
                    let s = r.status().as_u16();
                    statuses.push(s);
                    if s != 503 {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
            statuses
        })
    };
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        admin
            .execute_unprepared(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid() \
                 AND backend_type = 'client backend'",
            )
            .await
            .unwrap();
    }
    let statuses = load.await.unwrap();

    // Assert: 201 or 503 only; every report made once, whole.
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 503),
        "statuses during the restarts: {statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        24,
        "{statuses:?}"
    );
    assert_eq!(app.count(entity::cases::Entity).await, 24);
    let attached = entity::media::Entity::find()
        .filter(entity::media::Column::CaseId.is_not_null())
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(attached, 24, "every report has its photo");
    // And the node answers as before.
    let r = app.get("/api/v1/me/reports", Some(&token)).await;
    assert_eq!(r.status(), 200);
}
