//! The generator against the real Prettier: `tests/prettier-corpus/expected/` holds what the
//! pinned Prettier makes of the generated files of every good fixture and of every document in
//! `tests/prettier-corpus/cases/` (written by `e2e/prettier-corpus.mjs`); the generator must
//! write exactly that, so its output is a fixed point of `prettier --check`.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use common::{cases, root};
use mizan_generate::emit::{self, Options, PRETTIER_VERSION};

fn corpus() -> PathBuf {
    root().join("tests").join("prettier-corpus")
}

/// `(expected folder, schema path relative to the root)` of every input, in name order.
fn inputs() -> Vec<(String, String)> {
    let mut inputs: Vec<(String, String)> = cases("good")
        .into_iter()
        .map(|c| {
            let schema = common::schema_rel("good", &c);
            (format!("fixtures/{c}"), schema)
        })
        .collect();
    let mut docs: Vec<String> = std::fs::read_dir(corpus().join("cases"))
        .expect("tests/prettier-corpus/cases")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    docs.sort();
    inputs.extend(docs.into_iter().map(|d| {
        (
            format!("cases/{}", d.trim_end_matches(".json")),
            format!("tests/prettier-corpus/cases/{d}"),
        )
    }));
    inputs
}

/// Every file under `dir` as text, by `/`-separated path relative to it.
fn files_under(dir: &Path) -> BTreeMap<String, String> {
    common::files(dir)
        .into_iter()
        .map(|(rel, (bytes, _))| {
            let rel: Vec<_> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect();
            (rel.join("/"), String::from_utf8(bytes).expect("utf-8"))
        })
        .collect()
}

#[test]
fn the_imitated_prettier_is_the_pinned_one() {
    let lock: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("e2e").join("package-lock.json"))
            .expect("e2e/package-lock.json"),
    )
    .expect("JSON");
    let locked = lock["packages"]["node_modules/prettier"]["version"]
        .as_str()
        .expect("prettier in the lockfile");
    assert_eq!(
        PRETTIER_VERSION, locked,
        "the layout rules follow Prettier {PRETTIER_VERSION}, e2e/package-lock.json pins {locked}"
    );
}

#[test]
fn generated_files_are_what_prettier_makes_of_them() {
    let mut failures = String::new();
    let mut compared = 0;
    for (name, schema) in inputs() {
        let bytes = std::fs::read(root().join(&schema)).expect("schema");
        let mut loader = mizan_generate::source::DescriptionLoader::files_only(1 << 30);
        let at = mizan_generate::Location::file(&root().join(&schema));
        let analysis = mizan_generate::analyze_description(
            &schema,
            &bytes,
            &at,
            &mut loader,
            mizan_generate::Framework::React,
        );
        let ir = analysis
            .ir
            .unwrap_or_else(|| panic!("{schema}: not a valid document"));
        // The kernel and the runtime modules are copied sources, not laid out here.
        let generated: BTreeMap<String, String> = emit::generate(&ir, &Options::default())
            .into_iter()
            .filter(|f| f.path != "kernel.ts" && !f.path.starts_with("runtime/"))
            .map(|f| (f.path, f.contents))
            .collect();
        let expected = files_under(&corpus().join("expected").join(&name));
        for path in generated.keys().filter(|p| !expected.contains_key(*p)) {
            let _ = writeln!(
                failures,
                "{name}/{path}: generated, but not in the corpus (run e2e/prettier-corpus.mjs)"
            );
        }
        for (path, want) in &expected {
            let Some(got) = generated.get(path) else {
                let _ = writeln!(failures, "{name}/{path}: in the corpus, not generated");
                continue;
            };
            compared += 1;
            if got != want {
                let diff = similar::TextDiff::from_lines(want.as_str(), got.as_str());
                let _ = writeln!(
                    failures,
                    "{name}/{path}: Prettier {PRETTIER_VERSION} (-) and the generator (+) differ:\n{}",
                    diff.unified_diff()
                        .context_radius(3)
                        .header("prettier", "generated")
                );
            }
        }
    }
    assert!(compared > 0, "the corpus is empty");
    assert!(failures.is_empty(), "{failures}");
}
