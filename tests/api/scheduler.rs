//! Deadlines over time: warnings, overdue, escalation, each fired once; two
//! server processes on one database fire each exactly once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{DISPATCHER, eventually, spawn_with};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

async fn count(app: &common::TestApp, id: Uuid, action: &str) -> u64 {
    entity::case_event::Entity::find()
        .filter(entity::case_event::Column::CaseId.eq(id))
        .filter(entity::case_event::Column::Action.eq(action))
        .count(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn warning_overdue_and_escalation_fire_once_each() {
    // Arrange: a dispatched case; no background scheduler, so that the
    // test fires the timers itself on the clock it moves.
    let app = spawn_with(|c| c.workflow.background_jobs = false).await;
    let citizen = app.citizen("timers").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let id = app.submit(&citizen, "0301", 40.79, 111.70).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let c = app.act_ok(&disp, &id, "dispatch", json!({})).await;
    let uid: Uuid = id.parse().unwrap();
    let at = |k: &str| {
        chrono::DateTime::parse_from_rfc3339(c["deadlines"][k].as_str().unwrap()).unwrap()
    };
    let (accept_due, warn_at, due_at) = (at("acceptDueAt"), at("warnAt"), at("dueAt"));
    assert!(
        app.now() < accept_due && accept_due < warn_at && warn_at < due_at,
        "{c}"
    );

    // Act and assert: nothing before the time to take the case on (接单).
    assert_eq!(app.tick().await, 0, "nothing is due yet");
    // Past the time to take it on: 接单 overdue, once.
    app.advance(accept_due - app.now() + chrono::Duration::seconds(1));
    assert_eq!(app.tick().await, 1, "接单 overdue");
    assert_eq!(app.tick().await, 0, "it fires once");
    assert_eq!(count(&app, uid, "accept_overdue").await, 1);
    // Past the warning point only.
    app.advance(warn_at - app.now() + chrono::Duration::seconds(1));
    assert_eq!(app.tick().await, 1, "the warning");
    assert_eq!(app.tick().await, 0, "a warning fires once");
    assert_eq!(count(&app, uid, "warning").await, 1);
    assert_eq!(count(&app, uid, "overdue").await, 0);
    let c = app.case(&disp, &id).await;
    assert_eq!(c["deadlines"]["overdue"], false);
    // Past the deadline: overdue, then escalated (督办) one level up.
    app.advance(due_at - app.now() + chrono::Duration::seconds(1));
    assert!(app.tick().await >= 1, "overdue and its escalation");
    assert_eq!(app.tick().await, 0, "each fires once");

    assert_eq!(count(&app, uid, "warning").await, 1);
    assert_eq!(count(&app, uid, "overdue").await, 1);
    assert_eq!(count(&app, uid, "escalate").await, 1);
    let c = app.case(&disp, &id).await;
    assert_eq!(c["deadlines"]["overdue"], true);
    assert_eq!(c["deadlines"]["escalationLevel"], 1);
    assert_eq!(c["deadlines"]["escalatedTo"]["code"], "hhht-cgj");
    let overdue: serde_json::Value = app
        .get("/api/v1/cases?overdue=true", Some(&disp))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(overdue["items"][0]["id"], id.as_str());
}

#[tokio::test]
async fn the_scheduler_state_survives_a_restart() {
    // Timers aged while no scheduler runs fire when one starts.
    let app = spawn_with(|c| c.workflow.background_jobs = false).await;
    let citizen = app.citizen("restart").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let id = app.submit(&citizen, "0301", 40.79, 111.70).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.act_ok(&disp, &id, "dispatch", json!({})).await;
    let c = app.case(&disp, &id).await;
    let due =
        chrono::DateTime::parse_from_rfc3339(c["deadlines"]["dueAt"].as_str().unwrap()).unwrap();
    app.advance(due - app.now() + chrono::Duration::minutes(30));
    let uid: Uuid = id.parse().unwrap();
    assert_eq!(count(&app, uid, "warning").await, 0, "no scheduler yet");

    let fired = app.tick().await;

    assert_eq!(
        fired, 3,
        "接单 overdue, the warning, then overdue with its escalation"
    );
    assert_eq!(count(&app, uid, "accept_overdue").await, 1);
    assert_eq!(count(&app, uid, "warning").await, 1);
    assert_eq!(count(&app, uid, "overdue").await, 1);
    assert_eq!(app.tick().await, 0);
}

/// Two server processes (the real binary) on one database, and on one Redis
/// when TEST_REDIS_URL is given, each running the scheduler every 20 ms.
#[tokio::test]
async fn two_server_processes_fire_each_event_exactly_once() {
    let app = spawn_with(|c| c.workflow.background_jobs = false).await;
    let citizen = app.citizen("two-nodes").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let mut ids = vec![];
    for i in 0..12 {
        let r = app
            .submit(&citizen, "0301", 40.79 + f64::from(i) * 0.001, 111.70)
            .await;
        let id = r["id"].as_str().unwrap().to_owned();
        app.act_ok(&disp, &id, "dispatch", json!({})).await;
        ids.push(id);
    }
    // A day on, every case is past its deadline; the processes start there.
    app.advance(chrono::Duration::days(1));
    let cfg = &app.state.config;
    let tmp = tempfile::tempdir().unwrap();
    let spawn =
        |n: usize| common::process::ticking(cfg, app.now(), &tmp.path().join(format!("o{n}")));
    let mut a = spawn(1);
    let mut b = spawn(2);

    let all_fired = eventually(60, || async {
        let mut done = true;
        for id in &ids {
            done &= count(&app, id.parse().unwrap(), "escalate").await >= 1;
        }
        done
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let _ = a.kill();
    let _ = b.kill();
    let _ = a.wait();
    let _ = b.wait();

    assert!(all_fired, "both processes ran and fired the timers");
    for id in &ids {
        let uid: Uuid = id.parse().unwrap();
        for action in ["warning", "overdue", "escalate"] {
            assert_eq!(
                count(&app, uid, action).await,
                1,
                "{action} of {id} fired exactly once"
            );
        }
    }
}

#[tokio::test]
async fn a_case_that_cannot_fire_is_set_aside_and_the_others_fire() {
    // Arrange: two due cases; firing the first one fails in the database
    // (a trigger refuses its warning, as a corrupt row or a full disk
    // would), while its timer can still be moved.
    let app = spawn_with(|c| c.workflow.background_jobs = false).await;
    let citizen = app.citizen("broken-row").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let mut ids = vec![];
    let mut numbers = vec![];
    let mut warn_at = vec![];
    for i in 0..2 {
        let r = app
            .submit(&citizen, "0301", 40.79 + f64::from(i) * 0.001, 111.70)
            .await;
        let id = r["id"].as_str().unwrap().to_owned();
        numbers.push(r["caseNo"].as_str().unwrap().to_owned());
        let c = app.act_ok(&disp, &id, "dispatch", json!({})).await;
        warn_at.push(
            chrono::DateTime::parse_from_rfc3339(c["deadlines"]["warnAt"].as_str().unwrap())
                .unwrap(),
        );
        ids.push(id.parse::<Uuid>().unwrap());
        // The second a minute later, so that the first is first in line.
        app.advance(chrono::Duration::minutes(1));
    }
    // Both past the time to take them on (接单), which fires while the
    // database still takes every update.
    app.advance(warn_at[0] - app.now() - chrono::Duration::minutes(5));
    assert_eq!(app.tick().await, 2, "接单 overdue, for each");
    let when = format!(
        "OLD.case_no = '{}' AND NEW.warned_at IS NOT NULL",
        numbers[0]
    );
    let ddl = match app.state.db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => vec![format!(
            "CREATE TRIGGER refuse_warning BEFORE UPDATE ON cases WHEN {when} \
             BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )],
        _ => vec![
            "CREATE FUNCTION refuse_warning() RETURNS trigger AS $$ \
             BEGIN RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql"
                .to_owned(),
            format!(
                "CREATE TRIGGER refuse_warning BEFORE UPDATE ON cases FOR EACH ROW \
                 WHEN ({when}) EXECUTE FUNCTION refuse_warning()"
            ),
        ],
    };
    for sql in ddl {
        app.state.db.execute_unprepared(&sql).await.unwrap();
    }

    // Act: both past their warning point, the broken one first in line.
    app.advance(warn_at[1] - app.now() + chrono::Duration::seconds(1));

    let fired = app.tick().await;

    // Assert: the sound case warns; the broken one is postponed, not retried
    // on every tick.
    assert_eq!(fired, 1, "a broken row held up the scheduler");
    assert_eq!(count(&app, ids[1], "warning").await, 1);
    assert_eq!(
        app.tick().await,
        0,
        "the broken case is not retried at once"
    );
    let broken = entity::cases::Entity::find_by_id(ids[0])
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let later = app.now() + chrono::Duration::minutes(5);
    assert!(
        broken.timer_at.is_some_and(|t| t > later),
        "the broken case's timer was not postponed: {:?}",
        broken.timer_at
    );
}
