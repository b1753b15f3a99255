//! `cargo run -p mizan-reference-backend` builds the artifacts `cargo build --workspace` built:
//! every dependency the backend shares with mizan-generate resolves to the same features
//! either way. Otherwise running the backend after the test command rebuilds dozens of crates,
//! and the backend could behave differently depending on the command that built it (serde_json's
//! `preserve_order` decides the key order of `export-schema`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

/// Package → the feature sets it is built with, as `cargo tree` resolves them for `selection`.
fn features(selection: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = Command::new(cargo)
        .current_dir(workspace)
        .args(["tree", "--locked", "--offline", "-e", "normal,build"])
        .args(["--prefix", "none", "--format", "{p}|{f}"])
        .args(selection)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Some((package, features)) = line.split_once('|') else {
            continue;
        };
        let features = features.trim_end_matches(" (*)").trim();
        found
            .entry(package.trim().to_owned())
            .or_default()
            .insert(features.to_owned());
    }
    found
}

#[test]
fn the_backend_alone_resolves_its_dependencies_as_the_workspace_does() {
    let alone = features(&["-p", "mizan-reference-backend"]);
    let workspace = features(&["--workspace"]);
    let drift: Vec<String> = alone
        .iter()
        .filter(|(package, _)| !package.starts_with("mizan-"))
        .filter_map(|(package, sets)| {
            let in_workspace = workspace.get(package).cloned().unwrap_or_default();
            (!sets.is_subset(&in_workspace)).then(|| {
                format!("{package}: alone {sets:?}, in the workspace build {in_workspace:?}")
            })
        })
        .collect();
    assert!(
        drift.is_empty(),
        "give these the workspace's features in reference-backend/Cargo.toml:\n{}",
        drift.join("\n")
    );
}
