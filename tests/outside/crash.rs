//! A node killed with SIGKILL in the middle of uploads and submissions:
//! no partial rows, a restart that needs nothing, and a store sweep that
//! removes the objects the kill left without a row.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{jpeg, process};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use std::{
    collections::HashSet,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};
use suishoupai::{infra::store::ObjectStore, media::service::object_key};
use uuid::Uuid;

/// A citizen who uploads a photo and reports it, again and again; returns
/// how many reports were accepted, and counts each in `accepted` as it goes.
async fn citizen_at_work(base: String, n: u8, accepted: Arc<AtomicUsize>) -> usize {
    let http = reqwest::Client::new();
    let Ok(r) = http
        .post(format!("{base}/api/v1/auth/dev"))
        .json(&json!({"openid": format!("kill-{n}")}))
        .send()
        .await
    else {
        return 0;
    };
    let token = r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut made = 0;
    for i in 0..200u8 {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(jpeg(1600, 1200, n.wrapping_mul(31).wrapping_add(i)))
                .file_name("p.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
        let Ok(r) = http
            .post(format!("{base}/api/v1/media"))
            .bearer_auth(&token)
            .multipart(form)
            .send()
            .await
        else {
            return made;
        };
        let Ok(m) = r.json::<Value>().await else {
            return made;
        };
        let body = json!({
            "categoryCode": "0301", "description": "断电前的一次上报",
            "location": {"lat": 40.79 + f64::from(i) * 1e-4, "lng": 111.70, "coordSystem": "wgs84"},
            "mediaIds": [m["id"]],
        });
        match http
            .post(format!("{base}/api/v1/reports"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
        {
            Ok(r) if r.status() == 201 => {
                made += 1;
                accepted.fetch_add(1, Ordering::SeqCst);
            }
            Ok(_) => {}
            Err(_) => return made,
        }
    }
    made
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_mid_write_leaves_no_partial_rows_and_the_sweep_removes_its_objects() {
    // Arrange: a server process under load from four citizens.
    let tmp = tempfile::tempdir().unwrap();
    let c = common::test_config(tmp.path()).await;
    let mut server = process::serve(&c).await;
    let accepted = Arc::new(AtomicUsize::new(0));
    let load: Vec<_> = (0..4)
        .map(|n| tokio::spawn(citizen_at_work(server.base.clone(), n, accepted.clone())))
        .collect();

    // Act: SIGKILL while they work, once reports are being accepted (the
    // others are then mid-upload or mid-submission).
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while accepted.load(Ordering::SeqCst) < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "no two reports were accepted in 60 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let mut made = 0;
    for t in load {
        made += t.await.unwrap();
    }
    assert!(made > 0, "the kill came before any report was made");

    // Assert: every row whole.
    let db = suishoupai::infra::db::connect(&c.database_url, c.database_schema.as_deref())
        .await
        .unwrap();
    let store = ObjectStore::from_config(&c.store).await.unwrap();
    let photos = entity::media::Entity::find().all(&db).await.unwrap();
    for m in &photos {
        for v in [
            suishoupai::media::service::Variant::Full,
            suishoupai::media::service::Variant::Thumb,
        ] {
            assert!(
                store.get(&object_key(m.id, v)).await.unwrap().is_some(),
                "photo {} lacks an object",
                m.id
            );
        }
        assert_eq!(
            m.case_id.is_some(),
            m.event_id.is_some(),
            "photo {} half attached",
            m.id
        );
    }
    let cases = entity::cases::Entity::find().all(&db).await.unwrap();
    assert!(
        cases.len() >= made,
        "{} cases for {made} accepted reports",
        cases.len()
    );
    for case in &cases {
        let submits = entity::case_event::Entity::find()
            .filter(entity::case_event::Column::CaseId.eq(case.id))
            .filter(entity::case_event::Column::Action.eq("submit"))
            .count(&db)
            .await
            .unwrap();
        let attached = photos.iter().filter(|m| m.case_id == Some(case.id)).count();
        assert_eq!(submits, 1, "case {} without its submit event", case.case_no);
        assert!(attached >= 1, "case {} without its photo", case.case_no);
    }

    // The sweep: an object stored two hours ago and never recorded (as a
    // kill between the store and the insert leaves), plus whatever this
    // kill left, are removed; recorded photos are kept.
    let two_hours_ago = u64::try_from(chrono::Utc::now().timestamp() - 7200).unwrap();
    let orphan = Uuid::new_v7(uuid::Timestamp::from_unix(
        uuid::NoContext,
        two_hours_ago,
        0,
    ));
    store
        .put(
            &format!("media/{orphan}/full.jpg"),
            jpeg(8, 8, 1).into(),
            "image/jpeg",
        )
        .await
        .unwrap();
    let out = process::command(&c, &["admin", "sweep-store", "--grace-secs", "0"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recorded: HashSet<String> = photos.iter().map(|m| m.id.to_string()).collect();
    let left = store.list("media/").await.unwrap();
    for key in &left {
        let id = key.split('/').nth(1).unwrap();
        assert!(
            recorded.contains(id),
            "{key} has no photo row after the sweep"
        );
    }
    assert_eq!(
        left.len(),
        photos.len() * 2,
        "the sweep removed a recorded photo's object"
    );

    // A restart needs nothing: the node serves again.
    let server = process::serve(&c).await;
    let r = reqwest::get(format!("{}/api/v1/categories", server.base))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

/// How many migrations a database has recorded (none: not started yet).
async fn applied(c: &suishoupai::config::Config) -> u64 {
    let Ok(db) =
        suishoupai::infra::db::connect(&c.database_url, c.database_schema.as_deref()).await
    else {
        return 0;
    };
    use sea_orm::{ConnectionTrait, Statement};
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM seaql_migrations",
        ))
        .await;
    row.ok()
        .flatten()
        .and_then(|r| r.try_get::<i64>("", "n").ok())
        .map_or(0, |n| n.cast_unsigned())
}

/// A migration that changes the schema, then fails before it is done.
struct HalfDone;

impl migration::MigrationName for HalfDone {
    fn name(&self) -> &str {
        "m29991231_000001_half_done"
    }
}

#[migration::async_trait::async_trait]
impl migration::MigrationTrait for HalfDone {
    async fn up(&self, m: &migration::SchemaManager) -> Result<(), sea_orm::DbErr> {
        use migration::{Alias, ColumnDef, Table};
        m.create_table(
            Table::create()
                .table(Alias::new("half_done"))
                .col(ColumnDef::new(Alias::new("id")).integer().primary_key())
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("users"))
                .add_column(ColumnDef::new(Alias::new("half_done")).integer().null())
                .to_owned(),
        )
        .await?;
        Err(sea_orm::DbErr::Custom("failed half-way".into()))
    }

    async fn down(&self, _: &migration::SchemaManager) -> Result<(), sea_orm::DbErr> {
        Ok(())
    }
}

/// Every migration of the service, then `HalfDone`, applied as the
/// service applies its own.
struct WithAFailure;

#[migration::async_trait::async_trait]
impl migration::MigratorTrait for WithAFailure {
    fn migrations() -> Vec<Box<dyn migration::MigrationTrait>> {
        let mut all = migration::Migrator::migrations();
        all.push(migration::atomic(Box::new(HalfDone)));
        all
    }
}

#[tokio::test]
async fn a_migration_that_fails_half_way_leaves_nothing_of_itself() {
    use migration::MigratorTrait;
    use sea_orm::{ConnectionTrait, Statement};
    // Arrange
    let tmp = tempfile::tempdir().unwrap();
    let c = common::test_config(tmp.path()).await;
    let db = suishoupai::infra::db::connect(&c.database_url, c.database_schema.as_deref())
        .await
        .unwrap();
    let total = migration::Migrator::migrations().len() as u64;

    // Act
    let failed = WithAFailure::up(&db, None).await;

    // Assert: the service's own migrations stand; of the failed one there
    // is no table, no column and no record, and the next start is clean.
    assert!(failed.is_err(), "the failing migration failed");
    assert_eq!(applied(&c).await, total);
    let table = db
        .execute_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT 1 FROM half_done",
        ))
        .await;
    assert!(table.is_err(), "the half-done table was left behind");
    let column = db
        .execute_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT half_done FROM users",
        ))
        .await;
    assert!(column.is_err(), "the half-done column was left behind");
    migration::Migrator::up(&db, None).await.unwrap();
    assert_eq!(applied(&c).await, total);
}

#[tokio::test]
async fn a_first_start_killed_mid_migration_or_with_its_output_closed_starts_again() {
    use std::process::Stdio;
    let total = <migration::Migrator as migration::MigratorTrait>::migrations().len() as u64;

    // A command whose reader goes away at once (`… | head`) still does its
    // work, migrations and all.
    let tmp = tempfile::tempdir().unwrap();
    let c = common::test_config(tmp.path()).await;
    let mut child = process::command(
        &c,
        &[
            "admin",
            "create-account",
            "--username",
            "piped",
            "--password",
            "Piped@2026x",
            "--role",
            "dispatcher",
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    drop(child.stdout.take());
    drop(child.stderr.take());
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(
        status.success(),
        "a closed output killed the command: {status}"
    );
    assert_eq!(applied(&c).await, total);

    // First starts killed at points spread over the migrations: whatever
    // point a kill lands on, the next start completes them.
    let mut landed_mid_way = 0;
    for delay_ms in (0..16).map(|i| 15 * i * i) {
        let tmp = tempfile::tempdir().unwrap();
        let c = common::test_config(tmp.path()).await;
        let mut child = process::command(&c, &["migrate", "up"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        let _ = child.kill();
        let _ = child.wait();
        let at_kill = applied(&c).await;
        if (1..total).contains(&at_kill) {
            landed_mid_way += 1;
        }
        let out = process::command(&c, &["migrate", "up"]).output().unwrap();
        assert!(
            out.status.success(),
            "after a kill at {delay_ms} ms ({at_kill} of {total} applied) the next start failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(applied(&c).await, total);
    }
    eprintln!("{landed_mid_way} of 16 kills landed between two migrations");
}
