//! The staff console: served by the binary at `/console/`, the API it
//! reads (the actions a caller may take, the time left, the unit
//! directory), and the whole loop in headless Chromium.
//!
//! The browser test needs Debian's `chromium` (or `CHROMIUM=<path>`) and
//! the console's npm packages (installed by the build). Without Chromium it
//! is skipped with a message, unless `CONSOLE_E2E=required` (as in CI),
//! where a browser that cannot start fails it.

use crate::common;

use common::*;
use serde_json::{Value, json};

#[tokio::test]
async fn the_binary_serves_the_console_with_its_assets_and_settings() {
    let app = spawn_on_system_time(|c| {
        c.console.tile_url =
            Some("https://t{s}.tianditu.gov.cn/vec_w/wmts?x={x}&y={y}&l={z}".into());
        c.console.tile_subdomains = "01234567".into();
        c.console.tile_coord_system = suishoupai::config::TileDatum::Wgs84;
    })
    .await;
    let r = app.get("/console/", None).await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(r.headers()["cache-control"], "no-cache");
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
    // Images: this origin and the tile host (its {s} subdomain as a wildcard), nothing else.
    assert!(
        csp.contains("img-src 'self' data: blob: https://*.tianditu.gov.cn;"),
        "{csp}"
    );
    let html = r.text().await.unwrap();
    assert!(html.contains("lang=\"zh-CN\""), "{html}");
    // Every script and stylesheet the page names is served, immutable.
    let assets: Vec<&str> = html
        .split('"')
        .filter(|s| s.starts_with("/console/assets/"))
        .collect();
    assert!(assets.iter().any(|a| a.ends_with(".js")), "{html}");
    assert!(assets.iter().any(|a| a.ends_with(".css")), "{html}");
    for a in assets {
        let r = app.get(a, None).await;
        assert_eq!(r.status(), 200, "{a}");
        assert!(
            r.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
        let kind = r.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(
            kind.starts_with(if a.ends_with(".js") {
                "text/javascript"
            } else {
                "text/css"
            }),
            "{a}: {kind}"
        );
        assert!(!r.bytes().await.unwrap().is_empty());
    }
    // The basemap comes from the configuration.
    let s: Value = app
        .get("/console/settings.json", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(s["tile_subdomains"], "01234567");
    assert_eq!(s["tile_coord_system"], "wgs84");
    assert!(s["tile_url"].as_str().unwrap().contains("tianditu"));
    // Anything else is a JSON 404.
    let r = app.get("/console/assets/nope.js", None).await;
    expect_error(r, 404, "not_found").await;
}

#[tokio::test]
async fn a_case_says_what_the_caller_may_do_now_and_the_time_left() {
    // The time is the system's at the start, whatever the hour, and the
    // test can move it on.
    let app = spawn_with(|c| c.clock.start = Some(chrono::Utc::now().fixed_offset())).await;
    let citizen = app.citizen("console-actions").await;
    let dispatcher = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let supervisor = app.staff(SUPERVISOR.0, SUPERVISOR.1).await;
    let unit = app.staff("sh-cgj", UNIT_PASSWORD).await;
    let other_unit = app.staff("xc-cgj", UNIT_PASSWORD).await;
    let report = app.submit(&citizen, "0301", 40.79, 111.70).await;
    let id = report["id"].as_str().unwrap();
    let actions = |v: &Value| -> Vec<String> {
        v["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_owned())
            .collect()
    };

    let c = app.case(&dispatcher, id).await;
    assert_eq!(
        actions(&c),
        ["accept", "reject", "mark_duplicate", "dispatch"],
        "a report waiting for review"
    );
    assert!(
        c["deadlines"].get("minutesLeft").is_none(),
        "no clock runs yet"
    );
    assert_eq!(
        actions(&app.case(&supervisor, id).await),
        Vec::<String>::new()
    );

    let c = app
        .act_ok(&dispatcher, id, "dispatch", json!({"unitCode": "sh-cgj"}))
        .await;
    // A rejection or a duplicate found after dispatch still reaches it.
    assert_eq!(
        actions(&c),
        ["reject", "mark_duplicate", "dispatch", "suspend"]
    );
    assert_eq!(
        actions(&app.case(&unit, id).await),
        ["claim", "return", "request_extension"]
    );
    assert_eq!(actions(&app.case(&supervisor, id).await), ["escalate"]);
    // 0301 has a limit of 2 working hours: at most 120 working minutes are left.
    let left = app.case(&unit, id).await["deadlines"]["minutesLeft"]
        .as_i64()
        .unwrap();
    assert!((0..=120).contains(&left), "{left}");
    // Another unit does not see the case at all.
    assert_eq!(
        app.get(&format!("/api/v1/cases/{id}"), Some(&other_unit))
            .await
            .status(),
        404
    );

    let c = app.act_ok(&unit, id, "claim", json!({})).await;
    assert_eq!(actions(&c), ["return", "resolve", "request_extension"]);
    let r = app
        .post_json(
            &format!("/api/v1/cases/{id}/extensions"),
            Some(&unit),
            &json!({"expectedVersion": c["version"], "amount": 1, "limitUnit": "work_days", "reason": "需协调"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let c = app.case(&unit, id).await;
    assert_eq!(actions(&c), ["return", "resolve"], "one request waits");
    let c = app.case(&dispatcher, id).await;
    assert_eq!(
        actions(&c),
        [
            "reject",
            "mark_duplicate",
            "dispatch",
            "suspend",
            "decide_extension"
        ]
    );

    // Overdue: the time left is negative. The clock moves 15 days on, so
    // that more than two working hours pass whatever the hour, weekday or
    // holiday the test starts on (an hour on is none at night).
    app.advance(chrono::Duration::days(15));
    let left = app.case(&dispatcher, id).await["deadlines"]["minutesLeft"]
        .as_i64()
        .unwrap();
    assert!(left < 0, "{left}");
}

#[tokio::test]
async fn the_unit_directory_is_scoped_like_the_cases() {
    let app = spawn_on_system_time(|_| {}).await;
    let codes = |v: Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|u| u["code"].as_str().unwrap().to_owned())
            .collect()
    };
    let dispatcher = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let all = codes(
        app.get("/api/v1/units", Some(&dispatcher))
            .await
            .json()
            .await
            .unwrap(),
    );
    assert!(
        all.len() > 3 && all.contains(&"sh-cgj".to_owned()),
        "{all:?}"
    );
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted);
    let unit = app.staff("sh-cgj", UNIT_PASSWORD).await;
    let mine = codes(
        app.get("/api/v1/units", Some(&unit))
            .await
            .json()
            .await
            .unwrap(),
    );
    assert!(
        mine.contains(&"sh-cgj".to_owned()) && !mine.contains(&"xc-cgj".to_owned()),
        "{mine:?}"
    );
    let citizen = app.citizen("console-units").await;
    expect_error(
        app.get("/api/v1/units", Some(&citizen)).await,
        403,
        "forbidden",
    )
    .await;
    expect_error(app.get("/api/v1/units", None).await, 401, "unauthorized").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_loop_in_a_real_browser() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let required = std::env::var("CONSOLE_E2E").is_ok_and(|v| v == "required");
    if !std::path::Path::new(&chromium).exists() {
        assert!(
            !required,
            "CONSOLE_E2E=required but there is no Chromium at {chromium} (apt-get install chromium)"
        );
        eprintln!(
            "skipped: no Chromium at {chromium}; install Debian's chromium to run it (CI requires it)"
        );
        return;
    }
    // The board rendered at each read: the test reads it right after
    // publishing (its cache is tested in tests/api/board.rs).
    let app = spawn_on_system_time(|c| c.publication.board_cache_secs = 0).await;
    let (flagged, code) = review_fixtures(&app).await;
    let root = env!("CARGO_MANIFEST_DIR");
    let shots = format!("{root}/target/console-e2e");
    let _ = std::fs::remove_dir_all(&shots);
    let status = tokio::process::Command::new("node")
        .arg("e2e/console.mjs")
        .current_dir(format!("{root}/src/console/web"))
        .env("BASE_URL", &app.base)
        .env("CHROMIUM", &chromium)
        .env("SCREENSHOTS", &shots)
        .env("FLAGGED_CASE_NO", &flagged)
        .env("REDEEM_CODE", &code)
        .env("PHOTO", format!("{root}/tests/fixtures/street-4mp.jpg"))
        .env(
            "AFTER_PHOTO",
            format!("{root}/tests/fixtures/cups-1280.png"),
        )
        .kill_on_drop(true)
        .status()
        .await
        .expect("node runs (the console's build needs it too)");
    assert!(status.success(), "the browser test failed: {status}");
    let pngs = std::fs::read_dir(&shots)
        .unwrap()
        .filter(|e| {
            let p = e.as_ref().unwrap().path();
            p.extension().is_some_and(|x| x == "png") && std::fs::metadata(&p).unwrap().len() > 5000
        })
        .count();
    assert!(pngs >= 16, "{pngs} screenshots");
}

/// For the review page: a report whose description content security
/// doubted (its check row, as the checks would write it) behind a page of
/// older flags, and a citizen's redemption code (the dispatcher took the
/// report on, which earned its points). Returns the case number and the
/// code.
#[allow(clippy::unwrap_used)]
async fn review_fixtures(app: &TestApp) -> (String, String) {
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let citizen = app.citizen("e2e-points").await;
    let older = app.submit(&citizen, "0201", 40.7905, 111.7008).await;
    let flagged = app.submit(&citizen, "0201", 40.7905, 111.7008).await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let id = flagged["id"].as_str().unwrap();
    app.act_ok(&disp, id, "dispatch", json!({})).await;
    let now = chrono::Utc::now().fixed_offset();
    let flag = |case: &Value| entity::content_check::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        subject: Set(domain::content::Subject::Description),
        case_id: Set(Some(case["id"].as_str().unwrap().parse().unwrap())),
        media_id: Set(None),
        openid: Set(None),
        status: Set(domain::content::CheckStatus::Review),
        label: Set(Some(10001)),
        trace_id: Set(None),
        sends: Set(0),
        sent_at: Set(None),
        created_at: Set(now),
        decided_at: Set(Some(now)),
        reviewed_at: Set(None),
        reviewed_by: Set(None),
        review_note: Set(None),
    };
    // More than a page (50) of older flags, then the one the test decides.
    let rows: Vec<_> = (0..55).map(|_| flag(&older)).collect();
    entity::content_check::Entity::insert_many(rows)
        .exec(&app.state.db)
        .await
        .unwrap();
    entity::content_check::Entity::insert(flag(&flagged))
        .exec(&app.state.db)
        .await
        .unwrap();
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let bag = json!({"name": "环保袋", "cost": 5, "stock": 10});
    let reward: Value = app
        .post_json("/api/v1/admin/rewards", Some(&admin), &bag)
        .await
        .json()
        .await
        .unwrap();
    let redeem = format!("/api/v1/rewards/{}/redeem", reward["id"].as_str().unwrap());
    let r = app
        .http
        .post(app.url(&redeem))
        .bearer_auth(&citizen)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "the citizen earned the points of a case");
    let code = r.json::<Value>().await.unwrap()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    (flagged["caseNo"].as_str().unwrap().to_owned(), code)
}
