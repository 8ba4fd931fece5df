//! 创建日历: indicators and their key dates, kept one by one or imported
//! from a sheet (all or nothing); the units' tasks, reminded on the right
//! working day, done with evidence, accepted or returned, overdue and
//! escalated exactly once (across two nodes too); completion rates.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{
    ADMIN, SUPERVISOR, TestApp, UNIT_PASSWORD, eventually, expect_error, jpeg, spawn_with, stand_in,
};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

async fn json_of(r: reqwest::Response) -> Value {
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert!(status.is_success(), "{status}: {v}");
    v
}

/// Fires the calendar's clock once: (reminded, marked overdue).
async fn tick(app: &TestApp) -> (usize, usize) {
    suishoupai::campaign::schedule::tick(&app.state)
        .await
        .unwrap()
}

/// Moves the app's clock to this China-time instant.
fn move_to(app: &TestApp, at: &str) {
    let to = chrono::DateTime::parse_from_rfc3339(at).unwrap();
    app.advance(to - app.now());
}

/// The queued unit webhook messages: (target unit id, message).
async fn unit_messages(app: &TestApp) -> Vec<(String, Value)> {
    entity::outbox::Entity::find()
        .filter(entity::outbox::Column::Kind.eq(domain::outbox::Job::UnitWebhook))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.target, serde_json::from_str(&r.payload).unwrap()))
        .collect()
}

async fn unit_id(app: &TestApp, admin: &str, code: &str) -> String {
    let units = json_of(app.get("/api/v1/admin/units", Some(admin)).await).await;
    units
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == code)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn hook_units(app: &TestApp, admin: &str, url: &str, units: &[(&str, Option<&str>)]) {
    for (code, parent) in units {
        let r = app
            .post_json(
                "/api/v1/admin/units",
                Some(admin),
                &json!({"code": code, "name": format!("{code} 单位"), "kind": "chengguan",
                        "parentCode": parent, "webhookKind": "hmac", "webhookUrl": url,
                        "webhookSecret": "0123456789abcdef-secret"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    }
}

async fn upload_file(app: &TestApp, token: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    app.http
        .post(app.url("/api/v1/calendar/files"))
        .bearer_auth(token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap()
}

async fn import(app: &TestApp, token: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    app.http
        .post(app.url("/api/v1/admin/assessment-items/import"))
        .bearer_auth(token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_unit_is_reminded_two_working_days_ahead_across_national_day_and_its_overdue_task_escalates_once()
 {
    // Arrange: Monday 28 September 2026; National Day's holiday is 1–7
    // October. A key date on Friday 9 October, reminded two working days
    // ahead: Thursday 8 October is one, and the one before it is
    // Wednesday 30 September.
    let (wx, _) = stand_in::wechat().await;
    let (hook, _) = stand_in::webhook(0).await;
    let app = spawn_with(|c| {
        c.workflow.background_jobs = false;
        c.clock.start = chrono::DateTime::parse_from_rfc3339("2026-09-28T10:00:00+08:00").ok();
        c.wechat.base_url = wx.clone();
        c.wechat.calendar_template_id = Some("tmpl-calendar".into());
        c.webhooks.allow_hosts = vec!["127.0.0.1".into()];
    })
    .await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    hook_units(
        &app,
        &admin,
        &hook,
        &[("hhht-cgj", None), ("sh-cgj", Some("hhht-cgj"))],
    )
    .await;
    let unit = app.staff("sh-cgj", UNIT_PASSWORD).await;
    let bound = app
        .post_json(
            "/api/v1/me/wechat",
            Some(&unit),
            &json!({"code": "ok-liaison", "password": UNIT_PASSWORD}),
        )
        .await;
    assert_eq!(bound.status(), StatusCode::OK);
    let item = json_of(
        app.post_json(
            "/api/v1/admin/assessment-items",
            Some(&admin),
            &json!({"code": "3.1.2", "name": "公益广告宣传",
                    "criterion": "主次干道公益广告不少于总量的 25%，节前更新",
                    "unitCodes": ["sh-cgj"],
                    "keyDates": [{"title": "国庆节后公益广告更新", "rule": "2026-10-09",
                                  "leadWorkingDays": 2}]}),
        )
        .await,
    )
    .await;
    assert_eq!(item["keyDates"][0]["rule"], "2026-10-09");
    assert_eq!(item["units"][0]["code"], "sh-cgj");
    let tasks = json_of(
        app.get("/api/v1/calendar/tasks?month=2026-10", Some(&unit))
            .await,
    )
    .await;
    assert_eq!(tasks["items"].as_array().unwrap().len(), 1, "{tasks}");
    let task = &tasks["items"][0];
    assert_eq!(task["dueOn"], "2026-10-09");
    assert_eq!(task["remindOn"], "2026-09-30");
    assert_eq!(task["status"], "pending");
    let id = task["id"].as_str().unwrap().to_owned();
    let sh = unit_id(&app, &admin, "sh-cgj").await;
    let city = unit_id(&app, &admin, "hhht-cgj").await;

    // Act and assert: nothing on Monday or Tuesday; the reminder on
    // Wednesday 30 September, once.
    assert_eq!(tick(&app).await, (0, 0));
    move_to(&app, "2026-09-29T09:00:00+08:00");
    assert_eq!(tick(&app).await, (0, 0), "not yet on Tuesday");
    move_to(&app, "2026-09-30T08:30:00+08:00");
    assert_eq!(tick(&app).await, (1, 0), "reminded on Wednesday");
    assert_eq!(tick(&app).await, (0, 0), "reminded once");
    let msgs = unit_messages(&app).await;
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert_eq!(msgs[0].0, sh);
    assert_eq!(msgs[0].1["event"], "calendar_reminder");
    assert_eq!(msgs[0].1["taskId"], id.as_str());
    assert_eq!(msgs[0].1["dueOn"], "2026-10-09");
    let subscribe: Vec<Value> = entity::outbox::Entity::find()
        .filter(entity::outbox::Column::Kind.eq(domain::outbox::Job::WechatSubscribe))
        .all(&app.state.db)
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_str(&r.payload).unwrap())
        .collect();
    assert_eq!(subscribe.len(), 1, "{subscribe:?}");
    assert_eq!(subscribe[0]["touser"], "liaison");
    assert_eq!(subscribe[0]["template_id"], "tmpl-calendar");
    assert_eq!(subscribe[0]["data"]["time2"]["value"], "2026-10-09");

    // The date passes undone: overdue, and escalated to the city's
    // bureau, once.
    move_to(&app, "2026-10-09T20:00:00+08:00");
    assert_eq!(tick(&app).await, (0, 0), "due today is not overdue");
    move_to(&app, "2026-10-10T00:05:00+08:00");
    assert_eq!(tick(&app).await, (0, 1), "overdue the day after");
    assert_eq!(tick(&app).await, (0, 0), "once");
    let t = json_of(
        app.get(&format!("/api/v1/calendar/tasks/{id}"), Some(&unit))
            .await,
    )
    .await;
    assert_eq!(t["overdue"], true);
    assert_eq!(t["statusLabel"], "已超期");
    assert_eq!(t["escalatedTo"]["code"], "hhht-cgj");
    // The unit above reads the task it was told of, and does not do it.
    let city_unit = app.staff("hhht-cgj", UNIT_PASSWORD).await;
    let seen = app
        .get(&format!("/api/v1/calendar/tasks/{id}"), Some(&city_unit))
        .await;
    assert_eq!(seen.status(), StatusCode::OK);
    expect_error(
        app.post_json(
            &format!("/api/v1/calendar/tasks/{id}/submit"),
            Some(&city_unit),
            &json!({"note": "x"}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    let msgs = unit_messages(&app).await;
    let events: Vec<(String, String)> = msgs
        .iter()
        .map(|(to, m)| (to.clone(), m["event"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        events,
        [
            (sh.clone(), "calendar_reminder".to_owned()),
            (sh.clone(), "calendar_overdue".to_owned()),
            (city.clone(), "calendar_escalated".to_owned()),
        ]
    );

    // Done late, with a note, a photo and a file; returned; done again;
    // accepted. The return does not make it overdue a second time.
    let photo = app.photo(&unit, jpeg(64, 48, 7)).await;
    let file =
        json_of(upload_file(&app, &unit, "更新台账.pdf", b"%PDF-1.4 ledger".to_vec()).await).await;
    assert_eq!(file["contentType"], "application/pdf");
    let done = json_of(
        app.post_json(
            &format!("/api/v1/calendar/tasks/{id}/submit"),
            Some(&unit),
            &json!({"note": "已更新 42 处公益广告", "mediaIds": [photo],
                    "fileIds": [file["id"]], "expectedVersion": t["version"]}),
        )
        .await,
    )
    .await;
    assert_eq!(done["status"], "submitted");
    assert_eq!(done["late"], true);
    assert_eq!(done["overdue"], false, "handed in: no longer open");
    assert_eq!(done["photos"].as_array().unwrap().len(), 1);
    assert_eq!(done["files"][0]["name"], "更新台账.pdf");
    let supervisor = app.staff(SUPERVISOR.0, SUPERVISOR.1).await;
    let back = app
        .get(
            &format!("/api/v1/calendar/files/{}", file["id"].as_str().unwrap()),
            Some(&supervisor),
        )
        .await;
    assert_eq!(back.status(), StatusCode::OK);
    assert_eq!(back.bytes().await.unwrap().as_ref(), b"%PDF-1.4 ledger");
    let returned = json_of(
        app.post_json(
            &format!("/api/v1/calendar/tasks/{id}/decision"),
            Some(&supervisor),
            &json!({"accept": false, "note": "缺少点位照片"}),
        )
        .await,
    )
    .await;
    assert_eq!(returned["status"], "returned");
    assert_eq!(returned["decisionNote"], "缺少点位照片");
    assert_eq!(tick(&app).await, (0, 0), "overdue once, even when returned");
    let last = unit_messages(&app).await.pop().unwrap();
    assert_eq!(
        (last.0.as_str(), last.1["event"].as_str()),
        (sh.as_str(), Some("calendar_returned"))
    );
    app.post_json(
        &format!("/api/v1/calendar/tasks/{id}/submit"),
        Some(&unit),
        &json!({"note": "补充点位照片"}),
    )
    .await;
    let accepted = json_of(
        app.post_json(
            &format!("/api/v1/calendar/tasks/{id}/decision"),
            Some(&supervisor),
            &json!({"accept": true}),
        )
        .await,
    )
    .await;
    assert_eq!(accepted["status"], "accepted");

    // The rates: one due, accepted, not on time, overdue once.
    let c = json_of(
        app.get(
            "/api/v1/calendar/completion?from=2026-10-01&to=2026-10-31",
            Some(&supervisor),
        )
        .await,
    )
    .await;
    assert_eq!(c["total"]["due"], 1);
    assert_eq!(c["total"]["accepted"], 1);
    assert_eq!(c["total"]["onTime"], 0);
    assert_eq!(c["total"]["overdue"], 1);
    assert_eq!(c["total"]["completionRate"], 1.0);
    assert_eq!(c["total"]["onTimeRate"], 0.0);
    assert_eq!(c["byUnit"][0]["unit"]["code"], "sh-cgj");
    assert_eq!(c["byItem"][0]["code"], "3.1.2");
}

#[tokio::test]
async fn what_a_task_refuses_and_who_sees_it() {
    let app = spawn_with(|c| c.workflow.background_jobs = false).await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    json_of(
        app.post_json(
            "/api/v1/admin/assessment-items",
            Some(&admin),
            &json!({"code": "5.2", "name": "背街小巷环境", "unitCodes": ["sh-cgj", "xc-cgj"],
                    "keyDates": [{"title": "月度自查", "rule": "2026-12-10"}]}),
        )
        .await,
    )
    .await;
    let sh = app.staff("sh-cgj", UNIT_PASSWORD).await;
    let xc = app.staff("xc-cgj", UNIT_PASSWORD).await;
    let supervisor = app.staff(SUPERVISOR.0, SUPERVISOR.1).await;
    let citizen = app.citizen("calendar-citizen").await;
    let mine = json_of(
        app.get("/api/v1/calendar/tasks?month=2026-12", Some(&sh))
            .await,
    )
    .await;
    let items = mine["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "a unit sees its own task only: {mine}");
    assert_eq!(items[0]["unit"]["code"], "sh-cgj");
    assert_eq!(
        items[0]["remindOn"], "2026-12-08",
        "default lead: two working days"
    );
    let id = items[0]["id"].as_str().unwrap().to_owned();
    let all = json_of(
        app.get("/api/v1/calendar/tasks?month=2026-12", Some(&supervisor))
            .await,
    )
    .await;
    assert_eq!(
        all["items"].as_array().unwrap().len(),
        2,
        "staff see both units'"
    );
    let path = format!("/api/v1/calendar/tasks/{id}");

    // Another unit, a citizen, a bad month.
    assert_eq!(
        app.get(&path, Some(&xc)).await.status(),
        StatusCode::NOT_FOUND
    );
    expect_error(
        app.get("/api/v1/calendar/tasks", Some(&citizen)).await,
        403,
        "forbidden",
    )
    .await;
    expect_error(
        app.get(
            "/api/v1/calendar/tasks?from=2026-12-31&to=2026-12-01",
            Some(&supervisor),
        )
        .await,
        400,
        "invalid_period",
    )
    .await;
    // Handing in: nothing, a foreign photo, a stale version.
    let submit = format!("{path}/submit");
    expect_error(
        app.post_json(&submit, Some(&sh), &json!({})).await,
        422,
        "no_evidence",
    )
    .await;
    let xc_photo = app.photo(&xc, jpeg(40, 40, 9)).await;
    expect_error(
        app.post_json(
            &submit,
            Some(&sh),
            &json!({"note": "x", "mediaIds": [xc_photo]}),
        )
        .await,
        422,
        "invalid_media",
    )
    .await;
    let t = json_of(app.get(&path, Some(&sh)).await).await;
    assert_eq!(t["status"], "pending", "nothing half-written: {t}");
    assert!(t["note"].is_null());
    expect_error(
        app.post_json(
            &submit,
            Some(&sh),
            &json!({"note": "x", "expectedVersion": i32::MAX}),
        )
        .await,
        409,
        "concurrent_update",
    )
    .await;
    expect_error(
        app.post_json(&submit, Some(&supervisor), &json!({"note": "x"}))
            .await,
        403,
        "forbidden",
    )
    .await;
    // Deciding: on a pending task, by a unit, returning without a note.
    let decide = format!("{path}/decision");
    expect_error(
        app.post_json(&decide, Some(&supervisor), &json!({"accept": true}))
            .await,
        409,
        "not_submitted",
    )
    .await;
    json_of(
        app.post_json(&submit, Some(&sh), &json!({"note": "已完成自查"}))
            .await,
    )
    .await;
    expect_error(
        app.post_json(&submit, Some(&sh), &json!({"note": "again"}))
            .await,
        409,
        "not_open",
    )
    .await;
    expect_error(
        app.post_json(&decide, Some(&sh), &json!({"accept": true}))
            .await,
        403,
        "forbidden",
    )
    .await;
    expect_error(
        app.post_json(&decide, Some(&supervisor), &json!({"accept": false}))
            .await,
        400,
        "note_required",
    )
    .await;
    // Files: a kind not taken; another unit's unattached file.
    expect_error(
        upload_file(&app, &sh, "run.exe", b"MZ".to_vec()).await,
        415,
        "unsupported_media_type",
    )
    .await;
    let f = json_of(upload_file(&app, &sh, "notes.txt", b"hello".to_vec()).await).await;
    let fpath = format!("/api/v1/calendar/files/{}", f["id"].as_str().unwrap());
    assert_eq!(
        app.get(&fpath, Some(&xc)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&fpath, Some(&sh)).await.status(), StatusCode::OK);
    // A file no submission took goes a day on, object and all.
    let calendar_objects = || async { app.state.store.list("calendar/").await.unwrap().len() };
    let objects = calendar_objects().await;
    assert!(objects >= 1);
    app.advance(chrono::Duration::hours(25));
    let purged = suishoupai::campaign::files::purge_unattached(&app.state)
        .await
        .unwrap();
    assert_eq!(purged, 1);
    assert_eq!(
        app.get(&fpath, Some(&sh)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(calendar_objects().await, objects - 1);
    // Keeping indicators: admins only; a rule that does not read; an
    // unknown unit; a parent below itself.
    let save = |body: Value, token: String| {
        let app = &app;
        async move {
            app.post_json("/api/v1/admin/assessment-items", Some(&token), &body)
                .await
        }
    };
    expect_error(
        save(json!({"code": "9", "name": "x"}), supervisor.clone()).await,
        403,
        "forbidden",
    )
    .await;
    expect_error(
        save(
            json!({"code": "9", "name": "x", "unitCodes": ["sh-cgj"],
                   "keyDates": [{"title": "t", "rule": "每月32日"}]}),
            admin.clone(),
        )
        .await,
        400,
        "invalid_rule",
    )
    .await;
    expect_error(
        save(
            json!({"code": "9", "name": "x", "unitCodes": ["nope"]}),
            admin.clone(),
        )
        .await,
        422,
        "unknown_unit",
    )
    .await;
    json_of(save(json!({"code": "9", "name": "上级"}), admin.clone()).await).await;
    json_of(
        save(
            json!({"code": "9.1", "name": "下级", "parentCode": "9"}),
            admin.clone(),
        )
        .await,
    )
    .await;
    expect_error(
        save(
            json!({"code": "9", "name": "上级", "parentCode": "9.1"}),
            admin.clone(),
        )
        .await,
        422,
        "invalid_parent",
    )
    .await;
}

fn csv(rows: &[&str]) -> Vec<u8> {
    let mut s =
        String::from("指标编码,指标名称,上级编码,完成标准,责任单位,关键节点,节点说明,提前工作日\n");
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s.into_bytes()
}

async fn task_count(app: &TestApp) -> usize {
    entity::calendar_task::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_sheet_with_bad_rows_is_refused_row_by_row_and_nothing_is_imported() {
    let app = spawn_with(|c| c.workflow.background_jobs = false).await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;

    // Rows 2 and 7 are good; 3–6 each break one rule.
    let bad = csv(&[
        "1,基础设施,,,,,,",
        "1.1,公共厕所,1,达标,sh-cgj、nowhere,每月15日,月度检查,3",
        "1.2,道路保洁,1,,sh-cgj,每月32日,月度检查,",
        "1.3,垃圾分类,1,,sh-cgj,每周五,周检,两天",
        "1.4,农贸市场,9.9,,sh-cgj,2026-12-20,专项检查,1",
        "1.5,窗口单位,1,,xc-cgj,测评前10天 2027-03-01,迎检准备,5",
    ]);
    let r = import(&app, &admin, "指标.csv", bad).await;
    let body = expect_error(r, 422, "invalid_sheet").await;
    let rows: Vec<(u64, String, String)> = body["details"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["column"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (3, "units".into(), "unknown_unit".into()),
            (4, "rule".into(), "invalid_rule".into()),
            (5, "lead".into(), "invalid_rule".into()),
            (6, "parent".into(), "invalid_parent".into()),
        ],
        "{body}"
    );
    // Nothing half-imported: not even the good rows.
    let items = json_of(
        app.get("/api/v1/admin/assessment-items", Some(&admin))
            .await,
    )
    .await;
    assert_eq!(items.as_array().unwrap().len(), 0);
    assert_eq!(task_count(&app).await, 0);
    // Blank rows are skipped and counted: the bad row is reported as row 4.
    let gapped = csv(&[
        ",,,,,,,",
        "1,基础设施,,,,,,",
        "1.1,公厕,1,,sh-cgj,每月40日,月检,",
    ]);
    let body = expect_error(
        import(&app, &admin, "gap.csv", gapped).await,
        422,
        "invalid_sheet",
    )
    .await;
    assert_eq!(body["details"]["rows"][0]["row"], 4, "{body}");
    // A tiny XLSX naming the last cell a sheet can have is refused, not
    // read into memory.
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "code").unwrap();
    ws.write_string(0, 1, "name").unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    let far = book.save_to_buffer().unwrap();
    assert!(far.len() < 20_000);
    expect_error(
        import(&app, &admin, "far.xlsx", far).await,
        400,
        "invalid_sheet",
    )
    .await;
    // Not a sheet at all; not an admin.
    expect_error(
        import(&app, &admin, "x.csv", vec![]).await,
        400,
        "invalid_sheet",
    )
    .await;
    let unit = app.staff("sh-cgj", UNIT_PASSWORD).await;
    expect_error(
        import(&app, &unit, "x.csv", csv(&["1,a,,,,,,"])).await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn an_xlsx_sheet_imports_a_tree_and_a_second_import_replaces_its_key_dates() {
    let app = spawn_with(|c| c.workflow.background_jobs = false).await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let sheet = |rows: &[[&str; 8]], date_cell: Option<(u32, (u16, u8, u8))>| {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        let header = [
            "code",
            "name",
            "parent",
            "criterion",
            "units",
            "rule",
            "title",
            "lead",
        ];
        for (c, h) in header.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
                }
            }
        }
        if let Some((row, d)) = date_cell {
            // A real date cell, as Excel keeps one.
            let fmt = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
            let d = rust_xlsxwriter::ExcelDateTime::from_ymd(d.0, d.1, d.2).unwrap();
            ws.write_date_with_format(row, 5, &d, &fmt).unwrap();
        }
        book.save_to_buffer().unwrap()
    };
    let first = sheet(
        &[
            ["1", "基础设施", "", "", "", "", "", ""],
            [
                "1.1",
                "公共厕所",
                "1",
                "干净无异味",
                "sh-cgj、xc-cgj",
                "每月15日",
                "月度检查",
                "3",
            ],
            ["1.1", "", "", "", "", "", "专项检查", "1"],
        ],
        Some((3, (2026, 12, 20))),
    );
    let done = json_of(import(&app, &admin, "指标.xlsx", first).await).await;
    assert_eq!(done, json!({"items": 2, "keyDates": 2}));
    let items = json_of(
        app.get("/api/v1/admin/assessment-items", Some(&admin))
            .await,
    )
    .await;
    let leaf = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "1.1")
        .unwrap();
    assert_eq!(leaf["parentCode"], "1");
    assert_eq!(leaf["criterion"], "干净无异味");
    let units: Vec<&str> = leaf["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    assert_eq!(units, ["sh-cgj", "xc-cgj"]);
    let rules: Vec<&str> = leaf["keyDates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["每月15日", "2026-12-20"]);
    let dec = json_of(
        app.get("/api/v1/calendar/tasks?month=2026-12", Some(&admin))
            .await,
    )
    .await;
    let due: Vec<(&str, &str)> = dec["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["dueOn"].as_str().unwrap(),
                t["unit"]["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(due.len(), 4, "{due:?}");
    assert!(due.contains(&("2026-12-15", "xc-cgj")) && due.contains(&("2026-12-20", "sh-cgj")));

    // Again, with one weekly key date and one unit: the coming tasks of
    // the old key dates and of the unit dropped go.
    let second = sheet(
        &[[
            "1.1",
            "公共厕所",
            "1",
            "干净无异味",
            "sh-cgj",
            "每周五",
            "周检",
            "1",
        ]],
        None,
    );
    json_of(import(&app, &admin, "指标.xlsx", second).await).await;
    let dec = json_of(
        app.get("/api/v1/calendar/tasks?month=2026-12", Some(&admin))
            .await,
    )
    .await;
    let due: Vec<(&str, &str, &str)> = dec["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["dueOn"].as_str().unwrap(),
                t["unit"]["code"].as_str().unwrap(),
                t["rule"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        due,
        [
            ("2026-12-04", "sh-cgj", "每周五"),
            ("2026-12-11", "sh-cgj", "每周五"),
            ("2026-12-18", "sh-cgj", "每周五"),
            ("2026-12-25", "sh-cgj", "每周五"),
        ]
    );
}

/// Two server processes (the real binary) on one database, each running
/// the calendar's clock every 20 ms: each overdue task is marked and
/// escalated exactly once.
#[tokio::test]
async fn two_server_processes_mark_each_overdue_task_and_escalate_it_exactly_once() {
    let (hook, _) = stand_in::webhook(0).await;
    let app = spawn_with(|c| {
        c.workflow.background_jobs = false;
        c.webhooks.allow_hosts = vec!["127.0.0.1".into()];
    })
    .await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    hook_units(&app, &admin, &hook, &[("hhht-cgj", None)]).await;
    let units = ["sh-cgj", "xc-cgj", "hm-cgj", "yq-cgj"];
    for (i, day) in ["2026-12-01", "2026-12-02", "2026-12-03"]
        .iter()
        .enumerate()
    {
        json_of(
            app.post_json(
                "/api/v1/admin/assessment-items",
                Some(&admin),
                &json!({"code": format!("7.{i}"), "name": format!("指标 {i}"), "unitCodes": units,
                        "keyDates": [{"title": "节点", "rule": day, "leadWorkingDays": 0}]}),
            )
            .await,
        )
        .await;
    }
    assert_eq!(task_count(&app).await, 12);
    // A week on, every task is past its date; the processes start there.
    app.advance(chrono::Duration::days(7));
    let cfg = &app.state.config;
    let tmp = tempfile::tempdir().unwrap();
    let spawn =
        |n: usize| common::process::ticking(cfg, app.now(), &tmp.path().join(format!("o{n}")));
    let mut a = spawn(1);
    let mut b = spawn(2);
    let overdue = || async {
        entity::calendar_task::Entity::find()
            .filter(entity::calendar_task::Column::OverdueAt.is_not_null())
            .all(&app.state.db)
            .await
            .unwrap()
            .len()
    };
    let all = eventually(60, || async { overdue().await == 12 }).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let _ = a.kill();
    let _ = b.kill();
    let _ = a.wait();
    let _ = b.wait();

    assert!(all, "both processes ran and marked the tasks");
    let marks = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Action.eq("calendar_task.overdue"))
        .all(&app.state.db)
        .await
        .unwrap();
    let mut marked: Vec<_> = marks.iter().filter_map(|m| m.object_id.clone()).collect();
    marked.sort();
    marked.dedup();
    assert_eq!(
        (marks.len(), marked.len()),
        (12, 12),
        "each task marked once"
    );
    let escalations = unit_messages(&app)
        .await
        .into_iter()
        .filter(|(_, m)| m["event"] == "calendar_escalated")
        .count();
    assert_eq!(escalations, 12, "each escalated to the city's bureau once");
}

#[tokio::test]
async fn an_edited_key_date_keeps_its_tasks_and_a_dropped_one_takes_its_open_tasks_away() {
    let app = spawn_with(|c| c.workflow.background_jobs = false).await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let save = |body: Value| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.post_json("/api/v1/admin/assessment-items", Some(&admin), &body)
                .await
        }
    };
    let item = |title: &str, rule: &str, lead: u32, units: &[&str]| {
        json!({"code": "6.1", "name": "窗口单位", "unitCodes": units,
               "keyDates": [{"title": title, "rule": rule, "leadWorkingDays": lead}]})
    };
    let tasks = || async {
        let l = json_of(
            app.get(
                "/api/v1/calendar/tasks?month=2026-12&item=6.1",
                Some(&admin),
            )
            .await,
        )
        .await;
        l["items"].as_array().unwrap().clone()
    };
    json_of(save(item("自查", "2026-12-10", 2, &["sh-cgj"])).await).await;
    let first = tasks().await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0]["remindOn"], "2026-12-08");
    move_to(&app, "2026-12-08T09:00:00+08:00");
    assert_eq!(tick(&app).await, (1, 0), "reminded");

    // A new title and lead: the same task, not a second one.
    json_of(save(item("自查（含台账）", "2026-12-10", 1, &["sh-cgj"])).await).await;
    let edited = tasks().await;
    assert_eq!(edited.len(), 1, "{edited:?}");
    assert_eq!(edited[0]["id"], first[0]["id"]);
    assert_eq!(edited[0]["title"], "自查（含台账）");
    assert_eq!(tick(&app).await, (0, 0), "not reminded again");

    // The same rule twice is refused.
    let twice = json!({"code": "6.1", "name": "窗口单位", "unitCodes": ["sh-cgj"],
        "keyDates": [{"title": "a", "rule": "每周五"}, {"title": "b", "rule": "weekly:5"}]});
    expect_error(save(twice).await, 400, "invalid_rule").await;

    // Another date: the open task of the old one goes, reminded or not.
    json_of(save(item("自查", "2026-12-11", 1, &["sh-cgj"])).await).await;
    let moved = tasks().await;
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert_eq!(moved[0]["dueOn"], "2026-12-11");
    assert_ne!(moved[0]["id"], first[0]["id"]);
    // Another unit: the dropped unit's open task goes too.
    json_of(save(item("自查", "2026-12-11", 1, &["xc-cgj"])).await).await;
    let units: Vec<String> = tasks()
        .await
        .iter()
        .map(|t| t["unit"]["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(units, ["xc-cgj"]);
    // Retired: nothing left to do, nothing goes overdue.
    let r = app
        .http
        .delete(app.url("/api/v1/admin/assessment-items/6.1"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(tasks().await.is_empty());
    move_to(&app, "2026-12-14T09:00:00+08:00");
    assert_eq!(tick(&app).await, (0, 0));
}
