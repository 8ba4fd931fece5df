//! Builds the staff console (`src/console/web`, a Vite project) with npm
//! and writes the list of its files for `src/console/mod.rs` to embed, so
//! that `cargo build` alone yields one binary that serves `/console/`.
//!
//! `npm ci` runs when `node_modules` is missing or older than the lockfile;
//! `npm run build` writes into `$OUT_DIR/console`. Without npm the build
//! stops with a message that says what to install.
// A build script reports a failure by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::{
    env, fs,
    path::{Path, PathBuf},
    process::Command,
};

fn main() {
    let web = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("src/console/web");
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let dist = out.join("console");
    for p in [
        "src",
        "index.html",
        "board.html",
        "package.json",
        "package-lock.json",
        "vite.config.js",
    ] {
        println!("cargo:rerun-if-changed={}", web.join(p).display());
    }
    println!("cargo:rerun-if-env-changed=NPM");

    let npm = env::var("NPM").unwrap_or_else(|_| "npm".into());
    check_node();
    if stale(&web) {
        run(
            &npm,
            &["ci", "--no-audit", "--no-fund"],
            Path::new(""),
            &web,
        );
    }
    run(&npm, &["run", "build", "--", "--outDir"], &dist, &web);

    let mut files = vec![];
    walk(&dist, &dist, &mut files);
    files.sort();
    let entries: String = files
        .iter()
        .map(|(rel, abs)| format!("    ({rel:?}, include_bytes!({abs:?})),\n"))
        .collect();
    fs::write(
        out.join("console_assets.rs"),
        format!("/// The console's files, by path under `/console/`.\npub static FILES: &[(&str, &[u8])] = &[\n{entries}];\n"),
    )
    .unwrap();
}

/// Vite 8 needs Node.js 20.19+ or 22.12+; an older one fails obscurely.
fn check_node() {
    let out = Command::new("node").arg("--version").output();
    let version = out
        .as_ref()
        .ok()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .trim_start_matches('v')
                .to_owned()
        })
        .unwrap_or_default();
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    let ok = (major == 20 && minor >= 19) || (major == 22 && minor >= 12) || major > 22;
    assert!(
        ok,
        "\n\nThe staff console is built with Vite, which needs Node.js 20.19+ or 22.12+; \
         this machine has {}. Install a newer Node.js (e.g. from nodejs.org or NodeSource) \
         and build again.\n\n",
        if version.is_empty() {
            "none".into()
        } else {
            format!("v{version}")
        }
    );
}

/// Whether `node_modules` must be (re)installed from the lockfile.
fn stale(web: &Path) -> bool {
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    match (
        modified(&web.join("node_modules/.package-lock.json")),
        modified(&web.join("package-lock.json")),
    ) {
        (Some(installed), Some(lock)) => installed < lock,
        _ => true,
    }
}

/// Runs npm with `args` (and `dir` appended when not empty) in `web`.
fn run(npm: &str, args: &[&str], dir: &Path, web: &Path) {
    let mut cmd = Command::new(npm);
    cmd.args(args).current_dir(web);
    if !dir.as_os_str().is_empty() {
        cmd.arg(dir).arg("--emptyOutDir");
    }
    let status = cmd.status().unwrap_or_else(|e| {
        panic!(
            "\n\nThe staff console is built with npm, which could not be run ({npm}: {e}).\n\
             Install Node.js 20.19+ with npm 10+ (nodejs.org or NodeSource), \
             or point the NPM variable at npm, then build again.\n\n"
        )
    });
    assert!(
        status.success(),
        "\n\n`{npm} {}` failed in {} ({status}); its output is above.\n\n",
        args.join(" "),
        web.display()
    );
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(root, &p, out);
        } else {
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, p.to_string_lossy().into_owned()));
        }
    }
}
