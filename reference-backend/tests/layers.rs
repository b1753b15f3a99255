//! The backend's modules depend one way: each may use only the modules listed before it here.

use std::collections::BTreeSet;

/// Bottom to top.
const LAYERS: &[&str] = &[
    "error", "model", "call", "auth", "registry", "fixture", "protocol", "cache", "state", "ws",
    "http",
];

/// The `crate::<module>` paths a source file names.
fn uses(source: &str) -> BTreeSet<String> {
    source
        .match_indices("crate::")
        .map(|(at, m)| {
            source[at + m.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

#[test]
fn modules_depend_one_way() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut seen = BTreeSet::new();
    for entry in std::fs::read_dir(&src).expect("src/") {
        let path = entry.expect("entry").path();
        let module = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a file name")
            .to_owned();
        if module == "lib" || module == "main" {
            continue;
        }
        let level = LAYERS
            .iter()
            .position(|l| *l == module)
            .unwrap_or_else(|| panic!("src/{module}.rs is not in LAYERS"));
        let source = std::fs::read_to_string(&path).expect("readable");
        for used in uses(&source) {
            let at = LAYERS.iter().position(|l| *l == used);
            assert!(
                at.is_some_and(|at| at < level),
                "src/{module}.rs uses crate::{used}, which is not below it in LAYERS"
            );
        }
        seen.insert(module);
    }
    let listed: BTreeSet<String> = LAYERS.iter().map(|l| (*l).to_owned()).collect();
    assert_eq!(seen, listed, "every module is in LAYERS, and only those");
}

/// No module-level mutable state: state lives in `AppState`, one per server, so two servers in
/// one process (as the tests run them) share nothing. Any `static` item or thread-local counts,
/// since a static is only useful here with interior mutability.
#[test]
fn no_module_level_state() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&src).expect("src/") {
        let path = entry.expect("entry").path();
        let source = std::fs::read_to_string(&path).expect("readable");
        for (n, line) in source.lines().enumerate() {
            let item = line.trim_start().trim_start_matches("pub ");
            if item.starts_with("static ") || item.contains("thread_local!") {
                found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "module-level state:\n{}",
        found.join("\n")
    );
}
