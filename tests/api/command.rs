//! The command centre over HTTP: map views that add up and agree with the
//! case list for every filter, unit scoping, indicators against a history
//! computed by hand, exports that cannot carry a formula, the live feed
//! resumed after a disconnect (across two nodes on Redis), and the seed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{DISPATCHER, TestApp, UNIT_PASSWORD, eventually, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

// 赛罕区人民路街道 (routed to sh-cgj).
const LAT: f64 = 40.79;
const LNG: f64 = 111.70;
const CITY: &str = "bbox=110.0,39.5,113.0,41.5";
/// Around the test cases, for deep zooms (the city at zoom 18 is refused).
const NEAR: &str = "bbox=111.69,40.78,111.71,40.80";

fn bbox_for(zoom: u8) -> &'static str {
    if zoom < 12 { CITY } else { NEAR }
}

async fn get_json(app: &TestApp, token: &str, path: &str) -> Value {
    let r = app.get(path, Some(token)).await;
    let status = r.status();
    let body = r.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

async fn cluster_total(app: &TestApp, token: &str, zoom: u8, filter: &str) -> u64 {
    let v = get_json(
        app,
        token,
        &format!(
            "/api/v1/map/clusters?{}&zoom={zoom}&{filter}",
            bbox_for(zoom)
        ),
    )
    .await;
    let sum: u64 = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["count"].as_u64().unwrap())
        .sum();
    assert_eq!(
        sum,
        v["total"].as_u64().unwrap(),
        "counts add up to the total"
    );
    sum
}

async fn list_count(app: &TestApp, token: &str, filter: &str) -> u64 {
    let v = get_json(app, token, &format!("/api/v1/cases?limit=100&{filter}")).await;
    v["items"].as_array().unwrap().len() as u64
}

/// A small history: auto-dispatched 0201 cases in several states, a 0301
/// waiting for review, one warned and escalated, one closed.
async fn history(app: &TestApp) -> Vec<String> {
    let citizen = app.citizen("cmd-citizen").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let unit = app.staff("sh-cgj", UNIT_PASSWORD).await;
    // ids[3] first, then a day and a half on (past its deadline), the rest.
    let at = |i: u32| (LAT + f64::from(i) * 0.0004, LNG + f64::from(i) * 0.0004);
    let (lat, lng) = at(3);
    let late = app.submit(&citizen, "0201", lat, lng).await;
    app.advance(chrono::Duration::hours(36));
    let mut ids = vec![];
    for i in 0..5 {
        let r = match i {
            3 => late.clone(),
            _ => app.submit(&citizen, "0201", at(i).0, at(i).1).await,
        };
        ids.push(r["id"].as_str().unwrap().to_owned());
    }
    let review = app.submit(&citizen, "0301", LAT - 0.0005, LNG).await;
    ids.push(review["id"].as_str().unwrap().to_owned());
    // ids[1]: claimed and closed; ids[2]: claimed; ids[3]: warned, overdue, escalated.
    app.act_ok(&unit, &ids[1], "claim", json!({})).await;
    let after = app.photo(&unit, common::jpeg(40, 30, 9)).await;
    app.act_ok(&unit, &ids[1], "resolve", json!({"mediaIds": [after]}))
        .await;
    app.act_ok(&disp, &ids[1], "verify", json!({"outcome": "close"}))
        .await;
    app.act_ok(&unit, &ids[2], "claim", json!({})).await;
    // Its timers fire: 接单 overdue, the warning, overdue and its 督办.
    let mut fired = app.tick().await;
    for _ in 0..10 {
        if fired == 0 {
            break;
        }
        fired = app.tick().await;
    }
    assert_eq!(fired, 0, "the timers settle");
    if app.case(&disp, &ids[3]).await["deadlines"]["escalationLevel"] == 0 {
        let sup = app.staff(common::SUPERVISOR.0, common::SUPERVISOR.1).await;
        app.act_ok(&sup, &ids[3], "escalate", json!({"note": "督办"}))
            .await;
    }
    // The index follows the commits within moments: wait until it shows
    // the whole history (the escalation was the last action).
    let settled = eventually(5, || async {
        let s = get_json(app, &disp, "/api/v1/stats/summary").await;
        s["submitted"] == 1 && s["open"] == 5 && s["overdue"] == 1 && s["escalated"] == 1
    })
    .await;
    assert!(settled, "the index follows the history");
    ids
}

#[tokio::test]
async fn map_views_add_up_and_agree_with_the_list_for_every_filter() {
    // Arrange
    let app = spawn_app().await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let ids = history(&app).await;
    let case = app.case(&disp, &ids[0]).await;
    let area = case["area"]["code"].as_str().unwrap().to_owned();
    let hour_ago = (app.now() - chrono::Duration::hours(1)).to_rfc3339();
    let later = (app.now() + chrono::Duration::hours(1)).to_rfc3339();
    let enc = |s: &str| s.replace('+', "%2B");
    let filters = [
        String::new(),
        "status=submitted".into(),
        "status=dispatched&status=in_progress".into(),
        "category=02".into(),
        "category=0301".into(),
        "unit=sh-cgj".into(),
        format!("area={area}"),
        "area=150105".into(),
        "overdue=true".into(),
        "overdue=false".into(),
        "warned=true".into(),
        "escalated=true".into(),
        "escalated=false".into(),
        format!("createdFrom={}", enc(&hour_ago)),
        format!("createdTo={}", enc(&hour_ago)),
        format!("closedFrom={}&closedTo={}", enc(&hour_ago), enc(&later)),
        "status=closed&category=0201".into(),
    ];
    // The index follows the commits within moments.
    assert!(
        eventually(5, || async {
            cluster_total(&app, &disp, 12, "").await == 6
        })
        .await,
        "the index shows every case"
    );

    // Act + Assert: at every zoom the clusters add up to the list's count.
    let mut nonzero = 0;
    for f in &filters {
        let expected = list_count(&app, &disp, f).await;
        nonzero += usize::from(expected > 0);
        for zoom in [3, 10, 12, 14, 16, 18] {
            assert_eq!(
                cluster_total(&app, &disp, zoom, f).await,
                expected,
                "zoom {zoom}, filter `{f}`"
            );
        }
        let heat = get_json(
            &app,
            &disp,
            &format!("/api/v1/map/heatmap?{NEAR}&zoom=14&{f}"),
        )
        .await;
        assert_eq!(heat["total"].as_u64().unwrap(), expected, "heatmap `{f}`");
        // The export reads the database (on SQLite through a connection of
        // its own, binding the same values): the same cases.
        let r = app
            .get(&format!("/api/v1/exports/cases.csv?{f}"), Some(&disp))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "export `{f}`");
        let csv = r.text().await.unwrap();
        let rows = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .map(Result::unwrap)
            .count();
        assert_eq!(rows as u64, expected, "export `{f}`");
    }
    assert!(nonzero >= 12, "most filters select something");
    assert_eq!(list_count(&app, &disp, "overdue=true").await, 1);
    assert_eq!(list_count(&app, &disp, "warned=true").await, 1);
    assert_eq!(
        list_count(&app, &disp, "closedFrom=2020-01-01T00:00:00Z").await,
        1
    );

    // Clusters break apart as the zoom grows; single cases carry their facts.
    let far = get_json(&app, &disp, &format!("/api/v1/map/clusters?{CITY}&zoom=10")).await;
    let one = &far["features"][0]["properties"];
    assert_eq!(one["cluster"], true);
    assert_eq!(one["count"], 6);
    assert_eq!(one["byStatus"]["submitted"], 1);
    assert_eq!(one["overdue"], 1);
    let split = one["expansionZoom"].as_u64().unwrap();
    assert!(split > 10, "expansion zoom {split}");
    let near = get_json(
        &app,
        &disp,
        &format!("/api/v1/map/clusters?{NEAR}&zoom={split}"),
    )
    .await;
    assert!(near["features"].as_array().unwrap().len() > 1);
    let close = get_json(&app, &disp, &format!("/api/v1/map/clusters?{NEAR}&zoom=20")).await;
    let single = close["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["id"] == ids[3].as_str())
        .expect("a case alone at zoom 20");
    assert_eq!(single["properties"]["cluster"], false);
    assert_eq!(single["properties"]["overdue"], 1);
    assert_eq!(single["properties"]["category"]["code"], "0201");
    assert!(
        single["properties"]["caseNo"]
            .as_str()
            .unwrap()
            .starts_with("SSP-")
    );
    let [lng, lat] = [0, 1].map(|i| single["geometry"]["coordinates"][i].as_f64().unwrap());
    assert!((lat - LAT - 0.0012).abs() < 1e-9 && (lng - LNG - 0.0012).abs() < 1e-9);

    // GCJ-02 on request: the same case, shifted by the datum.
    let gcj = get_json(
        &app,
        &disp,
        &format!("/api/v1/map/clusters?{NEAR}&zoom=20&coordSystem=gcj02"),
    )
    .await;
    let shifted = gcj["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["id"] == ids[3].as_str())
        .unwrap();
    let glng = shifted["geometry"]["coordinates"][0].as_f64().unwrap();
    assert!((glng - lng).abs() > 0.001, "GCJ-02 differs from WGS-84");

    // Areas: districts with outlines and counts that add up.
    let areas = get_json(&app, &disp, "/api/v1/map/areas?level=district&zoom=10").await;
    let features = areas["features"].as_array().unwrap();
    assert!(features.len() >= 2);
    let total: u64 = features
        .iter()
        .map(|f| f["properties"]["total"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 6);
    let sh = features
        .iter()
        .find(|f| f["properties"]["code"] == "150105")
        .unwrap();
    assert!(matches!(
        sh["geometry"]["type"].as_str(),
        Some("Polygon" | "MultiPolygon")
    ));
    assert_eq!(sh["properties"]["overdue"], 1);
    assert_eq!(sh["properties"]["open"], 5);
    assert_eq!(sh["properties"]["closedInPeriod"], 1);
    assert_eq!(sh["properties"]["onTimeCloseRate"]["numerator"], 1);
    assert_eq!(sh["properties"]["onTimeCloseRate"]["denominator"], 5);
    let grids = get_json(&app, &disp, "/api/v1/map/areas?level=grid&zoom=16").await;
    assert!(grids["features"].as_array().unwrap().len() > features.len());

    // Bad input is a clear 400.
    for bad in [
        "/api/v1/map/clusters?bbox=1,2,3&zoom=3",
        "/api/v1/map/clusters?bbox=10,2,3,4&zoom=3",
        "/api/v1/map/clusters?bbox=1,2,3,4&zoom=30",
        "/api/v1/map/clusters?bbox=1,2,3,4&zoom=3&category=nope",
        "/api/v1/map/areas?from=2026-02-01&to=2026-01-01",
        "/api/v1/stats/indicators?from=2020-01-01&to=2026-01-01",
        "/api/v1/stats/indicators?to=-262143-01-01",
        "/api/v1/map/clusters?bbox=100,30,120,45&zoom=18",
        "/api/v1/map/heatmap?bbox=-180,-85,180,85&zoom=20",
        "/api/v1/cases?createdFrom=1000-01-01T00:00:00Z",
        "/api/v1/exports/cases.csv?closedTo=9999-01-01T00:00:00Z",
        // The filters are one declaration: the same refusals everywhere.
        "/api/v1/exports/cases.csv?status=nope",
        "/api/v1/stats/indicators?overdue=maybe",
        "/api/v1/map/areas?unit=",
        "/api/v1/exports/indicators.xlsx?createdTo=yesterday",
        "/api/v1/map/heatmap?bbox=1.,2,3,4&zoom=3",
        "/api/v1/cases?bbox=1,2,3,4,5",
    ] {
        let r = app.get(bad, Some(&disp)).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
        let body: Value = r.json().await.unwrap();
        assert!(body["code"].is_string(), "{bad}: {body}");
    }
}

#[tokio::test]
async fn a_unit_sees_its_subtree_and_a_citizen_is_refused() {
    // Arrange
    let app = spawn_app().await;
    history(&app).await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let mine = app.staff("sh-cgj", UNIT_PASSWORD).await;
    let parent = app.staff("hhht-cgj", UNIT_PASSWORD).await;
    let other = app.staff("xc-cgj", UNIT_PASSWORD).await;
    let citizen = app.citizen("cmd-nosy").await;
    assert!(
        eventually(5, || async {
            cluster_total(&app, &disp, 12, "").await == 6
        })
        .await
    );

    // Act + Assert: the 0301 case waits for review and has no unit.
    assert_eq!(cluster_total(&app, &mine, 12, "").await, 5);
    assert_eq!(
        cluster_total(&app, &parent, 12, "").await,
        5,
        "a parent sees its sub-units"
    );
    assert_eq!(cluster_total(&app, &other, 12, "").await, 0);
    let ind = get_json(&app, &other, "/api/v1/stats/indicators").await;
    assert_eq!(ind["total"]["dispatched"], 0);
    let sum = get_json(&app, &mine, "/api/v1/stats/summary").await;
    assert_eq!(sum["submitted"], 0);
    assert_eq!(sum["overdue"], 1);
    let sum = get_json(&app, &disp, "/api/v1/stats/summary").await;
    assert_eq!(sum["submitted"], 1);
    assert_eq!(sum["warned"], 1);
    let csv = app
        .get("/api/v1/exports/cases.csv", Some(&other))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 1, "only the header: {csv}");
    for path in [
        format!("/api/v1/map/clusters?{CITY}&zoom=3"),
        format!("/api/v1/map/heatmap?{CITY}&zoom=3"),
        "/api/v1/map/areas".into(),
        "/api/v1/stats/indicators".into(),
        "/api/v1/stats/summary".into(),
        "/api/v1/exports/cases.csv".into(),
        "/api/v1/exports/cases.xlsx".into(),
        "/api/v1/exports/indicators.xlsx".into(),
        "/api/v1/events".into(),
    ] {
        let r = app.get(&path, Some(&citizen)).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
        assert_eq!(
            app.get(&path, None).await.status(),
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
}

#[tokio::test]
async fn indicators_match_a_history_computed_by_hand() {
    // Arrange: four cases auto-dispatched to sh-cgj today.
    //   a: claimed, resolved, closed, rated 5        (on time)
    //   b: claimed, resolved, reopened, resolved, closed, rated 3
    //   c: returned by the unit
    //   d: claimed, suspended
    // and one 0301 still waiting for review (never dispatched: not counted).
    let app = spawn_app().await;
    let citizen = app.citizen("ind-citizen").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let unit = app.staff("sh-cgj", UNIT_PASSWORD).await;
    let mut ids = vec![];
    for i in 0..4 {
        let r = app
            .submit(&citizen, "0201", LAT + f64::from(i) * 0.0003, LNG)
            .await;
        ids.push(r["id"].as_str().unwrap().to_owned());
    }
    app.submit(&citizen, "0301", LAT, LNG).await;
    let (a, b, c, d) = (&ids[0], &ids[1], &ids[2], &ids[3]);
    let resolve = |id: String| {
        let (app, unit) = (&app, &unit);
        async move {
            static SHADE: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(100);
            let shade = SHADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let p = app.photo(unit, common::jpeg(41, 31, shade)).await;
            app.act_ok(unit, &id, "resolve", json!({"mediaIds": [p]}))
                .await;
        }
    };
    for id in [a, b, d] {
        app.act_ok(&unit, id, "claim", json!({})).await;
    }
    resolve(a.clone()).await;
    app.act_ok(&disp, a, "verify", json!({"outcome": "close"}))
        .await;
    resolve(b.clone()).await;
    app.act_ok(
        &disp,
        b,
        "verify",
        json!({"outcome": "reopen", "note": "没清干净"}),
    )
    .await;
    app.act_ok(&unit, b, "claim", json!({})).await;
    resolve(b.clone()).await;
    app.act_ok(&disp, b, "verify", json!({"outcome": "close"}))
        .await;
    for (id, score) in [(a, 5), (b, 3)] {
        let r = app
            .post_json(
                &format!("/api/v1/reports/{id}/rating"),
                Some(&citizen),
                &json!({"score": score}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    app.act_ok(&unit, c, "return", json!({"note": "不属于本单位"}))
        .await;
    app.act_ok(&disp, d, "suspend", json!({"note": "需要长期整改"}))
        .await;

    // Act
    let mut t = Value::Null;
    // The index follows the bus within about 100 ms, and catches up from
    // `updated_at` every 5 s for anything the bus lost: wait for the last
    // three actions to show.
    for _ in 0..100 {
        t = get_json(&app, &disp, "/api/v1/stats/indicators?groupBy=unit").await;
        let total = &t["total"];
        if total["rated"] == 2 && total["suspended"] == 1 && total["returned"] == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // Assert: the whole cohort, by hand.
    let total = &t["total"];
    for (field, want) in [
        ("dispatched", 4),
        ("suspended", 1),
        ("closed", 2),
        ("closedOnTime", 2),
        ("resolved", 2),
        ("reopened", 1),
        ("extended", 0),
        ("returned", 1),
        ("rated", 2),
        ("satisfied", 1),
        ("claimed", 3),
        ("claimedOnTime", 3),
        ("overdue", 0),
        ("escalated", 0),
    ] {
        assert_eq!(total[field], want, "{field}: {total}");
    }
    let rate = |name: &str| {
        let r = &total[name];
        (
            r["numerator"].as_u64().unwrap(),
            r["denominator"].as_u64().unwrap(),
            r["value"].as_f64(),
        )
    };
    assert_eq!(rate("onTimeCloseRate"), (2, 3, Some(0.6667)));
    assert_eq!(rate("closeRate"), (2, 3, Some(0.6667)));
    assert_eq!(rate("reworkRate"), (1, 2, Some(0.5)));
    assert_eq!(rate("extensionRate"), (0, 4, Some(0.0)));
    assert_eq!(rate("returnRate"), (1, 4, Some(0.25)));
    assert_eq!(rate("satisfactionRate"), (1, 2, Some(0.5)));
    assert_eq!(rate("timelyClaimRate"), (3, 3, Some(1.0)));
    assert!(total["meanHandlingHours"].as_f64().unwrap() >= 0.0);
    assert!(total["medianHandlingHours"].as_f64().unwrap() >= 0.0);

    // By unit: all four count against sh-cgj, the returned one included
    // (回退率 is the unit's).
    let rows = t["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{t}");
    assert_eq!(rows[0]["key"], "sh-cgj");
    assert_eq!(rows[0]["name"], "赛罕区城市管理综合执法局");
    assert_eq!(rows[0]["dispatched"], 4);
    assert_eq!(rows[0]["returned"], 1);
    // By category, area and day: one group each, the same totals.
    for by in ["category", "area", "day"] {
        let g = get_json(
            &app,
            &disp,
            &format!("/api/v1/stats/indicators?groupBy={by}"),
        )
        .await;
        let rows = g["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 1, "{by}: {g}");
        assert_eq!(rows[0]["dispatched"], 4, "{by}");
    }
    // A period before the cases: nothing, and rates are null, not NaN.
    let empty = get_json(
        &app,
        &disp,
        "/api/v1/stats/indicators?from=2025-01-01&to=2025-01-31",
    )
    .await;
    assert_eq!(empty["total"]["dispatched"], 0);
    assert!(empty["total"]["onTimeCloseRate"]["value"].is_null());
    // The table as a workbook.
    let r = app
        .get("/api/v1/exports/indicators.xlsx?groupBy=unit", Some(&disp))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let sheet = sheet_xml(&r.bytes().await.unwrap());
    assert!(
        sheet.contains("按期结案率") || sheet.contains("sh-cgj"),
        "{sheet}"
    );
}

/// The first worksheet's XML of an XLSX file, with its shared strings.
fn sheet_xml(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = String::new();
    for name in ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"] {
        if let Ok(mut f) = zip.by_name(name) {
            f.read_to_string(&mut out).unwrap();
        }
    }
    out
}

#[tokio::test]
async fn exports_follow_the_filters_and_never_carry_a_formula() {
    // Arrange: descriptions that a spreadsheet would run.
    let app = spawn_app().await;
    let citizen = app.citizen("csv-citizen").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let evil = [
        "=HYPERLINK(\"http://x\",\"点我\")",
        "+1+2",
        "-3",
        "@SUM(A1)",
        "正常描述",
    ];
    for (i, text) in evil.iter().enumerate() {
        let media = app
            .photo(&citizen, common::jpeg(30, 30, 40 + i as u8))
            .await;
        let r = app
            .post_json(
                "/api/v1/reports",
                Some(&citizen),
                &json!({
                    "categoryCode": if i == 4 { "0301" } else { "0201" },
                    "description": text,
                    "location": {"lat": LAT + i as f64 * 0.0002, "lng": LNG, "coordSystem": "wgs84"},
                    "mediaIds": [media],
                }),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }

    // Act
    let r = app.get("/api/v1/exports/cases.csv", Some(&disp)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".csv")
    );
    let body = r.text().await.unwrap();

    // Assert: Chinese headers, one row per case, every dangerous cell inert.
    let body = body
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark for Excel");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "案卷编号");
    let col = headers.iter().position(|h| h == "问题描述").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 5);
    let descriptions: Vec<&str> = rows.iter().map(|r| &r[col]).collect();
    for text in &evil[..4] {
        assert!(
            descriptions.contains(&format!("'{text}").as_str()),
            "{text} neutralised: {descriptions:?}"
        );
    }
    assert!(descriptions.contains(&"正常描述"), "plain text unchanged");
    for d in &descriptions {
        assert!(!d.starts_with(['=', '+', '-', '@']), "{d}");
    }
    // The filters apply: only the case waiting for review.
    let one = app
        .get("/api/v1/exports/cases.csv?status=submitted", Some(&disp))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(one.lines().count(), 2, "{one}");
    assert!(one.contains("待受理"));
    // XLSX: the same rows, as strings (no formula element anywhere).
    let r = app.get("/api/v1/exports/cases.xlsx", Some(&disp)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let sheet = sheet_xml(&r.bytes().await.unwrap());
    assert!(sheet.contains("案卷编号"));
    assert!(sheet.contains("@SUM(A1)"));
    assert!(
        !sheet.contains("<f>") && !sheet.contains("<f "),
        "no formula cells"
    );
}

/// Reads SSE messages until one satisfies `done`; returns them all.
async fn read_events(
    r: &mut reqwest::Response,
    secs: u64,
    mut done: impl FnMut(&[Value]) -> bool,
) -> Vec<Value> {
    let mut buf = String::new();
    let mut events = vec![];
    let until = tokio::time::Instant::now() + std::time::Duration::from_secs(secs);
    while !done(&events) {
        let chunk = tokio::time::timeout_at(until, r.chunk()).await;
        let Ok(Ok(Some(bytes))) = chunk else {
            break;
        };
        buf.push_str(&String::from_utf8_lossy(&bytes));
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            if let Some(data) = block.lines().find_map(|l| l.strip_prefix("data: ")) {
                events.push(serde_json::from_str(data).unwrap());
            }
        }
    }
    events
}

async fn feed(app: &TestApp, token: &str, last: Option<&str>) -> reqwest::Response {
    let mut rb = app.http.get(app.url("/api/v1/events")).bearer_auth(token);
    if let Some(l) = last {
        rb = rb.header("Last-Event-ID", l);
    }
    let r = rb.send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    r
}

#[tokio::test]
async fn the_live_feed_reaches_another_node_and_resumes_after_a_disconnect() {
    // Arrange: two nodes on one database when Redis is there (production);
    // one node on the embedded default, whose bus is in process.
    let tmp = tempfile::tempdir().unwrap();
    let config = common::test_config(tmp.path()).await;
    let two = config.redis_url.is_some();
    let a = common::start(config.clone(), tmp).await;
    let b_holder;
    let b = if two {
        b_holder = common::start(config, tempfile::tempdir().unwrap()).await;
        &b_holder
    } else {
        &a
    };
    let citizen = a.citizen("feed-citizen").await;
    let disp_b = b.staff(DISPATCHER.0, DISPATCHER.1).await;
    let disp_a = a.staff(DISPATCHER.0, DISPATCHER.1).await;
    let unit_b = b.staff("xc-cgj", UNIT_PASSWORD).await;
    let mut live = feed(b, &disp_b, None).await;
    let mut other_unit = feed(b, &unit_b, None).await;

    // Act: a report on node A.
    let first = a.submit(&citizen, "0201", LAT, LNG).await;
    let first_id = first["id"].as_str().unwrap().to_owned();
    let got = read_events(&mut live, 5, |evs| {
        evs.iter()
            .any(|e| e["caseId"] == first_id.as_str() && e["action"] == "dispatch")
    })
    .await;

    // Assert: node B's feed had it within the wait, in order.
    let mine: Vec<&Value> = got
        .iter()
        .filter(|e| e["caseId"] == first_id.as_str())
        .collect();
    assert!(!mine.is_empty(), "the new case reached the feed: {got:?}");
    assert_eq!(mine[0]["kind"], "new_case");
    assert_eq!(mine[0]["status"], "submitted");
    assert_eq!(mine[0]["category"]["code"], "0201");
    assert!(mine.iter().any(|e| e["action"] == "dispatch"));
    let last_seen = got.last().unwrap()["id"].as_str().unwrap().to_owned();
    // Another unit's member does not see sh-cgj's case.
    let none = read_events(&mut other_unit, 1, |evs| !evs.is_empty()).await;
    assert!(none.is_empty(), "out of scope: {none:?}");
    drop(live);

    // While disconnected: a second case, and the first one claimed.
    let second = a.submit(&citizen, "0201", LAT + 0.0003, LNG).await;
    let second_id = second["id"].as_str().unwrap().to_owned();
    a.act_ok(&disp_a, &first_id, "suspend", json!({"note": "挂账"}))
        .await;

    // Resume with Last-Event-ID: nothing is lost.
    let mut resumed = feed(b, &disp_b, Some(&last_seen)).await;
    let got = read_events(&mut resumed, 5, |evs| {
        evs.iter()
            .any(|e| e["caseId"] == first_id.as_str() && e["action"] == "suspend")
            && evs
                .iter()
                .any(|e| e["caseId"] == second_id.as_str() && e["action"] == "dispatch")
    })
    .await;
    assert!(
        got.iter()
            .any(|e| e["caseId"] == second_id.as_str() && e["kind"] == "new_case"),
        "the second case's submission: {got:?}"
    );
    assert!(
        got.iter()
            .any(|e| e["caseId"] == first_id.as_str() && e["action"] == "suspend"),
        "the suspension: {got:?}"
    );
    // And it goes on live after the replay.
    let third = a.submit(&citizen, "0201", LAT + 0.0006, LNG).await;
    let third_id = third["id"].as_str().unwrap().to_owned();
    let got = read_events(&mut resumed, 5, |evs| {
        evs.iter().any(|e| e["caseId"] == third_id.as_str())
    })
    .await;
    assert!(
        got.iter().any(|e| e["caseId"] == third_id.as_str()),
        "live after replay"
    );
    // The map on node B shows the new case too.
    assert!(
        eventually(3, || async { cluster_total(b, &disp_b, 12, "").await == 3 }).await,
        "node B's index follows node A's commits"
    );
}

#[tokio::test]
async fn the_seed_fills_a_believable_year() {
    // Arrange: seed a fresh database, then start a node on it.
    let tmp = tempfile::tempdir().unwrap();
    let config = common::test_config(tmp.path()).await;
    let db =
        suishoupai::infra::db::connect(&config.database_url, config.database_schema.as_deref())
            .await
            .unwrap();
    suishoupai::infra::db::migrate(&db).await.unwrap();

    // Act
    let n = suishoupai::command::seed::seed(&db, (3000, 365, 7), common::clock_start())
        .await
        .unwrap();
    let app = common::start(config, tmp).await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;

    // Assert: every case is on the map, and the proportions are believable.
    // The escalation event has one spelling, the case loop's.
    let escalations = |action: &'static str| {
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        let db = &app.state.db;
        async move {
            entity::case_event::Entity::find()
                .filter(entity::case_event::Column::Action.eq(action))
                .count(db)
                .await
                .unwrap()
        }
    };
    assert_eq!(escalations("escalation").await, 0);
    assert!(escalations("escalate").await > 0);
    let stored = app.count(entity::cases::Entity).await;
    assert!(
        stored >= 2900,
        "almost every sample lands in a grid: {stored}"
    );
    assert_eq!(
        n as u64, stored,
        "the count the seed returns is what it wrote"
    );
    assert_eq!(cluster_total(&app, &disp, 10, "").await, stored);
    let year = get_json(
        &app,
        &disp,
        &format!(
            "/api/v1/stats/indicators?from={}&to={}",
            (app.now() - chrono::Duration::days(364)).date_naive(),
            app.now().date_naive()
        ),
    )
    .await;
    let t = &year["total"];
    let share = |f: &str| t[f].as_f64().unwrap() / t["dispatched"].as_f64().unwrap();
    assert!(t["dispatched"].as_u64().unwrap() > 2500, "{t}");
    assert!(
        (0.80..0.97).contains(&share("closed")),
        "closed {}",
        share("closed")
    );
    assert!(
        (0.02..0.10).contains(&share("returned")),
        "returned {}",
        share("returned")
    );
    assert!(
        (0.05..0.30).contains(&share("overdue")),
        "overdue {}",
        share("overdue")
    );
    assert!(
        (0.01..0.08).contains(&share("extended")),
        "extended {}",
        share("extended")
    );
    assert!((0.5..0.7).contains(&(t["rated"].as_f64().unwrap() / t["closed"].as_f64().unwrap())));
    let sat = t["satisfactionRate"]["value"].as_f64().unwrap();
    assert!((0.65..0.85).contains(&sat), "satisfaction {sat}");
    assert!(t["meanHandlingHours"].as_f64().unwrap() > 0.0);
    // The export pages through every case once (two batches and more).
    let csv = app
        .get("/api/v1/exports/cases.csv", Some(&disp))
        .await
        .text()
        .await
        .unwrap();
    let numbers: std::collections::HashSet<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(csv.lines().count() as u64 - 1, stored, "one row per case");
    assert_eq!(numbers.len() as u64, stored, "no case twice");
    // A seeded case opens like any other, with its timeline.
    let list = get_json(&app, &disp, "/api/v1/cases?status=closed&limit=1").await;
    let id = list["items"][0]["id"].as_str().unwrap();
    let case = app.case(&disp, id).await;
    let actions: Vec<&str> = case["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.first(), Some(&"submit"));
    assert!(actions.contains(&"close"), "{actions:?}");
}

#[tokio::test]
async fn an_event_the_bus_lost_still_reaches_the_feed() {
    // Arrange: a case, and a feed open on it.
    let app = spawn_app().await;
    let citizen = app.citizen("lost-citizen").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let case = app.submit(&citizen, "0301", LAT, LNG).await;
    let case_id: uuid::Uuid = case["id"].as_str().unwrap().parse().unwrap();
    let mut live = feed(&app, &disp, None).await;

    // Act: a timeline entry committed without a bus message (as when Redis
    // drops one between nodes).
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let lost = uuid::Uuid::now_v7();
    entity::case_event::ActiveModel {
        id: Set(lost),
        case_id: Set(case_id),
        actor_id: Set(None),
        actor_role: Set("dispatcher".into()),
        action: Set(domain::case::event::EventAction::RequestExtension),
        from_status: Set(Some(domain::CaseStatus::Submitted)),
        to_status: Set(domain::CaseStatus::Submitted),
        note: Set(None),
        public: Set(false),
        data: Set(None),
        created_at: Set(app.now()),
    }
    .insert(&app.state.db)
    .await
    .unwrap();

    // Assert: the sweep finds it in the timeline, once.
    let got = read_events(&mut live, 8, |evs| {
        evs.iter().any(|e| e["id"] == lost.to_string())
    })
    .await;
    let found: Vec<&Value> = got.iter().filter(|e| e["id"] == lost.to_string()).collect();
    assert_eq!(found.len(), 1, "{got:?}");
    assert_eq!(found[0]["kind"], "updated");
}

#[tokio::test]
async fn the_node_that_takes_a_change_counts_it_before_it_answers() {
    // Arrange: a case dispatched by its category (0201 goes to sh-cgj).
    let app = spawn_app().await;
    let citizen = app.citizen("ryw-citizen").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let unit = app.staff("sh-cgj", UNIT_PASSWORD).await;
    let id = app.submit(&citizen, "0201", LAT, LNG).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Assert: no waiting anywhere below; the node answered each write only
    // once its map and indicators counted it.
    assert_eq!(cluster_total(&app, &disp, 12, "status=dispatched").await, 1);
    app.act_ok(&unit, &id, "claim", json!({})).await;
    assert_eq!(
        cluster_total(&app, &disp, 12, "status=in_progress").await,
        1
    );
    let after = app.photo(&unit, common::jpeg(40, 30, 9)).await;
    app.act_ok(&unit, &id, "resolve", json!({"mediaIds": [after]}))
        .await;
    app.act_ok(&disp, &id, "verify", json!({"outcome": "close"}))
        .await;
    assert_eq!(cluster_total(&app, &disp, 12, "status=closed").await, 1);
    assert_eq!(
        cluster_total(&app, &disp, 12, "status=in_progress").await,
        0
    );
    let ind = get_json(&app, &disp, "/api/v1/stats/indicators").await;
    assert_eq!(ind["total"]["dispatched"], 1, "{ind}");
    assert_eq!(ind["total"]["closed"], 1, "{ind}");
}

#[tokio::test]
async fn an_account_holds_a_bounded_number_of_feeds_and_a_replay_reads_its_scope_only() {
    // Arrange: two feeds per account; a replay reads three entries at most.
    let app = common::spawn_with(|c| {
        c.limits.feeds_per_account = 2;
        c.limits.feed_replay_rows = 3;
    })
    .await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let citizen = app.citizen("feed-bounds").await;

    // Act + Assert: a third feed of one account is refused, until one ends.
    let first = feed(&app, &disp, None).await;
    let _second = feed(&app, &disp, None).await;
    let r = app.get("/api/v1/events", Some(&disp)).await;
    assert!(r.headers().contains_key("retry-after"));
    common::expect_error(r, 429, "too_many_feeds").await;
    let other = app.staff(common::SUPERVISOR.0, common::SUPERVISOR.1).await;
    let _theirs = feed(&app, &other, None).await;
    drop(first);
    assert!(
        eventually(5, || async {
            app.get("/api/v1/events", Some(&disp)).await.status() == StatusCode::OK
        })
        .await,
        "a feed that ended gives its place back"
    );

    // A unit's replay reads its own cases' entries only, in the database:
    // another unit's four entries after the resume point neither reach it
    // nor count against its three.
    drop(_second);
    drop(_theirs);
    let unit = app.staff("sh-cgj", UNIT_PASSWORD).await;
    let mut theirs = vec![];
    for lat in [40.792, 40.793] {
        let t = app.submit(&citizen, "0301", lat, 111.70).await;
        let id = t["id"].as_str().unwrap().to_owned();
        app.act_ok(&disp, &id, "dispatch", json!({"unitCode": "hm-cgj"}))
            .await;
        theirs.push(id);
    }
    let mine = app.submit(&citizen, "0301", 40.791, 111.70).await;
    let mine_id = mine["id"].as_str().unwrap();
    app.act_ok(&disp, mine_id, "dispatch", json!({"unitCode": "sh-cgj"}))
        .await;
    let last = uuid::Uuid::now_v7();
    let resume_from = uuid::Uuid::from_u128(last.as_u128() - (60_000u128 << 80));
    let mut r = feed(&app, &unit, Some(&resume_from.to_string())).await;
    let got = read_events(&mut r, 5, |e| e.iter().any(|x| x["caseId"] == mine_id)).await;
    assert!(got.iter().any(|x| x["caseId"] == mine_id), "{got:?}");
    assert!(
        got.iter()
            .all(|x| x["kind"] != "reset" && theirs.iter().all(|t| x["caseId"] != t.as_str())),
        "another unit's entries were replayed or counted: {got:?}"
    );

    // The city-wide replay has more than three entries to give: it gives
    // three, then one reset (reload the view), then goes on live.
    assert!(
        eventually(5, || async {
            app.get("/api/v1/events", Some(&disp)).await.status() == StatusCode::OK
        })
        .await
    );
    let mut r = feed(&app, &disp, Some(&resume_from.to_string())).await;
    let got = read_events(&mut r, 5, |e| e.iter().any(|x| x["kind"] == "reset")).await;
    let resets: Vec<_> = got.iter().filter(|x| x["kind"] == "reset").collect();
    assert_eq!(resets.len(), 1, "{got:?}");
    assert_eq!(resets[0]["reason"], "too_many");
    assert_eq!(got.len(), 4, "three entries, then the reset: {got:?}");
    drop(r);

    // Away for longer than a replay reaches: a reset at once.
    let long_ago = uuid::Uuid::from_u128(last.as_u128() - (7_200_000u128 << 80));
    let mut r = feed(&app, &unit, Some(&long_ago.to_string())).await;
    let got = read_events(&mut r, 5, |e| !e.is_empty()).await;
    assert_eq!(got[0]["kind"], "reset", "{got:?}");
    assert_eq!(got[0]["reason"], "too_old");
    let next = app.submit(&citizen, "0301", 40.794, 111.70).await;
    app.act_ok(
        &disp,
        next["id"].as_str().unwrap(),
        "dispatch",
        json!({"unitCode": "sh-cgj"}),
    )
    .await;
    let live = read_events(&mut r, 5, |e| e.iter().any(|x| x["caseId"] == next["id"])).await;
    assert!(
        live.iter().any(|x| x["caseId"] == next["id"]),
        "the feed goes on live after a reset: {live:?}"
    );
}

#[tokio::test]
async fn exports_run_a_bounded_number_at_once() {
    // Arrange: a history big enough that its CSV outlasts the socket
    // buffers while nobody reads it; one export at a time on the node.
    let tmp = tempfile::tempdir().unwrap();
    let mut config = common::test_config(tmp.path()).await;
    config.limits.exports_at_once = 1;
    let db =
        suishoupai::infra::db::connect(&config.database_url, config.database_schema.as_deref())
            .await
            .unwrap();
    suishoupai::infra::db::migrate(&db).await.unwrap();
    suishoupai::command::seed::seed(&db, (20_000, 365, 11), common::clock_start())
        .await
        .unwrap();
    let app = common::start(config, tmp).await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let sup = app.staff(common::SUPERVISOR.0, common::SUPERVISOR.1).await;
    let export = |token: String| {
        let app = &app;
        async move { app.get("/api/v1/exports/cases.csv", Some(&token)).await }
    };

    // Act: an export that is not read on.
    let first = export(disp.clone()).await;
    assert_eq!(first.status(), StatusCode::OK);

    // Assert: the same account waits for its own; another account for
    // the node's place; once the first ends, the next runs.
    common::expect_error(export(disp.clone()).await, 429, "too_many_exports").await;
    let busy = export(sup.clone()).await;
    assert!(busy.headers().contains_key("retry-after"));
    common::expect_error(busy, 503, "export_busy").await;
    drop(first);
    assert!(
        eventually(10, || async {
            export(sup.clone()).await.status() == StatusCode::OK
        })
        .await,
        "the node's place came back"
    );
}

#[tokio::test]
async fn every_filter_the_spec_lists_is_read_by_every_operation_that_lists_it() {
    // Arrange: the operations that take the case filters, as the spec shows them.
    let app = spawn_app().await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let spec: Value = app.get("/openapi.json", None).await.json().await.unwrap();
    let ops = [
        "/api/v1/cases",
        "/api/v1/map/areas",
        "/api/v1/stats/indicators",
        "/api/v1/exports/cases.csv",
    ];
    for path in ops {
        let params = spec["paths"][path]["get"]["parameters"].as_array().unwrap();
        let filters: Vec<&Value> = params
            .iter()
            .filter(|p| {
                [
                    "status",
                    "category",
                    "unit",
                    "area",
                    "overdue",
                    "warned",
                    "escalated",
                    "createdFrom",
                    "createdTo",
                    "closedFrom",
                    "closedTo",
                ]
                .contains(&p["name"].as_str().unwrap())
            })
            .collect();
        assert_eq!(filters.len(), 11, "{path}: {filters:?}");
        for p in filters {
            let name = p["name"].as_str().unwrap();
            // A value its schema refuses.
            let bad = match (p["schema"]["type"].as_str(), p["schema"]["format"].as_str()) {
                (Some("boolean"), _) => "maybe",
                (Some("string"), Some("date-time")) => "yesterday",
                (Some("array"), _) => "no_such_status",
                _ => "",
            };

            // Act
            let r = app.get(&format!("{path}?{name}={bad}"), Some(&disp)).await;

            // Assert: refused, naming the parameter: the server reads what the spec says.
            let body = common::expect_error(r, 400, "invalid_request").await;
            let message = body["message"].as_str().unwrap();
            assert!(message.contains(name), "{path} {name}: {message}");
        }
    }
}

/// A node's count of one case index event (`load_snapshot`,
/// `load_database`, `save_ok`), from `/metrics`.
async fn index_events(app: &TestApp, event: &str) -> u64 {
    let text = app.get("/metrics", None).await.text().await.unwrap();
    let line = format!("suishoupai_case_index_total{{event=\"{event}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(line.as_str()))
        .map_or(0, |n| n.trim().parse().unwrap())
}

/// What the command centre shows, for comparing two nodes.
async fn views(app: &TestApp, token: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for path in [
        "/api/v1/stats/summary".to_owned(),
        format!("/api/v1/map/clusters?{CITY}&zoom=10"),
        format!("/api/v1/map/clusters?{NEAR}&zoom=20"),
        format!("/api/v1/map/heatmap?{NEAR}&zoom=14"),
        "/api/v1/map/areas?level=district&zoom=10".to_owned(),
        "/api/v1/stats/indicators?groupBy=unit".to_owned(),
    ] {
        out.push(get_json(app, token, &path).await);
    }
    out
}

#[tokio::test]
async fn a_node_starts_from_the_index_snapshot_and_reads_what_changed_after_it() {
    // Arrange: node A writes the index's snapshot every second, with three
    // cases in it; then it stops.
    let tmp = tempfile::tempdir().unwrap();
    let mut config = common::test_config(tmp.path()).await;
    config.workflow.index_snapshot_secs = 1;
    config.workflow.index_catch_up_ms = 200;
    let mut a = common::start(config.clone(), tmp).await;
    let citizen = a.citizen("snapshot-citizen").await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let c = a
            .submit(&citizen, "0201", LAT + 0.001 * f64::from(i), LNG)
            .await;
        ids.push(c["id"].as_str().unwrap().to_owned());
    }
    // An hour on: the snapshot covers the cases, so that a node starting
    // from it reads them from the snapshot, not from what changed lately.
    a.advance(chrono::Duration::hours(1));
    let before = index_events(&a, "save_ok").await;
    assert!(
        eventually(10, || async {
            index_events(&a, "save_ok").await > before + 1
        })
        .await,
        "node A writes a snapshot after the cases"
    );
    let stored = a.state.store.list("index/").await.unwrap();
    assert_eq!(stored, ["index/cases.snap"]);
    assert_eq!(index_events(&a, "load_database").await, 1);
    a.begin_shutdown().await.unwrap().unwrap();

    // Act: node B starts from the snapshot and changes things; node C
    // starts from the same snapshot afterwards.
    config.workflow.index_snapshot_secs = 0;
    let b = common::start(config.clone(), tempfile::tempdir().unwrap()).await;
    let disp_b = b.staff(DISPATCHER.0, DISPATCHER.1).await;
    let snapshot_views = views(&b, &disp_b).await;
    b.advance(chrono::Duration::hours(2));
    for i in 3..5 {
        b.submit(&citizen, "0201", LAT + 0.001 * f64::from(i), LNG)
            .await;
    }
    b.act_ok(&disp_b, &ids[0], "suspend", json!({"note": "挂账"}))
        .await;
    let b_views = views(&b, &disp_b).await;
    let c = common::start(config.clone(), tempfile::tempdir().unwrap()).await;
    let disp_c = c.staff(DISPATCHER.0, DISPATCHER.1).await;

    // Assert: both came from the snapshot; C shows what B changed after
    // it, the same as B in every view.
    assert_eq!(index_events(&b, "load_snapshot").await, 1);
    assert_eq!(index_events(&c, "load_snapshot").await, 1);
    assert_eq!(index_events(&c, "load_database").await, 0);
    assert_ne!(snapshot_views, b_views, "B's changes show on B");
    let near = |v: &[Value]| v[2]["total"].as_u64().unwrap();
    assert_eq!(near(&b_views), near(&snapshot_views) + 2);
    assert_eq!(
        b_views[0]["suspended"],
        snapshot_views[0]["suspended"].as_u64().unwrap() + 1
    );
    assert_eq!(views(&c, &disp_c).await, b_views);

    // A snapshot that does not read is not used: node D reads every case.
    c.state
        .store
        .put(
            "index/cases.snap",
            "SSPIDX01 and then nothing".into(),
            "application/octet-stream",
        )
        .await
        .unwrap();
    let d = common::start(config, tempfile::tempdir().unwrap()).await;
    let disp_d = d.staff(DISPATCHER.0, DISPATCHER.1).await;
    assert_eq!(index_events(&d, "load_snapshot").await, 0);
    assert_eq!(index_events(&d, "load_database").await, 1);
    assert_eq!(views(&d, &disp_d).await, b_views);
}
