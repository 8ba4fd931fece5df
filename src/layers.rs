//! The layers the README draws, checked: services and storage do not speak
//! HTTP, and handlers do not query.
//!
//! The domain's layer is a crate (`crates/domain`), so the compiler keeps
//! it. Inside the app crate the layers are folders and names, so this test
//! keeps them: it reads every file under `src/` as Rust tokens (comments
//! and strings are not tokens, so words in them do not count) and fails
//! when a file names a crate or module its layer must not.
//!
//! - A service or storage file must not name `poem`, `poem_openapi` or a
//!   `dto` module: it returns the feature's own values, which the handler
//!   turns into the response.
//! - An HTTP file must not name `sea_orm` or `entity`: it calls a service.
//!
//! [`DEBTS`] lists the files that break a rule today, each with why. The
//! list only shrinks: a file that breaks a rule and is not listed fails the
//! test, and so does a listed file that no longer breaks it (take it off).

use proc_macro2::{TokenStream, TokenTree};
use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
    str::FromStr,
};

/// Where a file sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layer {
    /// Handlers, request and response shapes, error statuses, middleware.
    Http,
    /// Start-up, configuration, state, the console's files.
    Wiring,
    /// Services, storage, jobs: everything else.
    Service,
}

/// The layer of a file, from its path under `src/` (`/`-separated).
fn layer(path: &str) -> Layer {
    const WIRING: [&str; 5] = ["lib.rs", "main.rs", "state.rs", "api.rs", "demo.rs"];
    const HTTP_DIRS: [&str; 3] = ["web/", "error/", "ops/"];
    const HTTP_FILES: [&str; 5] = [
        // The eleven case filters as query parameters.
        "cases/filter_params.rs",
        // Open311's wire formats (XML) and its multipart body.
        "open311/wire.rs",
        "open311/post.rs",
        // Request and response shapes a feature shares with its handlers.
        "cases/bodies.rs",
        "cases/source.rs",
    ];
    let name = path.rsplit('/').next().unwrap_or(path);
    if WIRING.contains(&path) || path.starts_with("config/") || path.starts_with("console/") {
        Layer::Wiring
    } else if path == "ops/service.rs" {
        // Readiness: it asks the database and the object store.
        Layer::Service
    } else if HTTP_DIRS.iter().any(|d| path.starts_with(d))
        || HTTP_FILES.contains(&path)
        || name == "dto.rs"
        || name == "api.rs"
        || name.ends_with("_api.rs")
        || name.ends_with("_dto.rs")
        || (name == "mod.rs" && !path.starts_with("cases/repo/"))
    {
        Layer::Http
    } else {
        Layer::Service
    }
}

/// What a layer must not name.
fn forbidden(layer: Layer) -> &'static [&'static str] {
    match layer {
        Layer::Http => &["sea_orm", "entity"],
        Layer::Service => &["poem", "poem_openapi", "dto"],
        Layer::Wiring => &[],
    }
}

/// Files that break their layer's rule today, and why. Only shrinks.
const DEBTS: &[(&str, &str)] = &[
    // Services that build response shapes.
    ("command/export.rs", "exports the IndicatorTable response"),
    (
        "command/service.rs",
        "builds the command centre's responses",
    ),
    ("live/feed.rs", "the feed's events are poem-openapi shapes"),
    (
        "open311/service.rs",
        "builds Open311's responses and reads the request",
    ),
];

/// The crate and module names a file's code uses as paths (`x::…` or `…::x`).
fn path_names(tokens: TokenStream, out: &mut BTreeSet<String>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let colon =
        |t: Option<&TokenTree>| matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == ':');
    for (i, t) in tokens.iter().enumerate() {
        match t {
            TokenTree::Group(g) => path_names(g.stream(), out),
            TokenTree::Ident(id) => {
                let after = colon(tokens.get(i + 1)) && colon(tokens.get(i + 2));
                let before = i >= 2 && colon(tokens.get(i - 1)) && colon(tokens.get(i - 2));
                if after || before {
                    out.insert(id.to_string());
                }
            }
            _ => {}
        }
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// (file, names it must not use) for every file under `src/` that breaks its rule.
fn breaches() -> Vec<(String, Vec<&'static str>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    let mut found = Vec::new();
    for file in files {
        let rel = file
            .strip_prefix(&root)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "layers.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let tokens = TokenStream::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let mut names = BTreeSet::new();
        path_names(tokens, &mut names);
        let bad: Vec<&'static str> = forbidden(layer(&rel))
            .iter()
            .copied()
            .filter(|n| names.contains(*n))
            .collect();
        if !bad.is_empty() {
            found.push((rel, bad));
        }
    }
    found
}

#[test]
fn every_file_keeps_its_layer() {
    let found = breaches();
    let new: Vec<String> = found
        .iter()
        .filter(|(f, _)| !DEBTS.iter().any(|(d, _)| d == f))
        .map(|(f, names)| format!("{f} ({:?}) names {}", layer(f), names.join(", ")))
        .collect();
    assert!(
        new.is_empty(),
        "files that break their layer (README, Architecture): a service returns \
         its own values and the handler makes the response; a handler calls a \
         service instead of querying:\n  {}",
        new.join("\n  ")
    );
    let paid: Vec<&str> = DEBTS
        .iter()
        .map(|(d, _)| *d)
        .filter(|d| !found.iter().any(|(f, _)| f == d))
        .collect();
    assert!(
        paid.is_empty(),
        "these files keep their layer now; take them off DEBTS: {paid:?}"
    );
}

#[test]
fn the_check_sees_what_it_looks_for() {
    let mut names = BTreeSet::new();
    let code = "use super::{dto::A, x}; /* sea_orm::X */ fn f() { let s = \"poem::Y\"; \
                entity::media::Model::default(); crate::cases::dto::B; }";
    path_names(TokenStream::from_str(code).unwrap_or_default(), &mut names);
    assert!(names.contains("dto") && names.contains("entity"));
    assert!(!names.contains("sea_orm") && !names.contains("poem"));
    assert_eq!(layer("reports/mod.rs"), Layer::Http);
    assert_eq!(layer("reports/views.rs"), Layer::Service);
    assert_eq!(layer("cases/repo/mod.rs"), Layer::Service);
    assert_eq!(layer("config/mod.rs"), Layer::Wiring);
}
