//! Logging in: WeChat (against a stand-in server), dev, password; tokens; /me.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{expect_error, spawn_app, spawn_with, test_config};
use entity::user;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

#[tokio::test]
async fn a_wechat_code_becomes_a_citizen_token_and_the_session_key_stays_on_the_server() {
    // Arrange
    let (wx, seen) = common::stand_in::wechat().await;
    let app = spawn_with(|c| {
        c.wechat.base_url = wx.clone();
        c.wechat.appid = "wx-test-app".into();
        c.wechat.secret = "wx-test-secret".to_owned().into();
    })
    .await;

    // Act
    let r = app
        .post_json("/api/v1/auth/wechat", None, &json!({"code": "union-oABC"}))
        .await;

    // Assert
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["user"]["role"], "citizen");
    assert!(
        !body.to_string().contains("c2Vzc2lvbi1rZXk="),
        "session key leaked: {body}"
    );
    let q = seen.0.lock().unwrap()[0].clone();
    assert_eq!(
        (q.appid.as_str(), q.secret.as_str(), q.grant_type.as_str()),
        ("wx-test-app", "wx-test-secret", "authorization_code")
    );
    let u = user::Entity::find()
        .filter(user::Column::Openid.eq("oABC"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u.unionid.as_deref(), Some("u-oABC"));
    assert_eq!(u.session_key.as_deref(), Some("c2Vzc2lvbi1rZXk="));

    let me = app.get("/api/v1/me", body["token"].as_str()).await;
    assert_eq!(me.status(), StatusCode::OK);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["id"], body["user"]["id"]);
    assert!(me.get("openid").is_none() && me.get("sessionKey").is_none());

    // A second login is the same citizen.
    let again: Value = app
        .post_json("/api/v1/auth/wechat", None, &json!({"code": "ok-oABC"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["user"]["id"], body["user"]["id"]);
}

#[tokio::test]
async fn wechat_errors_map_to_clear_client_errors() {
    let (wx, _) = common::stand_in::wechat().await;
    let app = spawn_with(|c| c.wechat.base_url = wx.clone()).await;
    let before = app.count(user::Entity).await;

    let r = app
        .post_json("/api/v1/auth/wechat", None, &json!({"code": "invalid"}))
        .await;
    expect_error(r, 401, "wechat_code_invalid").await;

    let r = app
        .post_json("/api/v1/auth/wechat", None, &json!({"code": "limited"}))
        .await;
    assert!(r.headers().contains_key("retry-after"));
    expect_error(r, 429, "wechat_rate_limited").await;

    let r = app
        .post_json("/api/v1/auth/wechat", None, &json!({"code": "busy"}))
        .await;
    assert!(r.headers().contains_key("retry-after"));
    expect_error(r, 503, "wechat_busy").await;

    let r = app
        .post_json("/api/v1/auth/wechat", None, &json!({"code": ""}))
        .await;
    expect_error(r, 400, "invalid_request").await;

    assert_eq!(
        app.count(user::Entity).await,
        before,
        "failed logins create no user"
    );
}

#[tokio::test]
async fn an_unreachable_wechat_is_a_503() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = spawn_with(|c| {
        c.wechat.base_url = format!("http://127.0.0.1:{port}");
        c.wechat.timeout_ms = 1000;
    })
    .await;
    let r = app
        .post_json("/api/v1/auth/wechat", None, &json!({"code": "ok-x"}))
        .await;
    let body = expect_error(r, 503, "wechat_unavailable").await;
    assert!(!body.to_string().contains("secret"), "{body}");
}

#[tokio::test]
async fn staff_log_in_with_passwords_and_wrong_ones_are_refused() {
    let app = spawn_with(|_| {}).await;
    let token = app.staff("dispatcher", "Dispatch@2026").await;
    let me: Value = app
        .get("/api/v1/me", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "dispatcher");
    assert_eq!(me["username"], "dispatcher");

    let unit: Value = app
        .post_json(
            "/api/v1/auth/password",
            None,
            &json!({"username": "sh-cgj", "password": "Unit@2026"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unit["user"]["role"], "unit_member");
    assert!(unit["user"]["unitId"].is_string());

    for (u, p) in [
        ("dispatcher", "wrong-password"),
        ("nobody", "Dispatch@2026"),
    ] {
        let r = app
            .post_json(
                "/api/v1/auth/password",
                None,
                &json!({"username": u, "password": p}),
            )
            .await;
        expect_error(r, 401, "invalid_credentials").await;
    }
}

#[tokio::test]
async fn dev_login_exists_only_when_enabled() {
    let app = spawn_with(|c| c.dev_login = false).await;
    let r = app
        .post_json("/api/v1/auth/dev", None, &json!({"openid": "x"}))
        .await;
    expect_error(r, 404, "not_found").await;
}

#[tokio::test]
async fn missing_forged_and_expired_tokens_are_401() {
    let app = spawn_with(|_| {}).await;
    expect_error(app.get("/api/v1/me", None).await, 401, "unauthorized").await;
    expect_error(
        app.get("/api/v1/me", Some("not.a.jwt")).await,
        401,
        "unauthorized",
    )
    .await;

    // Signed with another secret.
    let hour = suishoupai::auth::jwt::Lifetimes {
        citizen: 3600,
        staff: 3600,
        staff_session: 3600,
    };
    let other =
        suishoupai::auth::jwt::JwtKeys::new(&"another-secret-entirely".to_owned().into(), hour);
    let forged = other
        .access(
            uuid::Uuid::now_v7(),
            suishoupai::auth::Role::Admin,
            None,
            None,
        )
        .unwrap()
        .token;
    expect_error(
        app.get("/api/v1/me", Some(&forged)).await,
        401,
        "unauthorized",
    )
    .await;

    // Expired an hour ago, signed with the right secret.
    let now = chrono::Utc::now().timestamp();
    let claims = json!({"sub": uuid::Uuid::now_v7(), "role": "citizen", "iat": now - 7200, "exp": now - 3600});
    let secret = secrecy::ExposeSecret::expose_secret(&app.state.config.jwt_secret).to_owned();
    let secret = secret.as_bytes();
    let expired = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret),
    )
    .unwrap();
    expect_error(
        app.get("/api/v1/me", Some(&expired)).await,
        401,
        "unauthorized",
    )
    .await;

    // The same, unexpired, is accepted: the secret above is the app's.
    let claims =
        json!({"sub": uuid::Uuid::now_v7(), "role": "citizen", "iat": now, "exp": now + 3600});
    let fresh = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret),
    )
    .unwrap();
    // The account does not exist, so /me says so, still as a 401.
    expect_error(
        app.get("/api/v1/me", Some(&fresh)).await,
        401,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn the_embedded_default_signs_with_a_secret_of_its_own() {
    let app = spawn_app().await;
    let secret = secrecy::ExposeSecret::expose_secret(&app.state.config.jwt_secret).to_owned();
    assert_ne!(secret, suishoupai::config::DEFAULT_JWT_SECRET);
    assert!(secret.len() >= 32);
    let file = std::path::Path::new(&app.state.config.data_dir).join("jwt-secret");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), secret);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "only the owner reads it");
    }
    // A token signed with the secret written in the source is nobody.
    let now = chrono::Utc::now().timestamp();
    let claims =
        json!({"sub": uuid::Uuid::now_v7(), "role": "admin", "iat": now, "exp": now + 3600});
    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(suishoupai::config::DEFAULT_JWT_SECRET.as_bytes()),
    )
    .unwrap();
    expect_error(
        app.get("/api/v1/admin/accounts", Some(&forged)).await,
        401,
        "unauthorized",
    )
    .await;
    // The next start on the same data directory reads the same secret back.
    let again = suishoupai::config::Config {
        data_dir: app.state.config.data_dir.clone(),
        ..suishoupai::config::Config::default()
    }
    .with_embedded_secret()
    .unwrap();
    assert_eq!(
        secrecy::ExposeSecret::expose_secret(&again.jwt_secret),
        secret
    );
}

#[tokio::test]
async fn the_embedded_default_keeps_its_demo_accounts_off_public_addresses() {
    let tmp = tempfile::tempdir().unwrap();
    let mut c = test_config(tmp.path()).await;
    c.bind = "0.0.0.0:0".into();
    let err = suishoupai::App::build(c.clone())
        .await
        .err()
        .expect("refused");
    let msg = format!("{err:#}");
    assert!(
        msg.contains("0.0.0.0:0")
            && msg.contains("SSP_ALLOW_PUBLIC_DEMO=true")
            && msg.contains("SSP_DEMO_DATA=false"),
        "{msg}"
    );
    // Said explicitly, it listens.
    c.allow_public_demo = true;
    assert!(suishoupai::App::build(c.clone()).await.is_ok());
    // With the demo accounts and dev login off, no need to say anything.
    c.allow_public_demo = false;
    c.demo_data = false;
    c.dev_login = false;
    assert!(suishoupai::App::build(c).await.is_ok());
}

#[tokio::test]
async fn production_mode_refuses_insecure_defaults() {
    use suishoupai::config::{Config, Mode};
    let mut c = Config {
        mode: Mode::Production,
        ..Config::default()
    };
    assert!(c.check().is_err(), "default secret and dev login");
    c.jwt_secret = "0123456789abcdef0123456789abcdef-production"
        .to_owned()
        .into();
    assert!(c.check().is_err(), "dev login still on");
    c.dev_login = false;
    c.database_url = "postgres://db/ssp".into();
    c.store.kind = suishoupai::config::StoreKind::S3;
    assert!(c.check().is_ok());
    c.nodes = 3;
    assert!(c.check().is_err(), "several nodes without redis");
    c.redis_url = Some("redis://r".into());
    assert!(c.check().is_ok());
    c.workflow.warn_fraction = 1.5;
    assert!(c.check().is_err(), "a warning after the deadline");
}

/// Logs in as `user` from `ip` (through the trusted proxy 127.0.0.1).
async fn login_from(
    app: &common::TestApp,
    ip: &str,
    user: &str,
    password: &str,
) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/auth/password"))
        .header("x-forwarded-for", ip)
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn failed_logins_lock_the_address_not_the_account() {
    let app = spawn_with(|c| {
        c.limits.login_failures_per_user_ip = 2;
        c.limits.trusted_proxies = vec!["127.0.0.1".into()];
    })
    .await;
    let attacker = "203.0.113.7";
    for _ in 0..3 {
        let r = login_from(&app, attacker, "dispatcher", "guess").await;
        expect_error(r, 401, "invalid_credentials").await;
    }
    // The attacker's address is locked for that account, even with the right password …
    let r = login_from(&app, attacker, "dispatcher", "Dispatch@2026").await;
    assert!(r.headers().contains_key("retry-after"));
    expect_error(r, 429, "rate_limited").await;
    // … and a spoofed left-hand X-Forwarded-For entry does not get round it.
    let r = login_from(
        &app,
        &format!("9.9.9.9, {attacker}"),
        "dispatcher",
        "Dispatch@2026",
    )
    .await;
    expect_error(r, 429, "rate_limited").await;
    // The dispatcher, from the office, logs in as usual.
    let r = login_from(&app, "198.51.100.20", "dispatcher", "Dispatch@2026").await;
    assert_eq!(r.status(), StatusCode::OK);
    // Successes never count: many in a row are all fine.
    for _ in 0..5 {
        let r = login_from(&app, "198.51.100.20", "supervisor", "Supervise@2026").await;
        assert_eq!(r.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn failures_from_one_address_across_usernames_are_limited() {
    let app = spawn_with(|c| {
        c.limits.login_failures_per_ip = 3;
        c.limits.trusted_proxies = vec!["127.0.0.0/8".into()];
    })
    .await;
    for user in ["a1", "a2", "a3", "a4"] {
        let r = login_from(&app, "192.0.2.44", user, "guess").await;
        expect_error(r, 401, "invalid_credentials").await;
    }
    let r = login_from(&app, "192.0.2.44", "admin", "Admin@2026").await;
    expect_error(r, 429, "rate_limited").await;
    let r = login_from(&app, "192.0.2.45", "admin", "Admin@2026").await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn guesses_at_one_account_from_many_addresses_are_limited() {
    let app = spawn_with(|c| {
        c.limits.login_failures_per_user = 4;
        c.limits.trusted_proxies = vec!["127.0.0.0/8".into()];
    })
    .await;
    // The dispatcher's own desk, where it logged in before.
    let r = login_from(&app, "203.0.113.8", "dispatcher", "Dispatch@2026").await;
    assert_eq!(r.status(), StatusCode::OK);
    // Five addresses, one guess each: no address nor pair reaches its limit.
    for i in 0..5 {
        let r = login_from(&app, &format!("198.18.0.{i}"), "dispatcher", "guess").await;
        expect_error(r, 401, "invalid_credentials").await;
    }
    // The account's password logins wait, from any address …
    let r = login_from(&app, "198.18.7.7", "dispatcher", "Dispatch@2026").await;
    assert!(r.headers().contains_key("retry-after"));
    expect_error(r, 429, "rate_limited").await;
    // … and the other accounts are not touched; nor is the dispatcher at
    // its own desk, so nobody can keep it out by guessing on purpose.
    let r = login_from(&app, "198.18.7.7", "supervisor", "Supervise@2026").await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = login_from(&app, "203.0.113.8", "dispatcher", "Dispatch@2026").await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn x_forwarded_for_is_ignored_from_an_untrusted_peer() {
    let app = spawn_with(|c| c.limits.login_failures_per_user_ip = 1).await;
    // No trusted proxies: each request claims another address, all count for the peer.
    for i in 0..2 {
        let r = login_from(&app, &format!("192.0.2.{i}"), "admin", "guess").await;
        expect_error(r, 401, "invalid_credentials").await;
    }
    let r = login_from(&app, "192.0.2.99", "admin", "Admin@2026").await;
    expect_error(r, 429, "rate_limited").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_checks_beyond_the_bound_are_503_with_retry_after() {
    let app = spawn_with(|c| {
        c.limits.password_checks_at_once = 1;
        c.limits.password_check_wait_ms = 0;
    })
    .await;
    let body = json!({"username": "admin", "password": "Admin@2026"});
    let answers = futures_util::future::join_all(
        (0..8).map(|_| app.post_json("/api/v1/auth/password", None, &body)),
    )
    .await;
    let ok = answers
        .iter()
        .filter(|r| r.status() == StatusCode::OK)
        .count();
    let busy: Vec<_> = answers
        .into_iter()
        .filter(|r| r.status() == StatusCode::SERVICE_UNAVAILABLE)
        .collect();
    assert!(ok >= 1 && !busy.is_empty(), "{ok} ok, {} busy", busy.len());
    for r in busy {
        assert!(r.headers().contains_key("retry-after"));
        expect_error(r, 503, "login_busy").await;
    }
}

#[tokio::test]
async fn staff_tokens_from_before_short_sessions_are_refused() {
    // A 7-day staff token of the old format (no `iat_ms`), signed with the
    // app's own secret for an existing dispatcher.
    let app = spawn_with(|_| {}).await;
    let token = app.staff("dispatcher", "Dispatch@2026").await;
    let me: Value = app
        .get("/api/v1/me", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let now = chrono::Utc::now().timestamp();
    let claims =
        json!({"sub": me["id"], "role": "dispatcher", "iat": now, "exp": now + 7 * 86_400});
    let secret = secrecy::ExposeSecret::expose_secret(&app.state.config.jwt_secret).to_owned();
    let old = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap();
    expect_error(
        app.get("/api/v1/me", Some(&old)).await,
        401,
        "token_revoked",
    )
    .await;
    // The token of this version works.
    assert_eq!(
        app.get("/api/v1/me", Some(&token)).await.status(),
        StatusCode::OK
    );
}
