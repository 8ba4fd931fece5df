//! The mini-program's own pages against a real node: `miniprogram/test/`
//! runs them under `miniprogram-simulate` (Tencent's j-component renderer)
//! with Node's test runner, and every `wx.*` call they make is answered by
//! a shim that does real HTTP to the node this test starts (`wx.login`
//! gives a code the WeChat stand-in below accepts).
//!
//! Needs Node.js and npm, as the console's build does; `npm ci` runs in
//! `miniprogram/` when its packages are missing or older than the lockfile.
//! `MINIPROGRAM_TESTS=test/loop.test.js` runs one file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::*;
use std::path::Path;

/// `npm ci` when node_modules is missing or older than the lockfile.
async fn install(dir: &Path) {
    let lock = dir.join("package-lock.json");
    let installed = dir.join("node_modules/.package-lock.json");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if modified(&installed) >= modified(&lock) && modified(&installed).is_some() {
        return;
    }
    let status = tokio::process::Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .kill_on_drop(true)
        .status()
        .await
        .expect("npm runs (the console's build needs it too)");
    assert!(status.success(), "npm ci in miniprogram/ failed: {status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mini_programs_pages_work_against_a_real_node() {
    // Arrange: a node whose WeChat is the stand-in (codes `ok-<openid>`).
    let (wx, _) = stand_in::wechat().await;
    let app = spawn_on_system_time(|c| {
        c.wechat.base_url = wx.clone();
        // The pages' tests read the board right after changing it; the
        // cache is tested in tests/api/board.rs.
        c.publication.board_cache_secs = 0;
    })
    .await;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("miniprogram");
    install(&dir).await;

    // Act: the pages' own tests (type-check, build, then node --test).
    let mut npm = tokio::process::Command::new("npm");
    npm.arg("test");
    if let Ok(only) = std::env::var("MINIPROGRAM_TESTS") {
        npm.args(["--", &only]);
    }
    let status = npm
        .current_dir(&dir)
        .env("BASE_URL", &app.base)
        .env("PHOTO", root.join("tests/fixtures/street-4mp.jpg"))
        .env("AFTER_PHOTO", root.join("tests/fixtures/cups-1280.png"))
        .kill_on_drop(true)
        .status()
        .await
        .expect("npm runs");

    // Assert
    assert!(
        status.success(),
        "the mini-program's tests failed: {status}"
    );
}
