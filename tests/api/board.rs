//! The public board (曝光台, 红黑榜): closed cases with their reviewed,
//! blurred photos, the districts' month ranked, for anyone without a
//! sign-in; cacheable pages; and the photo review in front of it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{DISPATCHER, TestApp, UNIT_PASSWORD, expect_error, jpeg, spawn_with};
use serde_json::{Value, json};

/// Points inside each demo district (新城, 回民, 玉泉, 赛罕).
const XINCHENG: (f64, f64) = (40.85, 111.75);
const HUIMIN: (f64, f64) = (40.85, 111.60);
const SAIHAN: (f64, f64) = (40.79, 111.70);

/// An app whose board renders every request (no cache between steps).
async fn uncached() -> TestApp {
    spawn_with(|c| c.publication.board_cache_secs = 0).await
}

async fn get_json(app: &TestApp, path: &str, token: Option<&str>) -> Value {
    let r = app.get(path, token).await;
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.unwrap()
}

/// Takes an automatically dispatched case through claim, resolution (with
/// a photo of the fix) and verification; returns the unit's token.
async fn close(app: &TestApp, disp: &str, id: &str, shade: u8) -> String {
    let unit_code = app.case(disp, id).await["unit"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let unit = app.staff(&unit_code, UNIT_PASSWORD).await;
    app.act_ok(&unit, id, "claim", json!({})).await;
    let after = app.photo(&unit, jpeg(80, 60, shade)).await;
    app.act_ok(
        &unit,
        id,
        "resolve",
        json!({"note": "已处理", "mediaIds": [after]}),
    )
    .await;
    app.act_ok(disp, id, "verify", json!({"outcome": "close"}))
        .await;
    unit
}

async fn review(app: &TestApp, token: &str, photo: &str, body: Value) -> reqwest::Response {
    app.post_json(
        &format!("/api/v1/admin/photos/{photo}/review"),
        Some(token),
        &body,
    )
    .await
}

async fn queue(app: &TestApp, token: &str) -> Vec<Value> {
    get_json(app, "/api/v1/admin/photo-reviews?limit=100", Some(token)).await["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn only_closed_public_cases_and_reviewed_photos_reach_the_board() {
    // Arrange: a closed case, a rejected one, one never taken on.
    let app = uncached().await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let citizen = app.citizen("board-reporter").await;
    let closed = app.submit(&citizen, "0201", SAIHAN.0, SAIHAN.1).await;
    let id = closed["id"].as_str().unwrap();
    let unit = close(&app, &disp, id, 31).await;
    let rejected = app.submit(&citizen, "0301", SAIHAN.0, SAIHAN.1).await;
    let rejected_id = rejected["id"].as_str().unwrap();
    app.act_ok(&disp, rejected_id, "reject", json!({"note": "重复"}))
        .await;
    let waiting = app.submit(&citizen, "0301", SAIHAN.0, SAIHAN.1).await;

    // Assert: the closed case only, and none of its photos before review.
    let board = get_json(&app, "/api/v1/board/cases", None).await;
    let items = board["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{board}");
    let shown = &items[0];
    assert_eq!(shown["id"], id);
    assert_eq!(shown["district"]["code"], "150105");
    assert_eq!(shown["onTime"], true);
    assert_eq!(shown["beforePhotos"].as_array().unwrap().len(), 0);
    assert_eq!(shown["afterPhotos"].as_array().unwrap().len(), 0);
    let text = board.to_string();
    for never in [
        rejected_id,
        waiting["id"].as_str().unwrap(),
        "board-reporter",
    ] {
        assert!(!text.contains(never), "{never} on the board");
    }

    // Act: staff review the two photos waiting: the before one with a
    // region blurred, the after one as it is.
    let waiting_photos = queue(&app, &disp).await;
    let of_case: Vec<&Value> = waiting_photos
        .iter()
        .filter(|p| p["caseId"] == id)
        .collect();
    assert_eq!(of_case.len(), 2, "{waiting_photos:?}");
    assert!(
        waiting_photos.iter().all(|p| p["caseId"] != rejected_id),
        "a rejected case's photos are not offered for publication"
    );
    let before = of_case
        .iter()
        .find(|p| p["subject"] == "case_before")
        .unwrap();
    let after = of_case
        .iter()
        .find(|p| p["subject"] == "case_after")
        .unwrap();
    let region = json!({"x": 0.1, "y": 0.2, "width": 0.5, "height": 0.5});
    let r = review(
        &app,
        &disp,
        before["photo"]["id"].as_str().unwrap(),
        json!({"publish": true, "regions": [region]}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let reviewed: Value = r.json().await.unwrap();
    assert_eq!(reviewed["publishable"], true);
    assert_eq!(reviewed["regions"][0]["width"], 0.5);
    let r = review(
        &app,
        &disp,
        after["photo"]["id"].as_str().unwrap(),
        json!({"publish": true}),
    )
    .await;
    assert_eq!(r.status(), 200);

    // Assert: both on the board as derivatives at stable URLs anyone may
    // read; the originals' signed URLs are nowhere in it.
    let board = get_json(&app, "/api/v1/board/cases", None).await;
    let shown = &board["items"][0];
    let url = shown["beforePhotos"][0]["url"].as_str().unwrap().to_owned();
    assert!(url.contains("/api/v1/public/photos/"), "{url}");
    assert_eq!(shown["afterPhotos"].as_array().unwrap().len(), 1);
    assert!(!board.to_string().contains("sig="), "{board}");
    let path = url.split_once("/api/v1/").map(|(_, p)| p).unwrap();
    let r = app.get(&format!("/api/v1/{path}"), None).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("public")
    );
    let thumb = shown["beforePhotos"][0]["thumbnailUrl"].as_str().unwrap();
    let thumb = thumb.split_once("/api/v1/").map(|(_, p)| p).unwrap();
    assert_eq!(
        app.get(&format!("/api/v1/{thumb}"), None).await.status(),
        200
    );
    assert!(queue(&app, &disp).await.iter().all(|p| p["caseId"] != id));

    // Act: the after photo is withheld on a second look.
    let r = review(
        &app,
        &disp,
        after["photo"]["id"].as_str().unwrap(),
        json!({"publish": false}),
    )
    .await;
    assert_eq!(r.status(), 200);

    // Assert: gone from the board and from its public URL; the unit and
    // staff still see the original.
    let board = get_json(&app, "/api/v1/board/cases", None).await;
    assert_eq!(
        board["items"][0]["afterPhotos"].as_array().unwrap().len(),
        0
    );
    let unit_view = app.case(&unit, id).await;
    assert!(unit_view.to_string().contains("sig="));

    // Refusals: a citizen or a unit may not review; bad regions; no photo.
    let photo = before["photo"]["id"].as_str().unwrap();
    let r = review(&app, &citizen, photo, json!({"publish": true})).await;
    expect_error(r, 403, "forbidden").await;
    let r = review(&app, &unit, photo, json!({"publish": true})).await;
    expect_error(r, 403, "forbidden").await;
    // Off the image: refused by the rule; out of range, empty or too
    // many: by the schema.
    let off = json!([{"x": 0.8, "y": 0.1, "width": 0.5, "height": 0.1}]);
    let r = review(&app, &disp, photo, json!({"publish": true, "regions": off})).await;
    expect_error(r, 400, "invalid_regions").await;
    for bad in [
        json!([{"x": 0.1, "y": 0.1, "width": 0.0, "height": 0.1}]),
        json!([{"x": -0.1, "y": 0.1, "width": 0.2, "height": 0.1}]),
        json!(vec![
            json!({"x": 0.1, "y": 0.1, "width": 0.1, "height": 0.1});
            51
        ]),
    ] {
        let r = review(&app, &disp, photo, json!({"publish": true, "regions": bad})).await;
        expect_error(r, 400, "invalid_request").await;
    }
    let r = review(
        &app,
        &disp,
        &uuid::Uuid::now_v7().to_string(),
        json!({"publish": true}),
    )
    .await;
    expect_error(r, 404, "not_found").await;
    let loose = app.photo(&citizen, jpeg(40, 30, 99)).await;
    let r = review(&app, &disp, &loose, json!({"publish": true})).await;
    expect_error(r, 409, "not_publishable").await;
}

/// Mean absolute difference of two images over a rectangle, and the
/// detail (mean neighbour difference) left in the second.
fn compare(a: &image::RgbImage, b: &image::RgbImage, r: (u32, u32, u32, u32)) -> (f64, f64) {
    let (x0, y0, w, h) = r;
    let (mut diff, mut detail, mut n) = (0f64, 0f64, 0f64);
    for y in y0..y0 + h {
        for x in x0..x0 + w - 1 {
            for c in 0..3 {
                let (pa, pb) = (a.get_pixel(x, y)[c], b.get_pixel(x, y)[c]);
                diff += f64::from(pa.abs_diff(pb));
                detail += f64::from(pb.abs_diff(b.get_pixel(x + 1, y)[c]));
                n += 1.0;
            }
        }
    }
    (diff / n, detail / n)
}

#[tokio::test]
async fn the_derivative_is_blurred_inside_the_regions_and_matches_outside() {
    // Arrange: a real street photo on a case a person took on.
    let app = uncached().await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let citizen = app.citizen("blur-reporter").await;
    let photo = app.photo(&citizen, common::fixture("street-4mp.jpg")).await;
    let r = app
        .post_json(
            "/api/v1/reports",
            Some(&citizen),
            &common::report_body(&[&photo]),
        )
        .await;
    assert_eq!(r.status(), 201);
    let case: Value = r.json().await.unwrap();
    let id = case["id"].as_str().unwrap();
    app.act_ok(&disp, id, "dispatch", json!({})).await;
    let original_url = app.case(&disp, id).await["photos"][0]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let fetch = |url: String| {
        let http = app.http.clone();
        let url = if url.starts_with('/') {
            app.url(&url)
        } else {
            url
        };
        async move {
            let bytes = http.get(url).send().await.unwrap().bytes().await.unwrap();
            image::load_from_memory(&bytes).unwrap().into_rgb8()
        }
    };
    let original = fetch(original_url.clone()).await;

    // Act
    let region = json!({"x": 0.25, "y": 0.25, "width": 0.5, "height": 0.5});
    let r = review(
        &app,
        &disp,
        &photo,
        json!({"publish": true, "regions": [region]}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let reviewed: Value = r.json().await.unwrap();
    let public_url = reviewed["published"]["url"].as_str().unwrap().to_owned();
    let public = fetch(public_url.clone()).await;

    // Assert: same size; inside the region nothing of the original's
    // detail is left and it differs; outside it is the original but for
    // JPEG re-encoding; the original is unchanged for staff.
    assert_eq!(public.dimensions(), original.dimensions());
    let (w, h) = original.dimensions();
    let inside = (w * 3 / 10, h * 3 / 10, w * 4 / 10, h * 4 / 10);
    let outside = (0, 0, w, h / 5);
    let (_, original_detail) = compare(&original, &original, inside);
    let (diff_in, detail_in) = compare(&original, &public, inside);
    let (diff_out, _) = compare(&original, &public, outside);
    assert!(
        original_detail > 4.0,
        "the photo has detail: {original_detail}"
    );
    assert!(
        detail_in < original_detail / 4.0,
        "detail left inside: {detail_in} of {original_detail}"
    );
    assert!(
        diff_in > 3.0 * diff_out.max(1.0),
        "inside {diff_in}, outside {diff_out}"
    );
    assert!(diff_out < 3.0, "outside differs by {diff_out}");
    assert_eq!(fetch(original_url).await, original);

    // Made once and stored: the store holds it beside the original.
    let objects = app.objects().await;
    assert!(
        objects
            .iter()
            .any(|k| k == &format!("media/{photo}/public-1.jpg")),
        "{objects:?}"
    );
    assert!(
        objects
            .iter()
            .any(|k| k == &format!("media/{photo}/public-1-thumb.jpg"))
    );

    // A second review replaces the derivative: the old URL is gone.
    let r = review(&app, &disp, &photo, json!({"publish": true})).await;
    let again: Value = r.json().await.unwrap();
    assert!(
        again["published"]["url"]
            .as_str()
            .unwrap()
            .contains("/2/full")
    );
    assert_eq!(app.get(&public_url, None).await.status(), 404);
    assert!(
        !app.objects()
            .await
            .iter()
            .any(|k| k == &format!("media/{photo}/public-1.jpg"))
    );

    // A copy the client holds is still good: 304.
    let url2 = again["published"]["url"].as_str().unwrap().to_owned();
    let first = app.get(&url2, None).await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let held = app
        .http
        .get(app.url(&url2))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(held.status(), 304);

    // Withheld, then published again: a revision is never used twice, so
    // no cache can hold the old image under the new URL.
    let r = review(&app, &disp, &photo, json!({"publish": false})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.get(&url2, None).await.status(), 404);
    let r = review(&app, &disp, &photo, json!({"publish": true})).await;
    let third: Value = r.json().await.unwrap();
    let url4 = third["published"]["url"].as_str().unwrap();
    assert!(url4.contains("/4/full"), "{url4}");
    assert_eq!(app.get(url4, None).await.status(), 200);
    let kept: Vec<String> = app
        .objects()
        .await
        .into_iter()
        .filter(|k| k.contains("/public-"))
        .collect();
    assert_eq!(
        kept,
        [
            format!("media/{photo}/public-4-thumb.jpg"),
            format!("media/{photo}/public-4.jpg")
        ],
        "one revision stored"
    );
}

/// Closes `id` after its deadline has passed.
async fn close_late(app: &TestApp, disp: &str, id: &str) {
    app.advance(chrono::Duration::days(40));
    close(app, disp, id, 77).await;
}

async fn rate(app: &TestApp, citizen: &str, id: &str, score: u8) {
    let r = app
        .post_json(
            &format!("/api/v1/reports/{id}/rating"),
            Some(citizen),
            &json!({"score": score}),
        )
        .await;
    assert_eq!(r.status(), 200);
}

fn ranks(board: &Value) -> Vec<(String, Option<u64>)> {
    board["districts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["name"].as_str().unwrap().to_owned(), d["rank"].as_u64()))
        .collect()
}

#[tokio::test]
async fn the_districts_are_ranked_as_counted_by_hand() {
    // Arrange, all dispatched on 30 November (the app's first day):
    // 赛罕区 two cases closed on time, rated 5 and 3 (3 is not satisfied, nor sent back);
    // 新城区 one closed on time, one open;
    // 回民区 one closed late, rated 4;
    // 玉泉区 none.
    let app = uncached().await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let citizen = app.citizen("rank-citizen").await;
    let submit = |p: (f64, f64)| app.submit(&citizen, "0201", p.0, p.1);
    let s1 = submit(SAIHAN).await["id"].as_str().unwrap().to_owned();
    let s2 = submit(SAIHAN).await["id"].as_str().unwrap().to_owned();
    let x1 = submit(XINCHENG).await["id"].as_str().unwrap().to_owned();
    submit(XINCHENG).await;
    let h1 = submit(HUIMIN).await["id"].as_str().unwrap().to_owned();
    for (id, shade) in [(&s1, 11), (&s2, 12), (&x1, 13)] {
        close(&app, &disp, id, shade).await;
    }
    close_late(&app, &disp, &h1).await;
    rate(&app, &citizen, &s1, 5).await;
    rate(&app, &citizen, &s2, 3).await;
    rate(&app, &citizen, &h1, 4).await;

    // Act: read once the case index has followed every change (moments).
    let path = "/api/v1/board/districts?month=2026-11";
    let sum = |b: &Value, k: &str| -> u64 {
        b["districts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d[k].as_u64().unwrap())
            .sum()
    };
    let settled = common::eventually(5, || async {
        let b = get_json(&app, path, None).await;
        sum(&b, "closed") == 4 && sum(&b, "rated") == 3
    })
    .await;
    assert!(
        settled,
        "the index follows the cases: {}",
        get_json(&app, path, None).await
    );
    let on_time = get_json(&app, path, None).await;

    // Assert: figures by hand.
    assert_eq!(on_time["month"], "2026-11");
    let by_name = |b: &Value, n: &str| {
        b["districts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == n)
            .unwrap()
            .clone()
    };
    let saihan = by_name(&on_time, "赛罕区");
    assert_eq!(saihan["dispatched"], 2);
    assert_eq!(saihan["onTimeCloseRate"], 1.0);
    assert_eq!(saihan["satisfactionRate"], 0.5);
    assert_eq!(saihan["population"], 950_000);
    assert_eq!(saihan["casesPer10k"], 0.02);
    let xincheng = by_name(&on_time, "新城区");
    assert_eq!(xincheng["onTimeCloseRate"], 0.5);
    assert_eq!(xincheng["closeRate"], 0.5);
    assert!(xincheng["satisfactionRate"].is_null());
    let huimin = by_name(&on_time, "回民区");
    assert_eq!(huimin["onTimeCloseRate"], 0.0);
    assert_eq!(huimin["closeRate"], 1.0);
    assert_eq!(huimin["satisfactionRate"], 1.0);
    assert!(by_name(&on_time, "玉泉区")["onTimeCloseRate"].is_null());
    let s = |v: &[(&str, u64)]| -> Vec<(String, Option<u64>)> {
        v.iter()
            .map(|(n, r)| ((*n).to_owned(), (*r > 0).then_some(*r)))
            .collect()
    };
    assert_eq!(
        ranks(&on_time),
        s(&[("赛罕区", 1), ("新城区", 2), ("回民区", 3), ("玉泉区", 0)])
    );
    let close_rate = get_json(&app, &format!("{path}&rankBy=closeRate"), None).await;
    assert_eq!(
        ranks(&close_rate),
        s(&[("回民区", 1), ("赛罕区", 1), ("新城区", 3), ("玉泉区", 0)])
    );
    let satisfaction = get_json(&app, &format!("{path}&rankBy=satisfactionRate"), None).await;
    assert_eq!(
        ranks(&satisfaction),
        s(&[("回民区", 1), ("赛罕区", 2), ("新城区", 0), ("玉泉区", 0)])
    );
    // Per 10,000 people, fewest first: 玉泉 0, 赛罕 2/95 ≈ 0.02,
    // 回民 1/43 ≈ 0.02, 新城 2/67 ≈ 0.03.
    // (0 in these lists: not ranked, no figure.)
    let per_10k = get_json(&app, &format!("{path}&rankBy=casesPer10k"), None).await;
    assert_eq!(
        ranks(&per_10k),
        s(&[("玉泉区", 1), ("回民区", 2), ("赛罕区", 2), ("新城区", 4)])
    );
    let formulas = on_time["formulas"].as_array().unwrap();
    assert!(formulas.iter().any(|f| f["name"] == "按期结案率"));
    assert!(!on_time.to_string().contains("rank-citizen"));

    // Another month counts nothing; a bad month is refused.
    let october = get_json(&app, "/api/v1/board/districts?month=2026-10", None).await;
    assert!(
        october["districts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["dispatched"] == 0)
    );
    for bad in ["2026-13", "1999-12"] {
        let r = app
            .get(&format!("/api/v1/board/districts?month={bad}"), None)
            .await;
        expect_error(r, 400, "invalid_period").await;
    }
    for bad in ["2026-1", "26-11", "x"] {
        let r = app
            .get(&format!("/api/v1/board/districts?month={bad}"), None)
            .await;
        expect_error(r, 400, "invalid_request").await;
    }
}

#[tokio::test]
async fn board_pages_are_cacheable_and_paged_with_cursors() {
    // Arrange: three closed cases, a node that keeps pages 1 s.
    let app = spawn_with(|c| c.publication.board_cache_secs = 1).await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let citizen = app.citizen("cache-citizen").await;
    let mut ids = vec![];
    for shade in [41, 42, 43] {
        let id = app.submit(&citizen, "0201", SAIHAN.0, SAIHAN.1).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        close(&app, &disp, &id, shade).await;
        app.advance(chrono::Duration::minutes(5));
        ids.push(id);
    }

    // Act + Assert: pages of two, most recently closed first.
    let first = app.get("/api/v1/board/cases?limit=2", None).await;
    assert_eq!(first.status(), 200);
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(first.headers()["cache-control"], "public, max-age=1");
    let page: Value = first.json().await.unwrap();
    let got: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(got, [ids[2].as_str(), ids[1].as_str()]);
    let cursor = page["nextCursor"].as_str().unwrap();
    let second = get_json(
        &app,
        &format!("/api/v1/board/cases?limit=2&cursor={cursor}"),
        None,
    )
    .await;
    assert_eq!(second["items"][0]["id"], ids[0]);
    assert!(second.get("nextCursor").is_none());

    // The client's copy is still good: 304 with no body.
    let again = app
        .http
        .get(app.url("/api/v1/board/cases?limit=2"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    assert!(again.bytes().await.unwrap().is_empty());

    // A newly closed case shows once the node's copy is older than 1 s.
    let id = app.submit(&citizen, "0201", SAIHAN.0, SAIHAN.1).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    close(&app, &disp, &id, 44).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let fresh = app
        .http
        .get(app.url("/api/v1/board/cases?limit=2"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), 200);
    assert_ne!(fresh.headers()["etag"].to_str().unwrap(), etag);
    let fresh: Value = fresh.json().await.unwrap();
    assert_eq!(fresh["items"][0]["id"], id.as_str());

    // Refusals.
    let r = app.get("/api/v1/board/cases?cursor=garbage", None).await;
    expect_error(r, 400, "invalid_cursor").await;
    let r = app.get("/api/v1/board/cases?area=nope", None).await;
    expect_error(r, 400, "unknown_area").await;
    let r = app.get("/api/v1/board/cases?limit=51", None).await;
    assert_eq!(r.status(), 400);
    let district = get_json(&app, "/api/v1/board/cases?area=150102", None).await;
    assert!(
        district["items"].as_array().unwrap().is_empty(),
        "新城区 has none"
    );
}
