//! Content security: citizens' descriptions and comments go through
//! msgSecCheck (risky refused with nothing stored, review flagged, WeChat
//! unreachable accepted and checked again later, or left for a person);
//! photos go to mediaCheckAsync, and the verdict arrives on the push
//! callback, signed and, in safe mode, encrypted. A stand-in WeChat
//! plays WeChat's part.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use aes::cipher::{BlockEncryptMut, KeyIvInit, block_padding::NoPadding};
use base64::Engine;
use common::{
    DISPATCHER, TestApp, UNIT_PASSWORD, eventually, expect_error, jpeg, spawn_with, stand_in,
};
use serde_json::{Value, json};
use sha1::{Digest, Sha1};

const LAT: f64 = 40.79;
const LNG: f64 = 111.70;
const TOKEN: &str = "push-token";
/// 43 characters whose last one carries stray bits, as real keys may.
const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const APPID: &str = "wx-test-app";

/// An app with content security on (in safe mode, as it must be) against
/// the stand-in; `wait`: seconds before an unanswered photo is sent again.
async fn checked_app(wait: u64) -> (TestApp, stand_in::Content) {
    let (base, wx) = stand_in::wechat_content().await;
    let app = spawn_with(|c| {
        c.wechat.base_url = base;
        c.wechat.appid = APPID.into();
        c.public_url = "http://photos.example".into();
        let cs = &mut c.wechat.content_security;
        cs.enabled = true;
        cs.callback_token = TOKEN.into();
        cs.encoding_aes_key = Some(AES_KEY.into());
        cs.verdict_wait_secs = wait;
        cs.max_sends = 2;
        c.workflow.outbox_tick_ms = 50;
        c.workflow.outbox_backoff_ms = 100;
        c.workflow.outbox_max_attempts = 3;
        c.workflow.scheduler_tick_ms = 100;
    })
    .await;
    (app, wx)
}

async fn report(
    app: &TestApp,
    token: &str,
    category: &str,
    description: &str,
) -> reqwest::Response {
    let photo = app
        .photo(token, jpeg(64, 48, description.len() as u8))
        .await;
    let body = json!({
        "categoryCode": category,
        "description": description,
        "location": {"lat": LAT, "lng": LNG, "coordSystem": "wgs84"},
        "mediaIds": [photo],
    });
    app.post_json("/api/v1/reports", Some(token), &body).await
}

async fn flags(app: &TestApp, staff: &str) -> Vec<Value> {
    let r = app.get("/api/v1/content/flags", Some(staff)).await;
    assert_eq!(r.status(), 200);
    let page: Value = r.json().await.unwrap();
    page["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn risky_text_is_refused_a_doubt_is_flagged_and_the_rest_goes_through() {
    // Arrange
    let (app, wx) = checked_app(60).await;
    let citizen = app.citizen("o-alice").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;

    // Act + Assert: risky → 422, nothing stored.
    let r = report(&app, &citizen, "0201", "这里RISKY的内容").await;
    let body = expect_error(r, 422, "content_rejected").await;
    assert_eq!(body["details"]["subject"], "description");
    assert_eq!(body["details"]["label"], 20001);
    assert_eq!(app.count(entity::cases::Entity).await, 0);
    let sent = wx.texts.lock().unwrap()[0].clone();
    assert_eq!(sent["openid"], "dev:o-alice", "the dev login's openid");
    assert_eq!(sent["version"], 2);

    // review → stored and flagged for the dispatcher.
    let r = report(&app, &citizen, "0201", "REVIEW 一下这段话").await;
    assert_eq!(r.status(), 201);
    let doubted: Value = r.json().await.unwrap();
    let open = flags(&app, &disp).await;
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["subject"], "description");
    assert_eq!(open[0]["status"], "review");
    assert_eq!(open[0]["labelText"], "广告");
    assert_eq!(open[0]["caseNo"], doubted["caseNo"]);
    let id = doubted["id"].as_str().unwrap();
    assert_eq!(
        app.case(&disp, id).await["contentFlags"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // pass → nothing flagged.
    let r = report(&app, &citizen, "0201", "电线杆上贴满了小广告").await;
    assert_eq!(r.status(), 201);
    assert_eq!(flags(&app, &disp).await.len(), 1);

    // A person closes the flag, once; citizens may not list flags.
    let flag = open[0]["id"].as_str().unwrap();
    let path = format!("/api/v1/content/flags/{flag}/review");
    let done = app
        .post_json(&path, Some(&disp), &json!({"note": "已核实，内容正常"}))
        .await;
    assert_eq!(done.status(), 200);
    let done: Value = done.json().await.unwrap();
    assert!(done["reviewedAt"].is_string());
    assert!(flags(&app, &disp).await.is_empty());
    let again = app
        .post_json(&path, Some(&disp), &json!({"note": "再来一次"}))
        .await;
    expect_error(again, 409, "already_reviewed").await;
    let r = app.get("/api/v1/content/flags", Some(&citizen)).await;
    expect_error(r, 403, "forbidden").await;
}

#[tokio::test]
async fn with_wechat_unreachable_a_report_is_accepted_and_checked_again_later() {
    // Arrange
    let (app, wx) = checked_app(60).await;
    let citizen = app.citizen("o-bob").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;

    // Act: the check at submission and the first retry fail.
    *wx.fail_next.lock().unwrap() = 2;
    let r = report(&app, &citizen, "0201", "REVIEW 稍后再查").await;

    // Assert: accepted at once, then the retry's verdict flags it.
    assert_eq!(r.status(), 201);
    let case: Value = r.json().await.unwrap();
    assert!(
        eventually(10, || async {
            flags(&app, &disp)
                .await
                .iter()
                .any(|f| f["caseNo"] == case["caseNo"] && f["status"] == "review")
        })
        .await,
        "the text was checked again"
    );

    // Act: WeChat stays down through every retry.
    *wx.fail_next.lock().unwrap() = 100;
    let r = report(&app, &citizen, "0201", "一直查不了").await;
    assert_eq!(r.status(), 201);
    let lost: Value = r.json().await.unwrap();

    // Assert: left for a person, visibly.
    assert!(
        eventually(10, || async {
            flags(&app, &disp)
                .await
                .iter()
                .any(|f| f["caseNo"] == lost["caseNo"] && f["status"] == "unchecked")
        })
        .await,
        "a check that never succeeds is left for a person"
    );
}

#[tokio::test]
async fn a_rating_comment_is_checked_too() {
    // Arrange: a closed case.
    let (app, _wx) = checked_app(60).await;
    let citizen = app.citizen("o-carol").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let unit = app.staff("sh-cgj", UNIT_PASSWORD).await;
    let r = report(&app, &citizen, "0201", "井盖松动").await;
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.act_ok(&unit, &id, "claim", json!({})).await;
    let after = app.photo(&unit, jpeg(80, 60, 9)).await;
    app.act_ok(
        &unit,
        &id,
        "resolve",
        json!({"note": "已修", "mediaIds": [after]}),
    )
    .await;
    app.act_ok(&disp, &id, "verify", json!({"outcome": "close"}))
        .await;
    let path = format!("/api/v1/reports/{id}/rating");

    // Act + Assert: a risky comment is refused and the rating not stored.
    let r = app
        .post_json(
            &path,
            Some(&citizen),
            &json!({"score": 5, "comment": "RISKY 评价"}),
        )
        .await;
    let body = expect_error(r, 422, "content_rejected").await;
    assert_eq!(body["details"]["subject"], "comment");
    assert!(app.case(&disp, &id).await["rating"].is_null());

    // A doubtful one is stored and flagged.
    let r = app
        .post_json(
            &path,
            Some(&citizen),
            &json!({"score": 5, "comment": "REVIEW 评价"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let open = flags(&app, &disp).await;
    assert!(
        open.iter()
            .any(|f| f["subject"] == "comment" && f["status"] == "review"),
        "{open:?}"
    );
}

fn sign(parts: &[&str]) -> String {
    let mut p = parts.to_vec();
    p.sort_unstable();
    hex::encode(Sha1::digest(p.concat().as_bytes()))
}

fn verdict(trace: &str, suggest: &str, label: i64) -> Value {
    json!({
        "ToUserName": "gh_0123456789ab", "FromUserName": "o-dave",
        "CreateTime": chrono::Utc::now().timestamp(), "MsgType": "event",
        "Event": "wxa_media_check", "appid": APPID, "trace_id": trace, "version": 2,
        "detail": [{"strategy": "content_model", "errcode": 0, "suggest": suggest, "label": label}],
        "errcode": 0, "errmsg": "ok",
        "result": {"suggest": suggest, "label": label},
    })
}

/// Sends a push as WeChat does (safe mode); `good`: with a correct signature.
async fn push(app: &TestApp, body: &Value, good: bool) -> reqwest::Response {
    push_safe(app, &encrypt(&body.to_string(), APPID), good).await
}

/// Sends a plain-mode push, correctly signed.
async fn push_plain(app: &TestApp, body: &Value) -> reqwest::Response {
    let ts = chrono::Utc::now().timestamp().to_string();
    let sig = sign(&[TOKEN, &ts, "n1"]);
    app.http
        .post(app.url(&format!(
            "/wechat/callback?signature={sig}&timestamp={ts}&nonce=n1"
        )))
        .json(body)
        .send()
        .await
        .unwrap()
}

/// The app's own address for a URL signed with `public_url`.
fn local(app: &TestApp, url: &str) -> String {
    app.url(url.trim_start_matches("http://photos.example"))
}

#[tokio::test]
async fn a_risky_photo_is_blocked_from_every_view_and_its_case_flagged() {
    // Arrange
    let (app, wx) = checked_app(60).await;
    let citizen = app.citizen("o-dave").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let up: Value = app
        .upload(&citizen, "a.jpg", jpeg(120, 90, 3))
        .await
        .json()
        .await
        .unwrap();
    let media = up["id"].as_str().unwrap().to_owned();
    assert!(eventually(10, || async { !wx.photos.lock().unwrap().is_empty() }).await);
    let sent = wx.photos.lock().unwrap()[0].clone();
    let url = sent["media_url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("http://photos.example/api/v1/media/{media}/full?")),
        "{url}"
    );
    assert_eq!(sent["openid"], "dev:o-dave");
    assert_eq!(sent["media_type"], 2);
    assert_eq!(
        app.http
            .get(local(&app, url))
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "WeChat can fetch it"
    );
    let body = json!({
        "categoryCode": "0201", "description": "小广告",
        "location": {"lat": LAT, "lng": LNG, "coordSystem": "wgs84"}, "mediaIds": [media],
    });
    let case: Value = app
        .post_json("/api/v1/reports", Some(&citizen), &body)
        .await
        .json()
        .await
        .unwrap();
    let id = case["id"].as_str().unwrap();

    // Act + Assert: WeChat's URL check, right and wrong.
    let ts = chrono::Utc::now().timestamp().to_string();
    let sig = sign(&[TOKEN, &ts, "n0"]);
    let r = app
        .get(
            &format!("/wechat/callback?signature={sig}&timestamp={ts}&nonce=n0&echostr=hello"),
            None,
        )
        .await;
    assert_eq!(r.text().await.unwrap(), "hello");
    let r = app
        .get(
            &format!("/wechat/callback?signature=00&timestamp={ts}&nonce=n0&echostr=hello"),
            None,
        )
        .await;
    expect_error(r, 401, "invalid_signature").await;

    // A forged verdict changes nothing.
    let forged = push(&app, &verdict("trace-1", "risky", 20002), false).await;
    expect_error(forged, 401, "invalid_signature").await;
    assert_eq!(
        app.case(&disp, id).await["photos"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // The real one blocks the photo everywhere and flags the case.
    let r = push(&app, &verdict("trace-1", "risky", 20002), true).await;
    assert_eq!(r.text().await.unwrap(), "success");
    let staff_view = app.case(&disp, id).await;
    assert!(staff_view["photos"].as_array().unwrap().is_empty());
    let flag = staff_view["contentFlags"][0].clone();
    assert_eq!(flag["subject"], "photo");
    assert_eq!(flag["status"], "risky");
    assert_eq!(flag["blocked"], true);
    assert_eq!(flag["caseNo"], case["caseNo"]);
    let mine: Value = app
        .get(&format!("/api/v1/reports/{id}"), Some(&citizen))
        .await
        .json()
        .await
        .unwrap();
    assert!(mine["photos"].as_array().unwrap().is_empty());
    assert_eq!(
        app.http
            .get(local(&app, url))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // A person finds WeChat wrong: the photo is seen again.
    let path = format!(
        "/api/v1/content/flags/{}/review",
        flag["id"].as_str().unwrap()
    );
    let r = app
        .post_json(
            &path,
            Some(&disp),
            &json!({"note": "误判，照片正常", "blockPhoto": false}),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        app.case(&disp, id).await["photos"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

fn encrypt(msg: &str, appid: &str) -> String {
    let lenient = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
    );
    let key = lenient.decode(format!("{AES_KEY}=")).unwrap();
    let mut plain = vec![7u8; 16];
    plain.extend((msg.len() as u32).to_be_bytes());
    plain.extend(msg.as_bytes());
    plain.extend(appid.as_bytes());
    let pad = 32 - plain.len() % 32;
    plain.extend(std::iter::repeat_n(pad as u8, pad));
    let len = plain.len();
    let enc = cbc::Encryptor::<aes::Aes256>::new_from_slices(&key, &key[..16])
        .unwrap()
        .encrypt_padded_mut::<NoPadding>(&mut plain, len)
        .unwrap()
        .to_vec();
    base64::engine::general_purpose::STANDARD.encode(enc)
}

/// A fresh nonce for each push.
fn nonce() -> String {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    format!("n{}", N.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
}

async fn push_safe(app: &TestApp, encrypted: &str, good: bool) -> reqwest::Response {
    let ts = chrono::Utc::now().timestamp().to_string();
    let token = if good { TOKEN } else { "other" };
    push_as(app, encrypted, token, &nonce(), &ts).await
}

/// One safe-mode push with its (timestamp, nonce) given.
async fn push_as(
    app: &TestApp,
    encrypted: &str,
    token: &str,
    nonce: &str,
    ts: &str,
) -> reqwest::Response {
    let msg_sig = sign(&[token, ts, nonce, encrypted]);
    let plain_sig = sign(&[TOKEN, ts, nonce]);
    let q = format!(
        "signature={plain_sig}&timestamp={ts}&nonce={nonce}&encrypt_type=aes&msg_signature={msg_sig}"
    );
    app.http
        .post(app.url(&format!("/wechat/callback?{q}")))
        .json(&json!({"ToUserName": "gh_0123456789ab", "Encrypt": encrypted}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn in_safe_mode_verdicts_arrive_encrypted() {
    // Arrange
    let (app, wx) = checked_app(60).await;
    let citizen = app.citizen("o-erin").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let up: Value = app
        .upload(&citizen, "b.jpg", jpeg(100, 80, 4))
        .await
        .json()
        .await
        .unwrap();
    assert!(eventually(10, || async { !wx.photos.lock().unwrap().is_empty() }).await);
    let message = verdict("trace-1", "review", 20012).to_string();

    // Act + Assert: a wrong signature, then another app's message, are refused.
    let r = push_safe(&app, &encrypt(&message, APPID), false).await;
    expect_error(r, 401, "invalid_signature").await;
    let r = push_safe(&app, &encrypt(&message, "wx-someone-else"), true).await;
    expect_error(r, 400, "invalid_message").await;
    let plain = push_plain(&app, &serde_json::from_str(&message).unwrap()).await;
    expect_error(plain, 400, "invalid_message").await;
    assert!(flags(&app, &disp).await.is_empty());

    // The right one is decrypted and applied, once: sent again, it is refused.
    let (enc, ts) = (
        encrypt(&message, APPID),
        chrono::Utc::now().timestamp().to_string(),
    );
    let r = push_as(&app, &enc, TOKEN, "once", &ts).await;
    assert_eq!(r.status(), 200);
    let again = push_as(&app, &enc, TOKEN, "once", &ts).await;
    expect_error(again, 401, "replayed_push").await;
    let open = flags(&app, &disp).await;
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["mediaId"], up["id"]);
    assert_eq!(open[0]["status"], "review");
    assert_eq!(open[0]["labelText"], "低俗");
    assert_eq!(open[0]["blocked"], false);
}

#[tokio::test]
async fn a_verdict_that_never_comes_is_asked_again_then_left_for_a_person() {
    // Arrange: one second's wait, two sends.
    let (app, wx) = checked_app(1).await;
    let citizen = app.citizen("o-frank").await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;

    // Act
    let up: Value = app
        .upload(&citizen, "c.jpg", jpeg(90, 90, 5))
        .await
        .json()
        .await
        .unwrap();

    // Assert: sent twice, then flagged unchecked.
    assert!(
        eventually(15, || async {
            flags(&app, &disp)
                .await
                .iter()
                .any(|f| f["mediaId"] == up["id"] && f["status"] == "unchecked")
        })
        .await,
        "left for a person"
    );
    assert_eq!(wx.photos.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn with_content_security_off_the_callback_is_not_there() {
    let app = common::spawn_app().await;
    let r = app
        .get(
            "/wechat/callback?signature=a&timestamp=1&nonce=n&echostr=e",
            None,
        )
        .await;
    expect_error(r, 404, "not_found").await;
}

#[tokio::test]
async fn content_security_runs_in_safe_mode_only() {
    // Arrange: the checks on, every other setting right, but no EncodingAESKey.
    let tmp = tempfile::tempdir().unwrap();
    let mut c = common::test_config(tmp.path()).await;
    c.public_url = "http://photos.example".into();
    let cs = &mut c.wechat.content_security;
    cs.enabled = true;
    cs.callback_token = TOKEN.into();
    cs.encoding_aes_key = None;

    // Act
    let refused = c.check().err().map(|e| e.to_string()).unwrap_or_default();

    // Assert: refused, saying why; with the key it starts.
    assert!(refused.contains("encoding_aes_key"), "{refused}");
    c.wechat.content_security.encoding_aes_key = Some(AES_KEY.into());
    assert!(c.check().is_ok());
}

/// What is public (api-docs/contract.md, "Publication"): the anonymous
/// Open311 read of a case, the nearby list and a follower's view.
struct Public<'a> {
    app: &'a TestApp,
    other: String,
}

impl Public<'_> {
    async fn open311(&self, case_no: &str) -> u16 {
        let path = format!("/open311/v2/requests/{case_no}.json");
        self.app.get(&path, None).await.status().as_u16()
    }

    async fn nearby(&self, category: &str) -> Vec<Value> {
        let path = format!("/api/v1/reports/nearby?lat={LAT}&lng={LNG}&categoryCode={category}");
        let r = self.app.get(&path, Some(&self.other)).await;
        assert_eq!(r.status(), 200);
        r.json().await.unwrap()
    }

    async fn follow(&self, id: &str) -> u16 {
        let path = format!("/api/v1/reports/{id}/follow");
        let r = self
            .app
            .post_json(&path, Some(&self.other), &json!({}))
            .await;
        r.status().as_u16()
    }

    /// The follower's view: its status, and how many photos it shows.
    async fn view(&self, id: &str) -> (u16, usize) {
        let r = self
            .app
            .get(&format!("/api/v1/reports/{id}"), Some(&self.other))
            .await;
        let status = r.status().as_u16();
        let body: Value = r.json().await.unwrap();
        let n = body["photos"].as_array().map_or(0, Vec::len);
        (status, n)
    }
}

#[tokio::test]
async fn nothing_is_public_before_a_person_takes_it_on_and_its_checks_pass() {
    // Arrange: a report in a category dispatched at once, its photo's
    // verdict not back yet.
    let (app, wx) = checked_app(60).await;
    let reporter = app.citizen("pub-reporter").await;
    let public = Public {
        app: &app,
        other: app.citizen("pub-neighbour").await,
    };
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let r = report(&app, &reporter, "0201", "垃圾桶满溢无人清理").await;
    assert_eq!(r.status(), 201);
    let case: Value = r.json().await.unwrap();
    let (id, case_no) = (
        case["id"].as_str().unwrap(),
        case["caseNo"].as_str().unwrap(),
    );
    assert_eq!(case["status"], "dispatched");

    // Assert: dispatched by the system only, nothing of it is public.
    assert_eq!(public.open311(case_no).await, 404);
    assert!(public.nearby("0201").await.is_empty());
    assert_eq!(public.follow(id).await, 404);

    // Act: a person takes it on.
    app.act_ok(&disp, id, "dispatch", json!({})).await;

    // Assert: the case and its text are public; the photo, unchecked, not.
    assert_eq!(public.open311(case_no).await, 200);
    let near = public.nearby("0201").await;
    assert_eq!(near.len(), 1);
    assert!(near[0].get("thumbnailUrl").is_none(), "{}", near[0]);
    assert_eq!(public.follow(id).await, 200);
    assert_eq!(public.view(id).await, (200, 0));
    let own: Value = app
        .get(&format!("/api/v1/reports/{id}"), Some(&reporter))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["photos"].as_array().unwrap().len(), 1, "the reporter's");

    // Staff review the photo for publication before its verdict is back:
    // it is not offered for review, and reviewed anyway it stays private.
    let photo = own["photos"][0]["id"].as_str().unwrap();
    let queue: Value = app
        .get("/api/v1/admin/photo-reviews", Some(&disp))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["photo"]["id"] != photo),
        "an unchecked photo is not offered: {queue}"
    );
    let r = app
        .post_json(
            &format!("/api/v1/admin/photos/{photo}/review"),
            Some(&disp),
            &json!({"publish": true}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let published: Value = r.json().await.unwrap();
    let published = published["published"]["url"].as_str().unwrap();
    let published = format!("/api/v1/{}", published.split_once("/api/v1/").unwrap().1);
    assert_eq!(public.view(id).await, (200, 0));
    assert_eq!(app.get(&published, None).await.status(), 404);

    // Act: the photo's verdict comes back clean.
    assert!(eventually(10, || async { !wx.photos.lock().unwrap().is_empty() }).await);
    let r = push(&app, &verdict("trace-1", "pass", 100), true).await;
    assert_eq!(r.text().await.unwrap(), "success");

    // Assert: now the photo is public too, as its reviewed derivative.
    assert_eq!(public.view(id).await, (200, 1));
    assert!(public.nearby("0201").await[0].get("thumbnailUrl").is_some());
    assert_eq!(app.get(&published, None).await.status(), 200);

    // Act: found to be junk after dispatch, it is rejected.
    app.act_ok(&disp, id, "reject", json!({"note": "现场无此问题"}))
        .await;

    // Assert: gone from every public read, the follower's too.
    assert_eq!(public.open311(case_no).await, 404);
    assert_eq!(public.view(id).await.0, 404);
    assert_eq!(app.get(&published, None).await.status(), 404);
    let follows: Value = app
        .get("/api/v1/me/follows", Some(&public.other))
        .await
        .json()
        .await
        .unwrap();
    assert!(follows["items"].as_array().unwrap().is_empty(), "{follows}");
}

#[tokio::test]
async fn a_doubted_text_and_an_integrators_text_wait_for_a_person() {
    // Arrange
    let (app, _wx) = checked_app(60).await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let reporter = app.citizen("pub-doubt").await;
    let public = Public {
        app: &app,
        other: app.citizen("pub-reader").await,
    };
    let r = report(&app, &reporter, "0201", "REVIEW 这里有人摆摊").await;
    let case: Value = r.json().await.unwrap();
    let (id, case_no) = (
        case["id"].as_str().unwrap(),
        case["caseNo"].as_str().unwrap(),
    );

    // Act + Assert: taken on, but its text is doubted: still not public.
    app.act_ok(&disp, id, "dispatch", json!({})).await;
    assert_eq!(public.open311(case_no).await, 404);
    assert_eq!(public.follow(id).await, 404);

    // A person reviews the flag and keeps the text: public.
    let flag = flags(&app, &disp)
        .await
        .into_iter()
        .find(|f| f["caseNo"] == case_no && f["subject"] == "description")
        .unwrap();
    let path = format!(
        "/api/v1/content/flags/{}/review",
        flag["id"].as_str().unwrap()
    );
    let r = app
        .post_json(&path, Some(&disp), &json!({"note": "内容正常"}))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(public.open311(case_no).await, 200);

    // An integrator's text goes through the same checks: it has no WeChat
    // identity, so it is left for a person, and not public until then.
    let admin = app.staff(common::ADMIN.0, common::ADMIN.1).await;
    let key: Value = app
        .post_json(
            "/api/v1/admin/api-keys",
            Some(&admin),
            &json!({"name": "12345热线"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let r = app
        .http
        .post(app.url("/open311/v2/requests.json"))
        .form(&[
            ("api_key", key["apiKey"].as_str().unwrap()),
            ("service_code", "0201"),
            ("lat", "40.7901"),
            ("long", "111.7001"),
            ("description", "热线转来：小区门口垃圾堆积"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let posted: Value = r.json().await.unwrap();
    let (hot_id, hot_no) = (
        posted[0]["token"].as_str().unwrap(),
        posted[0]["service_request_id"].as_str().unwrap(),
    );
    let flagged = flags(&app, &disp)
        .await
        .into_iter()
        .find(|f| f["caseNo"] == hot_no)
        .unwrap();
    assert_eq!(flagged["subject"], "description");
    assert_eq!(flagged["status"], "unchecked");
    app.act_ok(&disp, hot_id, "dispatch", json!({})).await;
    assert_eq!(public.open311(hot_no).await, 404);
}

#[tokio::test]
async fn a_city_may_publish_what_is_dispatched_automatically() {
    let app = spawn_with(|c| c.publication.auto_dispatched = true).await;
    let reporter = app.citizen("auto-pub").await;
    let public = Public {
        app: &app,
        other: app.citizen("auto-reader").await,
    };
    let dispatched = app.submit(&reporter, "0201", LAT, LNG).await;
    let waiting = app.submit(&reporter, "0301", LAT, LNG).await;
    assert_eq!(
        public.open311(dispatched["caseNo"].as_str().unwrap()).await,
        200
    );
    assert_eq!(
        public.open311(waiting["caseNo"].as_str().unwrap()).await,
        404,
        "what waits for review is never public"
    );
}
