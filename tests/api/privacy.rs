//! Citizens' data rights (个人信息保护法): a citizen downloads what the city
//! holds about them and deletes their account; the cases stay as the
//! city's records without the identity; retention removes old photos and
//! unused identities, audited.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{ADMIN, DISPATCHER, TestApp, expect_error, spawn_with};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

const LAT: f64 = 40.79;
const LNG: f64 = 111.70;

async fn json_of(r: reqwest::Response) -> Value {
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn audit(app: &TestApp, action: &str) -> Vec<Value> {
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let page = json_of(
        app.get(
            &format!("/api/v1/admin/audit?action={action}"),
            Some(&admin),
        )
        .await,
    )
    .await;
    page["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_citizen_downloads_their_data_and_deletes_their_account() {
    // Arrange: a report taken on (points earned, a status message queued
    // to the reporter's WeChat), and a case followed.
    let app = spawn_with(|c| c.wechat.subscribe_template_id = Some("tmpl-status".into())).await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let me = app.citizen("leaving-citizen").await;
    let neighbour = app.citizen("staying-neighbour").await;
    let mine = app.submit(&me, "0201", LAT, LNG).await;
    let id = mine["id"].as_str().unwrap();
    app.act_ok(&disp, id, "dispatch", json!({})).await;
    let theirs = app.submit(&neighbour, "0201", LAT + 0.01, LNG).await;
    let theirs_id = theirs["id"].as_str().unwrap();
    app.act_ok(&disp, theirs_id, "dispatch", json!({})).await;
    let r = app
        .post_json(
            &format!("/api/v1/reports/{theirs_id}/follow"),
            Some(&me),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    // Act: the download.
    let data = json_of(app.get("/api/v1/me/data", Some(&me)).await).await;

    // Assert: the account, the report with its photo, the follow, points.
    assert_eq!(data["account"]["openid"], "dev:leaving-citizen");
    assert_eq!(data["reports"][0]["caseNo"], mine["caseNo"]);
    assert_eq!(data["reports"][0]["photos"].as_array().unwrap().len(), 1);
    assert_eq!(data["follows"][0]["id"], theirs_id);
    assert_eq!(data["points"]["balance"], 5);
    assert_eq!(data["retention"]["photoDays"], 1095);
    assert!(!data.to_string().contains("staying-neighbour"));
    expect_error(
        app.get("/api/v1/me/data", Some(&disp)).await,
        403,
        "forbidden",
    )
    .await;

    let to_me = || {
        entity::outbox::Entity::find()
            .filter(entity::outbox::Column::Target.eq("dev:leaving-citizen"))
            .count(&app.state.db)
    };
    assert!(to_me().await.unwrap() > 0, "a message names the WeChat");

    // Act: the deletion.
    let r = app
        .http
        .delete(app.url("/api/v1/me"))
        .bearer_auth(&me)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);

    // Assert: the token is refused; the case stays, naming nobody.
    assert_eq!(app.get("/api/v1/me", Some(&me)).await.status(), 401);
    let case = app.case(&disp, id).await;
    assert_eq!(case["caseNo"], mine["caseNo"]);
    let who = json_of(
        app.get(
            &format!("/api/v1/cases/{id}/reporter?reason=%E6%A0%B8%E5%AE%9E"),
            Some(&disp),
        )
        .await,
    )
    .await;
    assert_eq!(who["displayName"], "已注销用户");
    assert!(!who.to_string().contains("leaving-citizen"), "{who}");
    let follows = entity::case_follower::Entity::find()
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(follows, 0, "the follow is dropped");
    assert_eq!(to_me().await.unwrap(), 0, "no message names the WeChat");
    let deleted = audit(&app, "account.delete").await;
    assert_eq!(deleted.len(), 1);
    // The same WeChat starts again with an empty account.
    let again = app.citizen("leaving-citizen").await;
    let fresh = json_of(app.get("/api/v1/me/reports", Some(&again)).await).await;
    assert!(fresh["items"].as_array().unwrap().is_empty());
    // A staff account cannot delete itself here.
    let r = app
        .http
        .delete(app.url("/api/v1/me"))
        .bearer_auth(&disp)
        .send()
        .await
        .unwrap();
    expect_error(r, 403, "forbidden").await;
}

#[tokio::test]
async fn retention_removes_old_photos_and_unused_identities() {
    use sea_orm::{ActiveValue::Set, IntoActiveModel};
    // Arrange: a rejected case and a citizen, both made old.
    let app = spawn_with(|c| {
        c.retention.photo_days = 30;
        c.retention.identity_days = 365;
    })
    .await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let old = app.citizen("long-gone").await;
    let recent = app.citizen("still-here").await;
    let report = app.submit(&old, "0301", LAT, LNG).await;
    let kept = app.submit(&recent, "0301", LAT + 0.01, LNG).await;
    let id: uuid::Uuid = report["id"].as_str().unwrap().parse().unwrap();
    app.act_ok(
        &disp,
        &id.to_string(),
        "reject",
        json!({"note": "不在受理范围"}),
    )
    .await;
    let db = &app.state.db;
    let long_ago = app.now() - chrono::Duration::days(400);
    let mut c = entity::cases::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    c.updated_at = Set(long_ago);
    entity::cases::Entity::update(c).exec(db).await.unwrap();
    let reporter = entity::cases::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .reporter_id;
    let mut u = entity::user::Entity::find_by_id(reporter)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    // Accounts keep the system's time (README, "A clock the tests own").
    u.updated_at = Set((chrono::Utc::now() - chrono::Duration::days(400)).fixed_offset());
    entity::user::Entity::update(u).exec(db).await.unwrap();
    let photos_of = |case: uuid::Uuid| {
        entity::media::Entity::find()
            .filter(entity::media::Column::CaseId.eq(case))
            .count(db)
    };
    assert_eq!(photos_of(id).await.unwrap(), 1);

    // Act
    let (photos, people) = suishoupai::privacy::retention::run(&app.state)
        .await
        .unwrap();

    // Assert: the old case's photo and the unused identity are gone; the
    // recent ones stay; the case stays; the removal is audited.
    assert_eq!((photos, people), (1, 1));
    assert_eq!(photos_of(id).await.unwrap(), 0);
    let kept_id: uuid::Uuid = kept["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(photos_of(kept_id).await.unwrap(), 1);
    assert_eq!(app.case(&disp, &id.to_string()).await["status"], "rejected");
    let u = entity::user::Entity::find_by_id(reporter)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((u.openid, u.display_name.as_str()), (None, "已注销用户"));
    assert!(u.deleted_at.is_some());
    assert_eq!(audit(&app, "account.expire").await.len(), 1);
    assert_eq!(app.get("/api/v1/me", Some(&recent)).await.status(), 200);
    assert_eq!(app.get("/api/v1/me", Some(&old)).await.status(), 401);
}
