//! Photo upload: formats by content, limits, orientation, stripping,
//! thumbnails, dedupe, signed URLs, back-pressure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{expect_error, fixture, jpeg, spawn_app, spawn_with};
use entity::media;
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use serde_json::Value;

fn has_exif(bytes: &[u8]) -> bool {
    bytes.windows(6).any(|w| w == b"Exif\0\0")
}

#[tokio::test]
async fn a_portrait_phone_photo_is_oriented_capped_stripped_and_thumbnailed() {
    // Arrange
    let app = spawn_app().await;
    let token = app.citizen("alice").await;
    let original = fixture("phone-12mp-orientation6.jpg");
    assert!(has_exif(&original));

    // Act
    let r = app.upload(&token, "IMG_0001.jpg", original).await;

    // Assert
    assert_eq!(r.status(), StatusCode::OK);
    let m: Value = r.json().await.unwrap();
    // Portrait after EXIF orientation 6; decoded at half scale in the DCT
    // domain, so the long edge is 2016, under the 2048 cap.
    assert_eq!(
        (m["width"].as_i64(), m["height"].as_i64()),
        (Some(1512), Some(2016)),
        "{m}"
    );
    assert_eq!(m["contentType"], "image/jpeg");
    let full = app
        .http
        .get(app.url(m["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(full.status(), StatusCode::OK);
    assert_eq!(full.headers()["content-type"], "image/jpeg");
    let full = full.bytes().await.unwrap();
    assert!(!has_exif(&full), "stored photo must carry no EXIF");
    let decoded = image::load_from_memory(&full).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (1512, 2016));
    let thumb = app
        .http
        .get(app.url(m["thumbnailUrl"].as_str().unwrap()))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let t = image::load_from_memory(&thumb).unwrap();
    assert_eq!((t.width(), t.height()), (360, 480));

    // EXIF time and GPS are kept as private hints, not in the response.
    let row = media::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.exif_taken_at.as_deref(), Some("2026-11-20 09:41:07"));
    assert!((row.exif_lat.unwrap() - 40.8115).abs() < 0.001);
    assert!((row.exif_lng.unwrap() - 111.7225).abs() < 0.001);
    assert!(
        !m.to_string().contains("40.81"),
        "hints must not be in the citizen's response"
    );
}

#[tokio::test]
async fn png_and_webp_are_accepted_by_content_whatever_the_name() {
    let app = spawn_app().await;
    let token = app.citizen("bob").await;
    for name in ["cups-1280.png", "cups-1280.webp"] {
        let r = app.upload(&token, "looks-like.heic", fixture(name)).await;
        assert_eq!(r.status(), StatusCode::OK, "{name}");
        let m: Value = r.json().await.unwrap();
        assert_eq!(
            (m["width"].as_i64(), m["height"].as_i64()),
            (Some(1280), Some(800)),
            "{name}"
        );
    }
}

#[tokio::test]
async fn other_formats_are_415_and_heic_has_its_own_message() {
    let app = spawn_app().await;
    let token = app.citizen("carol").await;

    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
    let body = expect_error(
        app.upload(&token, "photo.jpg", heic).await,
        415,
        "heic_not_supported",
    )
    .await;
    assert!(body["message"].as_str().unwrap().contains("HEIC"));

    for bytes in [
        b"GIF89a\x01\0\x01\0\0\0\0;".to_vec(),
        b"%PDF-1.4 hello".to_vec(),
        b"just text".to_vec(),
    ] {
        let body = expect_error(
            app.upload(&token, "x.jpg", bytes).await,
            415,
            "unsupported_media_type",
        )
        .await;
        let msg = body["message"].as_str().unwrap();
        assert!(
            msg.contains("JPEG") && msg.contains("PNG") && msg.contains("WebP"),
            "{msg}"
        );
    }
    assert_eq!(app.footprint().await, (0, 0, 0, 0));
}

#[tokio::test]
async fn too_many_bytes_is_413_and_too_many_pixels_is_422_before_decoding() {
    let app = spawn_with(|c| {
        c.media.max_bytes = 200_000;
        c.media.max_pixels = 1_000_000;
    })
    .await;
    let token = app.citizen("dave").await;

    let big = fixture("street-4mp.jpg");
    assert!(big.len() > 200_000);
    expect_error(
        app.upload(&token, "big.jpg", big).await,
        413,
        "payload_too_large",
    )
    .await;

    // A decompression bomb: a small JPEG whose header claims 20000×20000 pixels.
    let mut bomb = jpeg(16, 16, 5);
    let sof = bomb.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    bomb[sof + 5..sof + 9].copy_from_slice(&[0x4E, 0x20, 0x4E, 0x20]);
    assert!(bomb.len() < 2_000);
    let body = expect_error(
        app.upload(&token, "bomb.jpg", bomb).await,
        422,
        "image_too_many_pixels",
    )
    .await;
    assert_eq!(body["details"]["width"], 20_000);

    // Truncated JPEG: right magic, broken body.
    let mut broken = jpeg(64, 64, 10);
    broken.truncate(40);
    expect_error(
        app.upload(&token, "broken.jpg", broken).await,
        422,
        "image_corrupt",
    )
    .await;

    assert_eq!(app.footprint().await, (0, 0, 0, 0));
}

#[tokio::test]
async fn the_same_bytes_from_the_same_user_give_the_same_media() {
    let app = spawn_app().await;
    let alice = app.citizen("alice").await;
    let bob = app.citizen("bob").await;
    let bytes = jpeg(320, 240, 7);
    let a1 = app.photo(&alice, bytes.clone()).await;
    let a2 = app.photo(&alice, bytes.clone()).await;
    let b1 = app.photo(&bob, bytes).await;
    assert_eq!(a1, a2);
    assert_ne!(a1, b1);
    assert_eq!(app.count(media::Entity).await, 2);
    assert_eq!(app.objects().await.len(), 4, "image and thumbnail each");
}

#[tokio::test]
async fn signed_urls_expire_and_cannot_be_altered() {
    let app = spawn_app().await;
    let token = app.citizen("erin").await;
    let r = app.upload(&token, "a.jpg", jpeg(100, 80, 1)).await;
    let m: Value = r.json().await.unwrap();
    let url = m["url"].as_str().unwrap().to_owned();
    assert_eq!(
        app.http.get(app.url(&url)).send().await.unwrap().status(),
        StatusCode::OK
    );

    let tampered = url.replace("/full?", "/thumb?");
    expect_error(
        app.http.get(app.url(&tampered)).send().await.unwrap(),
        403,
        "forbidden",
    )
    .await;

    let id = m["id"].as_str().unwrap();
    let past = chrono::Utc::now().timestamp() - 10;
    let sig = {
        // An expiry moved into the past, with a signature made for another
        // expiry, is refused (a correct signature for a passed expiry is
        // the domain's unit test, `photos::tests`).
        let signer = &app.state.media.signer;
        let u = signer.url(id.parse().unwrap(), "full", 0);
        u.split("sig=").nth(1).unwrap().to_owned()
    };
    let expired = format!("/api/v1/media/{id}/full?expires={past}&sig={sig}");
    expect_error(
        app.http.get(app.url(&expired)).send().await.unwrap(),
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn uploads_need_a_token_and_one_file_field() {
    let app = spawn_app().await;
    let part = reqwest::multipart::Part::bytes(jpeg(10, 10, 1)).file_name("a.jpg");
    let r = app
        .http
        .post(app.url("/api/v1/media"))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    expect_error(r, 401, "unauthorized").await;

    let token = app.citizen("frank").await;
    let part = reqwest::multipart::Part::bytes(jpeg(10, 10, 1)).file_name("a.jpg");
    let r = app
        .http
        .post(app.url("/api/v1/media"))
        .bearer_auth(&token)
        .multipart(reqwest::multipart::Form::new().part("photo", part))
        .send()
        .await
        .unwrap();
    expect_error(r, 400, "invalid_request").await;

    let r = app
        .http
        .post(app.url("/api/v1/media"))
        .bearer_auth(&token)
        .header("content-type", "multipart/form-data; boundary=XYZ")
        .body("--XYZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nunterminated")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status().as_u16() / 100,
        4,
        "broken multipart is a client error"
    );
    let body: Value = r.json().await.unwrap();
    assert!(body["code"].is_string());
    assert_eq!(app.footprint().await, (0, 0, 0, 0));
}

#[tokio::test]
async fn when_every_decoding_slot_is_busy_uploads_get_503_with_retry_after() {
    let app = spawn_with(|c| {
        c.media.workers = 1;
        c.media.queue_wait_ms = 50;
    })
    .await;
    let token = app.citizen("gina").await;
    let held = app
        .state
        .media
        .image_slots
        .clone()
        .acquire_owned()
        .await
        .unwrap();
    let r = app.upload(&token, "a.jpg", jpeg(64, 64, 3)).await;
    assert!(r.headers().contains_key("retry-after"));
    expect_error(r, 503, "media_busy").await;
    assert_eq!(app.footprint().await, (0, 0, 0, 0));
    drop(held);
    assert_eq!(
        app.upload(&token, "a.jpg", jpeg(64, 64, 3)).await.status(),
        StatusCode::OK
    );
}

/// Mean absolute difference of two images shrunk to 64×64.
fn diff(a: &image::DynamicImage, b: &image::DynamicImage) -> f64 {
    let a = a
        .resize_exact(64, 64, image::imageops::FilterType::Triangle)
        .to_rgb8();
    let b = b
        .resize_exact(64, 64, image::imageops::FilterType::Triangle)
        .to_rgb8();
    let sum: u64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    sum as f64 / a.as_raw().len() as f64
}

#[tokio::test]
async fn orientation_turns_the_picture_the_right_way() {
    let app = spawn_app().await;
    let token = app.citizen("olga").await;
    let original = fixture("phone-12mp-orientation6.jpg");
    let m: Value = app
        .upload(&token, "p.jpg", original.clone())
        .await
        .json()
        .await
        .unwrap();
    let stored = app
        .http
        .get(app.url(m["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let stored = image::load_from_memory(&stored).unwrap();
    let raw = image::load_from_memory(&original).unwrap();
    // EXIF orientation 6: rotate 90° clockwise to display.
    let right = raw.rotate90();
    let wrong = raw.rotate270();
    let (good, bad) = (diff(&stored, &right), diff(&stored, &wrong));
    assert!(
        good < 6.0,
        "stored differs from the correctly turned original by {good}"
    );
    assert!(bad > good * 3.0, "turned the wrong way? {good} vs {bad}");
}

/// A JPEG of noise, which does not compress: about `w * h` bytes.
fn noise_jpeg(w: u32, h: u32) -> Vec<u8> {
    let mut seed = 0x2545_F491_4F6C_DD1D_u64;
    let img = image::RgbImage::from_fn(w, h, |_, _| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let b = seed.to_le_bytes();
        image::Rgb([b[0], b[1], b[2]])
    });
    let mut out = std::io::Cursor::new(vec![]);
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95)
        .encode_image(&img)
        .unwrap();
    out.into_inner()
}

/// Uploads in flight share the node's budget of upload bytes: one that
/// would pass it is `503 media_busy` (nothing stored), and the bytes come
/// back when an upload ends, even one its client abandoned.
#[tokio::test]
async fn uploads_in_flight_share_the_node_budget_of_bytes() {
    use futures_util::StreamExt;
    let app = spawn_with(|c| {
        c.media.max_bytes = 200_000;
        c.media.upload_budget_bytes = 300_000;
    })
    .await;
    let token = app.citizen("hana").await;
    let budget = app.state.media.upload_budget.clone();
    assert_eq!(budget.available_permits(), 300_000);

    // A slow client: 240 KB of an upload, then nothing more for now.
    let slow_upload = |token: Option<&str>| {
        let head =
            b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\n";
        let mut first = head.to_vec();
        first.resize(240_000, b' ');
        let body = futures_util::stream::iter([Ok::<_, std::io::Error>(first)])
            .chain(futures_util::stream::pending());
        let mut req = app
            .http
            .post(app.url("/api/v1/media"))
            .header("content-type", "multipart/form-data; boundary=XyZ")
            .body(reqwest::Body::wrap_stream(body));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send()
    };
    // Without a valid token it is refused before its body is read.
    for anonymous in [None, Some("not-a-token")] {
        let r = tokio::time::timeout(std::time::Duration::from_secs(10), slow_upload(anonymous))
            .await
            .expect("answered without reading the body")
            .unwrap();
        expect_error(r, 401, "unauthorized").await;
        assert_eq!(budget.available_permits(), 300_000);
    }
    let slow = tokio::spawn(slow_upload(Some(&token)));
    assert!(
        common::eventually(5, || async { budget.available_permits() <= 60_000 }).await,
        "the slow upload's bytes are drawn from the budget"
    );

    // Another upload of about 100 KB does not fit beside it.
    let photo = noise_jpeg(256, 256);
    assert!((70_000..200_000).contains(&photo.len()), "{}", photo.len());
    let r = app.upload(&token, "b.jpg", photo.clone()).await;
    assert!(r.headers().contains_key("retry-after"));
    expect_error(r, 503, "media_busy").await;
    assert_eq!(app.footprint().await, (0, 0, 0, 0));

    // The slow client gives up: its bytes come back and the upload goes in.
    slow.abort();
    assert!(
        common::eventually(5, || async { budget.available_permits() == 300_000 }).await,
        "an abandoned upload gives its bytes back"
    );
    let r = app.upload(&token, "b.jpg", photo).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        budget.available_permits(),
        300_000,
        "and so does a stored one"
    );
}

/// A JPEG whose one scan is repeated `n` times: as many SOS segments.
fn many_scans(n: usize) -> Vec<u8> {
    let one = jpeg(64, 48, 9);
    let sos = one.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    let eoi = one.len() - 2;
    let mut out = one[..sos].to_vec();
    for _ in 0..n {
        out.extend_from_slice(&one[sos..eoi]);
    }
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

/// A 16-bit RGB PNG of `w`×`h` (it compresses to almost nothing).
fn png16(w: u32, h: u32) -> Vec<u8> {
    let img =
        image::ImageBuffer::<image::Rgb<u16>, _>::from_pixel(w, h, image::Rgb([40_000, 20_000, 9]));
    let mut out = std::io::Cursor::new(vec![]);
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[tokio::test]
async fn crafted_images_are_refused_from_their_headers_within_a_bound() {
    // Arrange: 4 MP at most, 32 MiB of decoded pixels at once.
    let app = spawn_with(|c| {
        c.media.max_pixels = 4_000_000;
        c.media.decode_budget_bytes = 32 * 1024 * 1024;
    })
    .await;
    let token = app.citizen("crafty").await;
    let budget = app.state.media.decode_budget.clone();
    let full = budget.available_permits();

    // Act + Assert: 200 scans are refused before any is decoded.
    let started = std::time::Instant::now();
    let r = app.upload(&token, "scans.jpg", many_scans(200)).await;
    expect_error(r, 422, "too_many_scans").await;
    // A 16-bit PNG at the pixel limit would hold 52 MB decoded.
    let r = app.upload(&token, "deep.png", png16(2000, 2000)).await;
    let body = expect_error(r, 422, "image_too_costly").await;
    assert!(
        body["message"].as_str().unwrap().contains("8-bit"),
        "{body}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(budget.available_permits(), full, "nothing held");
    assert_eq!(app.footprint().await, (0, 0, 0, 0), "nothing stored");

    // A phone's photo within the limits goes through, and gives its share back.
    let r = app.upload(&token, "ok.png", png16(400, 300)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(budget.available_permits(), full);
}
