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
//! - A service or storage file must not name a request or response shape
//!   that an HTTP file declares (a type deriving a poem-openapi trait),
//!   whatever path it takes to it (`super::Me` as much as `dto::Me`).

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
/// Every file under `src/` (but this one), by its path there, as tokens.
fn sources() -> Vec<(String, TokenStream)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    let mut out = Vec::new();
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
        out.push((rel, tokens));
    }
    out
}

/// Each file that breaks its layer's rules, with what it names.
fn breaches() -> Vec<(String, Vec<String>)> {
    let files = sources();
    let mut shapes = BTreeSet::new();
    for (rel, tokens) in &files {
        if layer(rel) == Layer::Http {
            declared(tokens.clone(), true, &mut shapes);
        }
    }
    let mut found = Vec::new();
    for (rel, tokens) in files {
        let mut names = BTreeSet::new();
        path_names(tokens.clone(), &mut names);
        let mut bad: Vec<String> = forbidden(layer(&rel))
            .iter()
            .filter(|n| names.contains(**n))
            .map(|n| (*n).to_owned())
            .collect();
        if layer(&rel) == Layer::Service {
            let (mut used, mut own) = (BTreeSet::new(), BTreeSet::new());
            type_names(tokens.clone(), &mut used);
            declared(tokens, false, &mut own);
            bad.extend(
                used.intersection(&shapes)
                    .filter(|n| !own.contains(*n))
                    .map(|n| format!("{n} (an HTTP shape)")),
            );
        }
        if !bad.is_empty() {
            found.push((rel, bad));
        }
    }
    found
}

/// The poem-openapi derives that make a type a request or response shape.
const SHAPE_DERIVES: [&str; 5] = ["Object", "Enum", "Union", "ApiResponse", "Multipart"];

/// The types a file declares (`struct`, `enum`, `type`) and its enums'
/// variants; with `shapes`, only the types deriving a poem-openapi shape.
fn declared(tokens: TokenStream, shapes: bool, out: &mut BTreeSet<String>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut derives_shape = false;
    for (i, t) in tokens.iter().enumerate() {
        match t {
            TokenTree::Group(g) if g.delimiter() == proc_macro2::Delimiter::Bracket => {
                let mut inner = BTreeSet::new();
                idents(g.stream(), &mut inner);
                if inner.contains("derive") && SHAPE_DERIVES.iter().any(|d| inner.contains(*d)) {
                    derives_shape = true;
                }
            }
            TokenTree::Group(g) => declared(g.stream(), shapes, out),
            TokenTree::Ident(kw)
                if ["struct", "enum", "type"].contains(&kw.to_string().as_str()) =>
            {
                if let Some(TokenTree::Ident(name)) = tokens.get(i + 1)
                    && (derives_shape || !shapes)
                {
                    out.insert(name.to_string());
                }
                if kw == "enum" && !shapes {
                    let body = tokens[i..].iter().find_map(|t| match t {
                        TokenTree::Group(g) if g.delimiter() == proc_macro2::Delimiter::Brace => {
                            Some(g.stream())
                        }
                        _ => None,
                    });
                    // A variant is an identifier at the top of the body.
                    for v in body.into_iter().flatten() {
                        if let TokenTree::Ident(v) = v {
                            out.insert(v.to_string());
                        }
                    }
                }
                derives_shape = false;
            }
            _ => {}
        }
    }
}

/// The identifiers that can name a type: every one but those after
/// `Type::` (an enum's variant or an associated item, e.g. `Why::Deleted`).
fn type_names(tokens: TokenStream, out: &mut BTreeSet<String>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let colon =
        |t: Option<&TokenTree>| matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == ':');
    for (i, t) in tokens.iter().enumerate() {
        match t {
            TokenTree::Group(g) => type_names(g.stream(), out),
            TokenTree::Ident(id) => {
                let after_type = i >= 3
                    && colon(tokens.get(i - 1))
                    && colon(tokens.get(i - 2))
                    && matches!(tokens.get(i - 3), Some(TokenTree::Ident(ty))
                        if ty.to_string().starts_with(|c: char| c.is_ascii_uppercase()));
                if !after_type {
                    out.insert(id.to_string());
                }
            }
            _ => {}
        }
    }
}

/// Every identifier in the tokens.
fn idents(tokens: TokenStream, out: &mut BTreeSet<String>) {
    for t in tokens {
        match t {
            TokenTree::Group(g) => idents(g.stream(), out),
            TokenTree::Ident(id) => {
                out.insert(id.to_string());
            }
            _ => {}
        }
    }
}

#[test]
fn every_file_keeps_its_layer() {
    let found = breaches();
    assert!(
        found.is_empty(),
        "files that break their layer (README, Architecture): a service returns \
         its own values and the handler makes the response; a handler calls a \
         service instead of querying:\n  {}",
        found
            .iter()
            .map(|(f, names)| format!("{f} ({:?}) names {}", layer(f), names.join(", ")))
            .collect::<Vec<_>>()
            .join("\n  ")
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
    assert_eq!(layer("cases/view_dto.rs"), Layer::Http);
    let mut shapes = BTreeSet::new();
    let http = "#[derive(Debug, Object)] #[oai(rename_all = \"camelCase\")] pub struct Me { a: u8 } \
                #[derive(Debug)] pub struct Plain; #[derive(poem_openapi::Enum)] enum Kind { A }";
    declared(
        TokenStream::from_str(http).unwrap_or_default(),
        true,
        &mut shapes,
    );
    assert_eq!(shapes.into_iter().collect::<Vec<_>>(), ["Kind", "Me"]);
}
