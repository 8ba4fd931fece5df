//! Open311 GeoReport v2 driven by real client libraries from PyPI
//! (georeport, three), in both formats, with XML parsed by a real parser
//! (tests/open311/client.py).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{self, DISPATCHER, fixture, issue_key as issue};
use serde_json::{Value, json};
use std::path::PathBuf;

/// A Python with the pinned GeoReport clients, in a venv under target/
/// (made once; later runs reuse it).
fn python() -> PathBuf {
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target");
    let venv = target.join("open311-venv");
    let py = venv.join("bin/python");
    let reqs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/open311/requirements.txt");
    let stamp = venv.join("requirements.txt");
    if std::fs::read(&stamp).ok() == std::fs::read(&reqs).ok() && py.exists() {
        return py;
    }
    let run = |cmd: &mut std::process::Command| {
        let out = cmd.output().expect("run python");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(std::process::Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv));
    run(std::process::Command::new(&py)
        .args([
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&reqs));
    std::fs::copy(&reqs, &stamp).unwrap();
    py
}

#[tokio::test]
async fn real_georeport_clients_read_and_post_in_both_formats() {
    // This city publishes what is dispatched automatically (the clients
    // read back what they posted, which is dispatched at once).
    let app = common::spawn_on_system_time(|c| c.publication.auto_dispatched = true).await;
    let (key, _) = issue(&app, "12345热线", None).await;
    let photo = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(photo.path(), fixture("street-4mp.jpg")).unwrap();
    let py = tokio::task::spawn_blocking(python).await.unwrap();
    let out = tokio::process::Command::new(py)
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/open311/client.py"))
        .arg(app.url("/open311/v2"))
        .arg(&key)
        .arg(photo.path())
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "client.py failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ids: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();

    // Staff see where the cases came from, with the photo three sent and
    // the attribute answer; the reporter's contact only through the
    // audited reporter view.
    let disp = app.staff(DISPATCHER.0, DISPATCHER.1).await;
    let json_case = app.case(&disp, ids["json_token"].as_str().unwrap()).await;
    assert_eq!(json_case["caseNo"], ids["json_id"]);
    assert_eq!(json_case["source"]["channel"], "open311");
    assert_eq!(json_case["source"]["integrator"], "12345热线");
    assert_eq!(
        json_case["photos"].as_array().unwrap().len(),
        1,
        "the media photo"
    );
    assert_eq!(json_case["timeline"][0]["actorName"], "12345热线");
    let xml_case = app.case(&disp, ids["xml_token"].as_str().unwrap()).await;
    assert_eq!(
        xml_case["photos"].as_array().unwrap().len(),
        0,
        "no photo needed"
    );
    assert_eq!(
        xml_case["source"]["answers"],
        json!([{"code": "cover_state", "question": "井盖状况", "answer": "丢失"}])
    );
    assert!(
        !json_case.to_string().contains("13900001111"),
        "the contact is not in the case view"
    );
    let id = ids["json_token"].as_str().unwrap();
    let r = app
        .get(
            &format!("/api/v1/cases/{id}/reporter?reason=%E6%A0%B8%E5%AE%9E"),
            Some(&disp),
        )
        .await;
    let reporter: Value = r.json().await.unwrap();
    assert_eq!(reporter["phone"], "13900001111");
    assert_eq!(reporter["displayName"], "张三（经 12345热线）");
}
