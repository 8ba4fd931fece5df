//! Logging in: WeChat (against a stand-in server), dev, password; tokens; /me.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

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
    let other =
        suishoupai::auth::jwt::JwtKeys::new(&"another-secret-entirely".to_owned().into(), 3600);
    let (forged, _) = other
        .issue(uuid::Uuid::now_v7(), suishoupai::auth::Role::Admin, None)
        .unwrap();
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

#[tokio::test]
async fn password_attempts_are_limited_per_username() {
    let app = spawn_with(|c| c.limits.login_per_user = 2).await;
    for _ in 0..2 {
        let r = app
            .post_json(
                "/api/v1/auth/password",
                None,
                &json!({"username": "admin", "password": "guess"}),
            )
            .await;
        expect_error(r, 401, "invalid_credentials").await;
    }
    let r = app
        .post_json(
            "/api/v1/auth/password",
            None,
            &json!({"username": "admin", "password": "Admin@2026"}),
        )
        .await;
    assert!(r.headers().contains_key("retry-after"));
    expect_error(r, 429, "rate_limited").await;
    // Another username is not affected.
    let r = app
        .post_json(
            "/api/v1/auth/password",
            None,
            &json!({"username": "dispatcher", "password": "Dispatch@2026"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}
