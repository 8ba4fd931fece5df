//! Accounts after login: every token is checked against its account
//! (through a cache of at most 30 s per node), staff tokens are short and
//! refreshed within a session, and admins disable, enable, change and
//! reset accounts over the API and the CLI, all audited.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{ADMIN, DISPATCHER, SUPERVISOR, TestApp, eventually, expect_error};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn login(app: &TestApp, username: &str, password: &str) -> Value {
    let r = app
        .post_json(
            "/api/v1/auth/password",
            None,
            &json!({"username": username, "password": password}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "login {username}");
    r.json().await.unwrap()
}

async fn account_id(app: &TestApp, admin: &str, username: &str) -> String {
    let list: Value = app
        .get("/api/v1/admin/accounts", Some(admin))
        .await
        .json()
        .await
        .unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .find(|a| a["username"] == username)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn me_status(app: &TestApp, token: &str) -> (u16, Value) {
    let r = app.get("/api/v1/me", Some(token)).await;
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn audited(app: &TestApp, admin: &str, id: &str) -> Vec<String> {
    let audit: Value = app
        .get(&format!("/api/v1/admin/audit?objectId={id}"), Some(admin))
        .await
        .json()
        .await
        .unwrap();
    audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_disabled_account_is_refused_on_every_node_within_the_cache_time() {
    // Arrange: two nodes on one database; each caches accounts for 2 s.
    let tmp = tempfile::tempdir().unwrap();
    let mut c = common::test_config(tmp.path()).await;
    c.account_cache_secs = 2;
    let (tmp_b, c_b) = (tempfile::tempdir().unwrap(), c.clone());
    let a = common::start(c, tmp).await;
    let b = common::start(c_b, tmp_b).await;
    let admin = a.staff(ADMIN.0, ADMIN.1).await;
    let disp = a.staff(DISPATCHER.0, DISPATCHER.1).await;
    let id = account_id(&a, &admin, DISPATCHER.0).await;
    // Node B has read the account while it was enabled.
    assert_eq!(me_status(&b, &disp).await.0, 200);

    // Act
    let r = a
        .post_json(
            &format!("/api/v1/admin/accounts/{id}/disable"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["disabled"], true);

    // Assert: at once on the node that made the change, within the cache
    // time on the other; and no new login.
    expect_error(
        a.get("/api/v1/me", Some(&disp)).await,
        401,
        "account_disabled",
    )
    .await;
    let refused_on_b = eventually(5, || async { me_status(&b, &disp).await.0 == 401 }).await;
    assert!(
        refused_on_b,
        "node B still accepts a disabled account's token"
    );
    let r = a
        .post_json(
            "/api/v1/auth/password",
            None,
            &json!({"username": DISPATCHER.0, "password": DISPATCHER.1}),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "a disabled account cannot log in"
    );

    // Enabled again: the old token stays refused, a new login works.
    let r = a
        .post_json(
            &format!("/api/v1/admin/accounts/{id}/enable"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    expect_error(a.get("/api/v1/me", Some(&disp)).await, 401, "token_revoked").await;
    let again = a.staff(DISPATCHER.0, DISPATCHER.1).await;
    assert_eq!(me_status(&a, &again).await.0, 200);
    // Node B read "disabled" a moment ago: it takes the cache time to see
    // the account enabled again.
    let back_on_b = eventually(5, || async { me_status(&b, &again).await.0 == 200 }).await;
    assert!(back_on_b, "node B still refuses the enabled account");
    let actions = audited(&a, &admin, &id).await;
    for action in ["account.disable", "account.enable"] {
        assert!(
            actions.iter().any(|x| x == action),
            "{action} audited: {actions:?}"
        );
    }
}

#[tokio::test]
async fn staff_tokens_are_short_and_continue_with_a_refresh_token() {
    let app = common::spawn_app().await;
    let t = login(&app, DISPATCHER.0, DISPATCHER.1).await;
    let now = chrono::Utc::now();
    let exp = chrono::DateTime::parse_from_rfc3339(t["expiresAt"].as_str().unwrap()).unwrap();
    let end =
        chrono::DateTime::parse_from_rfc3339(t["refreshExpiresAt"].as_str().unwrap()).unwrap();
    assert!(
        exp < now + chrono::Duration::hours(2),
        "staff tokens live hours: {exp}"
    );
    assert!(
        end > exp && end < now + chrono::Duration::hours(13),
        "session end {end}"
    );
    let citizen: Value = app
        .post_json("/api/v1/auth/dev", None, &json!({"openid": "short"}))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        citizen.get("refreshToken").is_none(),
        "citizens log in again with wx.login"
    );

    // Act: refresh.
    let refresh = t["refreshToken"].as_str().unwrap();
    let r = app
        .post_json(
            "/api/v1/auth/refresh",
            None,
            &json!({"refreshToken": refresh}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let next: Value = r.json().await.unwrap();

    // Assert: a working token, the same session end; each kind of token
    // works only where it belongs.
    let token = next["token"].as_str().unwrap();
    assert_eq!(me_status(&app, token).await.1["username"], DISPATCHER.0);
    assert_eq!(next["refreshExpiresAt"], t["refreshExpiresAt"]);
    expect_error(
        app.get("/api/v1/me", Some(refresh)).await,
        401,
        "unauthorized",
    )
    .await;
    let r = app
        .post_json(
            "/api/v1/auth/refresh",
            None,
            &json!({"refreshToken": token}),
        )
        .await;
    expect_error(r, 401, "invalid_refresh_token").await;
}

#[tokio::test]
async fn a_password_reset_ends_every_session_and_role_changes_apply_to_issued_tokens() {
    let app = common::spawn_app().await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let sup = login(&app, SUPERVISOR.0, SUPERVISOR.1).await;
    let token = sup["token"].as_str().unwrap();
    let id = account_id(&app, &admin, SUPERVISOR.0).await;

    // A role change reaches the token already issued.
    let r = app
        .http
        .patch(app.url(&format!("/api/v1/admin/accounts/{id}")))
        .bearer_auth(&admin)
        .json(&json!({"role": "dispatcher"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(me_status(&app, token).await.1["role"], "dispatcher");
    // Becoming a unit member needs a unit.
    let r = app
        .http
        .patch(app.url(&format!("/api/v1/admin/accounts/{id}")))
        .bearer_auth(&admin)
        .json(&json!({"role": "unit_member"}))
        .send()
        .await
        .unwrap();
    expect_error(r, 422, "invalid_unit").await;

    // Reset: old token and refresh token refused, old password refused.
    let r = app
        .post_json(
            &format!("/api/v1/admin/accounts/{id}/password"),
            Some(&admin),
            &json!({"password": "New-Pass-2026"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    expect_error(
        app.get("/api/v1/me", Some(token)).await,
        401,
        "token_revoked",
    )
    .await;
    let r = app
        .post_json(
            "/api/v1/auth/refresh",
            None,
            &json!({"refreshToken": sup["refreshToken"]}),
        )
        .await;
    expect_error(r, 401, "token_revoked").await;
    let r = app
        .post_json(
            "/api/v1/auth/password",
            None,
            &json!({"username": SUPERVISOR.0, "password": SUPERVISOR.1}),
        )
        .await;
    expect_error(r, 401, "invalid_credentials").await;
    let fresh = login(&app, SUPERVISOR.0, "New-Pass-2026").await;

    // An admin cannot lock themselves out.
    let own = account_id(&app, &admin, ADMIN.0).await;
    let r = app
        .post_json(
            &format!("/api/v1/admin/accounts/{own}/disable"),
            Some(&admin),
            &json!({}),
        )
        .await;
    expect_error(r, 409, "own_account").await;
    let actions = audited(&app, &admin, &id).await;
    for action in ["account.update", "account.reset_password"] {
        assert!(
            actions.iter().any(|x| x == action),
            "{action} audited: {actions:?}"
        );
    }
    // Only admins.
    let r = app
        .post_json(
            &format!("/api/v1/admin/accounts/{own}/disable"),
            fresh["token"].as_str(),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_disabled_citizen_is_refused() {
    let app = common::spawn_app().await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let token = app.citizen("abuser").await;
    let me = me_status(&app, &token).await.1;
    let id = me["id"].as_str().unwrap();
    let r = app
        .post_json(
            &format!("/api/v1/admin/accounts/{id}/disable"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    expect_error(
        app.get("/api/v1/me", Some(&token)).await,
        401,
        "account_disabled",
    )
    .await;
    expect_error(
        app.get("/api/v1/me/reports", Some(&token)).await,
        401,
        "account_disabled",
    )
    .await;
}

#[tokio::test]
async fn the_cli_disables_and_resets_accounts() {
    let app = common::spawn_with(|c| c.account_cache_secs = 1).await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    assert_eq!(me_status(&app, &disp).await.0, 200);
    let cfg = &app.state.config;
    let cli = |args: &[&str]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_suishoupai"));
        cmd.arg("admin")
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("SSP_DATABASE_URL", &cfg.database_url)
            .env("SSP_DATA_DIR", &cfg.data_dir)
            .env("SSP_DEMO_DATA", "false");
        if let Some(s) = &cfg.database_schema {
            cmd.env("SSP_DATABASE_SCHEMA", s);
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };

    let out = cli(&["account", DISPATCHER.0, "disable"]);
    assert!(out.contains("disabled"), "{out}");
    // The node read the account before the CLI changed it: it sees the
    // change once its cache time (1 s here) has passed.
    let refused = eventually(5, || async { me_status(&app, &disp).await.0 == 401 }).await;
    assert!(refused, "the disabled account's token still works");
    expect_error(
        app.get("/api/v1/me", Some(&disp)).await,
        401,
        "account_disabled",
    )
    .await;

    cli(&["account", DISPATCHER.0, "enable"]);
    cli(&[
        "account",
        DISPATCHER.0,
        "reset-password",
        "--password",
        "Cli-Pass-2026",
    ]);
    login(&app, DISPATCHER.0, "Cli-Pass-2026").await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let id = account_id(&app, &admin, DISPATCHER.0).await;
    let actions = audited(&app, &admin, &id).await;
    for action in [
        "account.disable",
        "account.enable",
        "account.reset_password",
    ] {
        assert!(
            actions.iter().any(|x| x == action),
            "{action} audited: {actions:?}"
        );
    }
}

#[tokio::test]
async fn the_live_feed_of_a_disabled_account_ends() {
    use futures_util::StreamExt;
    let app = common::spawn_with(|c| c.account_cache_secs = 1).await;
    let admin = app.staff(ADMIN.0, ADMIN.1).await;
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let id = account_id(&app, &admin, DISPATCHER.0).await;
    let feed = app
        .http
        .get(app.url("/api/v1/events"))
        .bearer_auth(&disp)
        .send()
        .await
        .unwrap();
    assert_eq!(feed.status(), StatusCode::OK);
    let mut body = feed.bytes_stream();

    // Act
    let r = app
        .post_json(
            &format!("/api/v1/admin/accounts/{id}/disable"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    // Assert: the server closes the stream (it would otherwise run forever
    // with a heartbeat every 15 s).
    let ended = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while let Some(chunk) = body.next().await {
            if chunk.is_err() {
                break;
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the disabled account's feed is still open");
}

async fn refresh(app: &TestApp, token: &Value) -> reqwest::Response {
    app.post_json(
        "/api/v1/auth/refresh",
        None,
        &json!({"refreshToken": token}),
    )
    .await
}

#[tokio::test]
async fn a_refresh_token_is_good_once_and_one_used_again_ends_the_whole_session() {
    // Arrange: a session continued once; another session of the account.
    let app = common::spawn_app().await;
    let first = login(&app, DISPATCHER.0, DISPATCHER.1).await;
    let other = login(&app, DISPATCHER.0, DISPATCHER.1).await;
    let r = refresh(&app, &first["refreshToken"]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let second: Value = r.json().await.unwrap();
    assert_ne!(second["refreshToken"], first["refreshToken"], "rotated");

    // Act: the first refresh token, presented again (its thief, say).
    let again = refresh(&app, &first["refreshToken"]).await;

    // Assert: refused, and every token of that session with it.
    expect_error(again, 401, "refresh_reused").await;
    for token in [&first["token"], &second["token"]] {
        let (status, body) = me_status(&app, token.as_str().unwrap()).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (401, Some("session_ended"))
        );
    }
    expect_error(
        refresh(&app, &second["refreshToken"]).await,
        401,
        "session_ended",
    )
    .await;
    // The account's other session goes on; the reuse is audited.
    assert_eq!(
        me_status(&app, other["token"].as_str().unwrap()).await.0,
        200
    );
    assert_eq!(refresh(&app, &other["refreshToken"]).await.status(), 200);
    let admin = login(&app, ADMIN.0, ADMIN.1).await;
    let audit: Value = app
        .get(
            "/api/v1/admin/audit?action=auth.refresh_reused",
            admin["token"].as_str(),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit["items"].as_array().map(Vec::len), Some(1), "{audit}");
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    // Arrange
    let app = common::spawn_app().await;
    let staff = login(&app, DISPATCHER.0, DISPATCHER.1).await;
    let citizen: Value = app
        .post_json("/api/v1/auth/dev", None, &json!({"openid": "leaving"}))
        .await
        .json()
        .await
        .unwrap();

    // Act
    for t in [&staff, &citizen] {
        let token = t["token"].as_str().unwrap();
        let r = app
            .http
            .post(app.url("/api/v1/auth/logout"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }

    // Assert: the tokens and the refresh token are refused; a new login
    // is a new session.
    for t in [&staff, &citizen] {
        let (status, body) = me_status(&app, t["token"].as_str().unwrap()).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (401, Some("session_ended"))
        );
    }
    expect_error(
        refresh(&app, &staff["refreshToken"]).await,
        401,
        "session_ended",
    )
    .await;
    let back = login(&app, DISPATCHER.0, DISPATCHER.1).await;
    assert_eq!(
        me_status(&app, back["token"].as_str().unwrap()).await.0,
        200
    );
    let r = app
        .http
        .post(app.url("/api/v1/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "a token is needed");
}

#[tokio::test]
async fn a_refresh_token_alone_ends_its_session() {
    // Arrange: a client whose access token it no longer has (or that
    // expired while it was idle) still holds the refresh token.
    let app = common::spawn_app().await;
    let staff = login(&app, DISPATCHER.0, DISPATCHER.1).await;
    let other = login(&app, DISPATCHER.0, DISPATCHER.1).await;

    // Act
    let r = app
        .post_json(
            "/api/v1/auth/logout",
            None,
            &json!({"refreshToken": staff["refreshToken"]}),
        )
        .await;
    let forged = app
        .post_json(
            "/api/v1/auth/logout",
            Some("not.a.token"),
            &json!({"refreshToken": "not-a-token-either"}),
        )
        .await;
    let half_forged = app
        .post_json(
            "/api/v1/auth/logout",
            other["token"].as_str(),
            &json!({"refreshToken": "not-a-token"}),
        )
        .await;

    // Assert: that session is over, the account's other session is not.
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        half_forged.status(),
        StatusCode::UNAUTHORIZED,
        "a token given must be genuine, even beside a genuine one"
    );
    let (status, body) = me_status(&app, staff["token"].as_str().unwrap()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("session_ended"))
    );
    expect_error(
        refresh(&app, &staff["refreshToken"]).await,
        401,
        "session_ended",
    )
    .await;
    assert_eq!(
        me_status(&app, other["token"].as_str().unwrap()).await.0,
        200
    );
}
