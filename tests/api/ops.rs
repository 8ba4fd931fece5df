//! Health, readiness, metrics, docs, the error contract, abuse limits.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{expect_error, jpeg, report_body, spawn_app, spawn_with};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn health_readiness_docs_and_spec_are_served() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
    let ready: Value = app.get("/readyz", None).await.json().await.unwrap();
    assert_eq!(ready["status"], "ok", "{ready}");
    assert_eq!(ready["database"], "ok");
    assert_eq!(ready["objectStore"], "ok");
    let docs = app.get("/docs", None).await;
    assert_eq!(docs.status(), StatusCode::OK);
    let page = docs.text().await.unwrap();
    assert!(page.contains("swagger"));
    // The page carries the served spec: each filter, no placeholder.
    assert!(page.contains("createdFrom"), "the filters are expanded");
    assert!(!page.contains("x-case-filters"), "no placeholder is left");
    let spec: Value = app.get("/openapi.json", None).await.json().await.unwrap();
    assert!(spec["paths"]["/api/v1/reports"]["post"].is_object());
}

#[tokio::test]
async fn readiness_says_which_part_is_down() {
    // On local files, whatever the suite's store, so the store can be taken away.
    let app = spawn_with(|c| c.store.kind = suishoupai::config::StoreKind::Local).await;
    // Take the object store away from under the app.
    let suishoupai::infra::store::ObjectStore::Local { root } = &app.state.store else {
        panic!("the store was forced to local files");
    };
    std::fs::remove_dir_all(root).unwrap();
    let r = app.get("/readyz", None).await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["objectStore"], "unavailable");
    assert_eq!(v["database"], "ok");
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_photos_and_rejections() {
    let app = spawn_with(|c| c.limits.login_per_ip = 1).await;
    let token = app.citizen("m").await;
    app.photo(&token, jpeg(30, 30, 1)).await;
    let _ = app
        .post_json("/api/v1/auth/dev", None, &json!({"openid": "m2"}))
        .await;
    let text = app.get("/metrics", None).await.text().await.unwrap();
    assert!(
        text.contains(
            r#"suishoupai_http_requests_total{method="POST",route="uploadMedia",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains("suishoupai_http_request_duration_seconds_bucket"));
    assert!(text.contains(r#"suishoupai_photos_processed_total{outcome="stored"} 1"#));
    assert!(text.contains(r#"suishoupai_rate_limit_rejections_total{scope="login_ip"} 1"#));
}

#[tokio::test]
async fn every_error_is_the_json_body_with_a_request_id_header() {
    let app = spawn_app().await;
    let token = app.citizen("e").await;

    let r = app.get("/no/such/route", None).await;
    assert!(r.headers().contains_key("x-request-id"));
    expect_error(r, 404, "not_found").await;

    let r = app
        .http
        .post(app.url("/api/v1/reports"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    expect_error(r, 400, "invalid_request").await;

    let r = app
        .post_json("/api/v1/reports", Some(&token), &json!({"categoryCode": 5}))
        .await;
    expect_error(r, 400, "invalid_request").await;

    let r = app
        .http
        .delete(app.url("/api/v1/categories"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["code"], "method_not_allowed");

    let r = app
        .http
        .post(app.url("/api/v1/auth/dev"))
        .header("content-type", "text/plain")
        .body("openid=x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16() / 100, 4);
    let v: Value = r.json().await.unwrap();
    assert!(v["code"].is_string());

    // Oversized JSON bodies are refused before they are read.
    let huge = "x".repeat(300_000);
    let r = app
        .post_json("/api/v1/auth/dev", None, &json!({"openid": huge}))
        .await;
    expect_error(r, 413, "payload_too_large").await;
}

#[tokio::test]
async fn internal_errors_carry_only_a_request_id() {
    let err = suishoupai::error::ApiError::Internal(anyhow::anyhow!(
        "connection refused to db at 10.0.0.5"
    ));
    let body = serde_json::to_value(err.body("req-123")).unwrap();
    assert_eq!(body["code"], "internal_error");
    assert_eq!(body["details"]["requestId"], "req-123");
    assert!(!body.to_string().contains("10.0.0.5"));
}

#[tokio::test]
async fn abuse_limits_answer_429_with_retry_after() {
    let app = spawn_with(|c| {
        c.limits.login_per_ip = 3;
        c.limits.upload_per_user = 2;
        c.limits.report_per_user = 1;
    })
    .await;
    for i in 0..3 {
        let r = app
            .post_json(
                "/api/v1/auth/dev",
                None,
                &json!({"openid": format!("u{i}")}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let r = app
        .post_json("/api/v1/auth/dev", None, &json!({"openid": "u9"}))
        .await;
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "retry after {retry}");
    expect_error(r, 429, "rate_limited").await;

    // Uploads and reports are limited per user (the token was issued before the limit).
    let app2 = spawn_with(|c| {
        c.limits.upload_per_user = 2;
        c.limits.report_per_user = 1;
    })
    .await;
    let t = app2.citizen("busy").await;
    let a = app2.photo(&t, jpeg(20, 20, 1)).await;
    let b = app2.photo(&t, jpeg(20, 20, 2)).await;
    expect_error(
        app2.upload(&t, "c.jpg", jpeg(20, 20, 3)).await,
        429,
        "rate_limited",
    )
    .await;
    assert_eq!(
        app2.post_json("/api/v1/reports", Some(&t), &report_body(&[&a]))
            .await
            .status(),
        StatusCode::CREATED
    );
    let before = app2.footprint().await;
    expect_error(
        app2.post_json("/api/v1/reports", Some(&t), &report_body(&[&b]))
            .await,
        429,
        "rate_limited",
    )
    .await;
    assert_eq!(app2.footprint().await, before);
}

#[tokio::test]
async fn the_per_ip_limit_covers_every_user_at_one_address_and_counts_only_what_passed() {
    // Arrange: one upload per user and three per address, a minute.
    let app = spawn_with(|c| {
        c.limits.upload_per_user = 1;
        c.limits.upload_per_ip = 3;
    })
    .await;
    let (a, b, c, d) = (
        app.citizen("ip-a").await,
        app.citizen("ip-b").await,
        app.citizen("ip-c").await,
        app.citizen("ip-d").await,
    );

    // Act + Assert: a's second upload is refused by a's own bucket, and that
    // refusal is not counted against the address …
    assert_eq!(
        app.upload(&a, "1.jpg", jpeg(20, 20, 1)).await.status(),
        StatusCode::OK
    );
    let e = expect_error(
        app.upload(&a, "2.jpg", jpeg(20, 20, 2)).await,
        429,
        "rate_limited",
    )
    .await;
    assert!(
        e["message"].as_str().unwrap().contains("upload_user"),
        "{e}"
    );
    assert_eq!(
        app.upload(&b, "3.jpg", jpeg(20, 20, 3)).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.upload(&c, "4.jpg", jpeg(20, 20, 4)).await.status(),
        StatusCode::OK
    );
    // … so the address is spent after three uploads by three users, and a
    // fourth user there is refused by the address's bucket.
    let before = app.footprint().await;
    let e = expect_error(
        app.upload(&d, "5.jpg", jpeg(20, 20, 5)).await,
        429,
        "rate_limited",
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("upload_ip"), "{e}");
    assert_eq!(app.footprint().await, before);
}

#[tokio::test]
async fn the_committed_spec_is_the_codes_spec() {
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/api-docs/openapi.json"
    ))
    .unwrap();
    assert!(
        committed == suishoupai::api::spec_json(),
        "api-docs/openapi.json is stale: run `cargo run -- openapi`"
    );
}

#[tokio::test]
async fn every_value_of_a_labelled_enum_has_its_words_in_the_spec() {
    // Arrange
    let spec: Value = serde_json::from_str(&suishoupai::api::spec_json()).unwrap();
    let schemas = spec["components"]["schemas"].as_object().unwrap();

    // Act
    let labelled: Vec<_> = schemas
        .iter()
        .filter_map(|(name, s)| Some((name, s["enum"].as_array()?, s.get("x-labels")?)))
        .collect();

    // Assert: the enums the clients show, each value with its words and
    // no words for a value that is not there.
    let names: Vec<&str> = labelled.iter().map(|(n, _, _)| n.as_str()).collect();
    for must in ["CaseStatus", "Role", "LimitUnit", "CaseAction", "FeedKind"] {
        assert!(names.contains(&must), "{must} has no x-labels: {names:?}");
    }
    for (name, values, labels) in labelled {
        let labels = labels.as_object().unwrap();
        assert_eq!(labels.len(), values.len(), "{name}: {labels:?}");
        for v in values {
            let words = labels.get(v.as_str().unwrap()).and_then(Value::as_str);
            assert!(
                words.is_some_and(|w| !w.is_empty()),
                "{name}.{v} has no words"
            );
        }
    }
    assert_eq!(
        schemas["CaseStatus"]["x-labels"]["duplicate"], "重复上报",
        "one word for a duplicate, wherever it is shown"
    );
}

#[tokio::test]
async fn every_operation_and_field_is_documented() {
    let spec: Value = serde_json::from_str(&suishoupai::api::spec_json()).unwrap();
    for (path, ops) in spec["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{method} {path} has no summary"
            );
        }
    }
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        if let Some(props) = schema["properties"].as_object() {
            for (field, p) in props {
                let documented = p.get("description").is_some()
                    || p.get("$ref").is_some()
                    || p.get("allOf").is_some();
                assert!(
                    documented || matches!(field.as_str(), "id"),
                    "{name}.{field} is undocumented"
                );
            }
        }
    }
}

#[tokio::test]
async fn shutdown_lets_an_in_flight_upload_finish() {
    // Arrange: the one decoding slot is held, so the upload is in flight.
    let mut app = spawn_with(|c| {
        c.media.workers = 1;
        c.media.queue_wait_ms = 10_000;
    })
    .await;
    let token = app.citizen("late").await;
    let slot = app
        .state
        .media
        .image_slots
        .clone()
        .acquire_owned()
        .await
        .unwrap();
    let upload = {
        let http = app.http.clone();
        let url = app.url("/api/v1/media");
        let token = token.clone();
        tokio::spawn(async move {
            let part = reqwest::multipart::Part::bytes(jpeg(300, 200, 4)).file_name("a.jpg");
            http.post(url)
                .bearer_auth(token)
                .multipart(reqwest::multipart::Form::new().part("file", part))
                .send()
                .await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    // Act: shut down while the upload waits, then free the slot.
    let server = app.begin_shutdown();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(
        !server.is_finished(),
        "the server must wait for the in-flight upload"
    );
    drop(slot);

    // Assert
    let r = upload.await.unwrap().unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    tokio::time::timeout(std::time::Duration::from_secs(10), server)
        .await
        .expect("server stops after the upload")
        .unwrap()
        .unwrap();
    assert_eq!(app.count(entity::media::Entity).await, 1);
}

#[tokio::test]
async fn the_typed_values_migration_stops_on_a_value_it_does_not_know_and_names_the_row() {
    use migration::{Migrator, MigratorTrait};
    use sea_orm::{ConnectionTrait, EntityTrait, sea_query::Query};
    // Arrange: a database migrated up to before the typed values, holding a
    // role no code knows (written as text: the entity's column is typed).
    let tmp = tempfile::tempdir().unwrap();
    let c = common::test_config(tmp.path()).await;
    let db = suishoupai::infra::db::connect(&c.database_url, c.database_schema.as_deref())
        .await
        .unwrap();
    Migrator::up(&db, Some(2)).await.unwrap();
    let now = chrono::Utc::now().fixed_offset();
    let id = uuid::Uuid::now_v7();
    use entity::user::Column as U;
    let insert = Query::insert()
        .into_table(entity::user::Entity)
        .columns([
            U::Id,
            U::Role,
            U::Username,
            U::DisplayName,
            U::Disabled,
            U::CreatedAt,
            U::UpdatedAt,
        ])
        .values_panic([
            id.into(),
            "superuser".into(),
            "root".into(),
            "root".into(),
            false.into(),
            now.into(),
            now.into(),
        ])
        .to_owned();
    db.execute(&insert).await.unwrap();

    // Act
    let refused = Migrator::up(&db, None).await;

    // Assert: nothing changed, and the message names the column and the row.
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("users.role"), "{message}");
    assert!(message.contains("superuser"), "{message}");
    let row = id.simple().to_string();
    let named = message.contains(&id.to_string()) || message.contains(&row);
    assert!(named, "the row is named: {message}");
    use sea_orm::QuerySelect;
    let role: Option<String> = entity::user::Entity::find_by_id(id)
        .select_only()
        .column(entity::user::Column::Role)
        .into_tuple()
        .one(&db)
        .await
        .unwrap();
    assert_eq!(role.as_deref(), Some("superuser"), "existing data is kept");
}

/// A body sent without Content-Length (chunked) that never ends: the
/// node stops reading as soon as the bound passes and answers 413, on a
/// JSON route and on the upload, instead of reading it whole.
#[tokio::test]
async fn chunked_bodies_are_cut_at_the_bound() {
    use futures_util::StreamExt;
    use std::sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    };
    let app = spawn_app().await;
    let citizen = app.citizen("chunked").await;
    for (path, token, content_type) in [
        ("/api/v1/auth/password", None, "application/json"),
        (
            "/api/v1/media",
            Some(citizen.as_str()),
            "multipart/form-data; boundary=XyZ",
        ),
    ] {
        let sent = Arc::new(AtomicU64::new(0));
        let counter = sent.clone();
        // 512 MiB in 64 KiB chunks, made only as they are read.
        let chunks = futures_util::stream::iter(0..8192).map(move |i| {
            counter.fetch_add(65536, Ordering::Relaxed);
            let mut c = vec![b' '; 65536];
            if i == 0 {
                let head = if path.ends_with("media") {
                    &b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\n"[..]
                } else {
                    &b"{\"username\": \""[..]
                };
                c[..head.len()].copy_from_slice(head);
            }
            Ok::<_, std::io::Error>(c)
        });
        let mut req = app
            .http
            .post(app.url(path))
            .header("content-type", content_type)
            .body(reqwest::Body::wrap_stream(chunks));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.expect("an answer before the body ends");
        expect_error(r, 413, "payload_too_large").await;
        let sent = sent.load(Ordering::Relaxed);
        assert!(
            sent < 64 * 1024 * 1024,
            "{path}: the client got to send {sent} bytes"
        );
    }
}

/// Writes `head` a byte at a time every `every`, and returns how many bytes
/// went out before the server closed the connection (all of them: never).
async fn trickle(addr: &str, head: &[u8], every: std::time::Duration) -> usize {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut buf = [0u8; 256];
    for (sent, b) in head.iter().enumerate() {
        if s.write_all(&[*b]).await.is_err() {
            return sent;
        }
        // A closed connection reads as 0 bytes (or an error).
        if let Ok(Ok(0) | Err(_)) = tokio::time::timeout(every, s.read(&mut buf)).await {
            return sent;
        }
    }
    head.len()
}

#[tokio::test]
async fn a_client_trickling_its_headers_or_saying_nothing_is_cut_off() {
    // Arrange: one second for a request head.
    let app = spawn_with(|c| {
        c.limits.header_read_secs = 1;
        c.limits.idle_secs = 2;
    })
    .await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let head = format!(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nUser-Agent: {}\r\n\r\n",
        "s".repeat(40)
    );

    // Act: a byte every 200 ms (the whole head would take 15 s).
    let sent = trickle(
        &addr,
        head.as_bytes(),
        std::time::Duration::from_millis(200),
    )
    .await;

    // Assert: cut before the head was complete.
    assert!(
        sent < head.len(),
        "the server waited for the whole trickled head"
    );
    // A connection that says nothing is closed too.
    use tokio::io::AsyncReadExt;
    let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let mut buf = [0u8; 16];
    let closed = tokio::time::timeout(std::time::Duration::from_secs(6), s.read(&mut buf)).await;
    assert!(
        matches!(closed, Ok(Ok(0) | Err(_))),
        "a silent connection was kept open: {closed:?}"
    );
    // And a normal request still works.
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
}

/// Sends a request head (and `body`, then nothing more) on a connection of
/// its own; the status of the answer, if one comes within `wait`, and the
/// connection, kept open.
async fn send_head(
    addr: &str,
    head: &str,
    body: &[u8],
    wait: std::time::Duration,
) -> (Option<u16>, tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(body).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let status = match tokio::time::timeout(wait, s.read(&mut buf)).await {
        Ok(Ok(n)) if n > 12 => std::str::from_utf8(&buf[9..12])
            .ok()
            .and_then(|c| c.parse().ok()),
        _ => None,
    };
    (status, s)
}

fn upload_head(token: &str, length: usize) -> String {
    format!(
        "POST /api/v1/media HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: {length}\r\n\r\n"
    )
}

#[tokio::test]
async fn a_stalled_or_slow_body_is_cut_and_gives_back_what_it_held() {
    // Arrange: bodies must not stall for 1 s nor fall below 2 KB/s; two
    // uploads at once per address.
    let app = spawn_with(|c| {
        c.limits.body_idle_secs = 1;
        c.limits.body_min_bytes_per_sec = 2000;
        c.limits.uploads_per_address = 2;
        c.limits.idle_secs = 600;
    })
    .await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let token = app.citizen("slow-body").await;
    let budget = app.state.media.upload_budget.clone();
    let full = budget.available_permits();
    let declared = 4 * 1024 * 1024;
    let quick = std::time::Duration::from_millis(300);

    // Act: two uploads declare 4 MiB and send nothing; a third is refused.
    let (a, conn_a) = send_head(&addr, &upload_head(&token, declared), b"", quick).await;
    let (b, conn_b) = send_head(&addr, &upload_head(&token, declared), b"", quick).await;
    assert_eq!((a, b), (None, None), "waiting for their bodies");
    assert_eq!(budget.available_permits(), full - 2 * declared);
    let (third, _c) = send_head(&addr, &upload_head(&token, declared), b"", quick * 5).await;
    assert_eq!(third, Some(429), "a third upload of the same address");

    // Assert: the stalled bodies are cut with 408, and the budget is back.
    assert!(
        common::eventually(10, || async { budget.available_permits() == full }).await,
        "the stalled uploads still hold the budget"
    );
    for mut conn in [conn_a, conn_b] {
        use tokio::io::AsyncReadExt;
        let mut buf = vec![0u8; 4096];
        let n = tokio::time::timeout(std::time::Duration::from_secs(5), conn.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        let answer = String::from_utf8_lossy(&buf[..n]);
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(answer.contains("body_timeout"), "{answer}");
    }

    // A body that keeps coming, but slower than the pace, is cut too.
    let (_, mut trickling) =
        send_head(&addr, &upload_head(&token, declared), b"--XyZ\r\n", quick).await;
    let started = std::time::Instant::now();
    let mut cut = false;
    while started.elapsed() < std::time::Duration::from_secs(15) {
        use tokio::io::AsyncWriteExt;
        if trickling.write_all(&[b' '; 200]).await.is_err() {
            cut = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    assert!(cut, "a body at 667 bytes/s was read for 15 s");
    assert!(
        common::eventually(5, || async { budget.available_permits() == full }).await,
        "the slow upload still holds the budget"
    );

    // A JSON body that stalls is cut as well, whatever reads it.
    let head = format!(
        "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n"
    );
    let (status, _conn) = send_head(&addr, &head, b"{", std::time::Duration::from_secs(8)).await;
    assert_eq!(status, Some(408));
}

#[tokio::test]
async fn open311_posts_show_their_key_before_they_draw_and_forms_are_capped() {
    // Arrange
    let app = spawn_app().await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let budget = app.state.media.upload_budget.clone();
    let full = budget.available_permits();

    // Act: a multipart post with a wrong key, declaring 10 MB, its photo
    // never coming.
    let part = "--XyZ\r\nContent-Disposition: form-data; name=\"api_key\"\r\n\r\nnot-a-key\r\n\
                --XyZ\r\nContent-Disposition: form-data; name=\"media\"; filename=\"a.jpg\"\r\n\r\n";
    let head = "POST /open311/v2/requests.json HTTP/1.1\r\nHost: x\r\n\
         Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: 10000000\r\n\r\n";
    let (status, _conn) = send_head(
        &addr,
        head,
        part.as_bytes(),
        std::time::Duration::from_secs(5),
    )
    .await;

    // Assert: refused at its key, and it never drew from the budget.
    assert_eq!(status, Some(403));
    assert_eq!(budget.available_permits(), full);

    // A URL-encoded post is capped like JSON (256 KiB), not like a photo.
    let big = format!(
        "api_key=x&service_code=0201&description={}",
        "a".repeat(300_000)
    );
    let r = app
        .http
        .post(app.url("/open311/v2/requests.json"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn readiness_and_metrics_answer_the_operations_networks_only() {
    // Behind the trusted proxy 127.0.0.1, a request from the internet.
    let app = spawn_with(|c| c.limits.trusted_proxies = vec!["127.0.0.1".into()]).await;
    for path in ["/readyz", "/metrics"] {
        let r = app
            .http
            .get(app.url(path))
            .header("x-forwarded-for", "203.0.113.9")
            .send()
            .await
            .unwrap();
        expect_error(r, 403, "forbidden").await;
        let r = app
            .http
            .get(app.url(path))
            .header("x-forwarded-for", "10.1.2.3")
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "{path} from the private network"
        );
    }
    // Liveness answers anyone.
    let r = app
        .http
        .get(app.url("/healthz"))
        .header("x-forwarded-for", "203.0.113.9")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // A network list without loopback refuses the test's own address.
    let closed = spawn_with(|c| c.limits.ops_networks = vec!["10.0.0.0/8".into()]).await;
    expect_error(closed.get("/metrics", None).await, 403, "forbidden").await;
}

#[tokio::test]
async fn an_address_list_entry_that_is_not_an_address_stops_the_start() {
    // Arrange: a typo in the proxies (a /33), and an ops network that is a name.
    for (setting, set) in [
        (
            "limits.trusted_proxies",
            (|c: &mut suishoupai::config::Config| {
                c.limits.trusted_proxies = vec!["10.0.0.0/8".into(), "10.0.0.0/33".into()];
            }) as fn(&mut suishoupai::config::Config),
        ),
        ("limits.ops_networks", |c| {
            c.limits.ops_networks = vec!["monitoring.internal".into()];
        }),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let mut c = common::test_config(tmp.path()).await;
        set(&mut c);

        // Act
        let built = suishoupai::App::build(c).await;

        // Assert: refused at the start, naming the setting and the entry.
        let e = format!("{:#}", built.err().expect("the node must not start"));
        assert!(e.contains(setting), "{e}");
        assert!(e.contains("neither an IP nor a CIDR"), "{e}");
    }
}
