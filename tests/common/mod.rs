//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use mizan_generate::diagnostics::{self, RenderStyle};
use mizan_generate::Analysis;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The case folders under `fixtures/<kind>`, sorted by name.
pub fn cases(kind: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("fixtures").join(kind))
        .expect("fixtures folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Analyses `fixtures/<kind>/<case>/schema.json`, named by its repository path.
pub fn analyze_case(kind: &str, case: &str) -> Analysis {
    let rel = format!("fixtures/{kind}/{case}/schema.json");
    let bytes = std::fs::read(root().join(&rel)).expect("fixture");
    mizan_generate::analyze(&rel, &bytes)
}

pub fn render_all(analysis: &Analysis) -> String {
    let source = (!analysis.source.text.is_empty()).then_some(&analysis.source);
    analysis
        .diagnostics
        .iter()
        .map(|d| diagnostics::render(d, source, RenderStyle::PLAIN))
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn snapshot_settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(root().join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s
}

/// Invariants every analysis keeps, whatever the input: a panic never escapes as an internal
/// error, the IR exists exactly when there is no error, and every label points inside the text.
pub fn assert_well_formed(analysis: &Analysis, what: &str) {
    let text = &analysis.source.text;
    for d in &analysis.diagnostics {
        assert_ne!(d.code, "mizan::internal", "{what}: {}", d.message);
        for l in &d.labels {
            let (s, e) = (l.span.start as usize, l.span.end as usize);
            assert!(
                s <= e && e <= text.len(),
                "{what}: label {s}..{e} outside {}",
                text.len()
            );
            assert!(
                text.is_char_boundary(s) && text.is_char_boundary(e),
                "{what}: label splits a character"
            );
        }
    }
    assert_eq!(
        analysis.ir.is_some(),
        analysis.errors() == 0,
        "{what}: IR iff no error"
    );
}

pub fn fixture_path(rel: &str) -> PathBuf {
    root().join(Path::new(rel))
}

/// xorshift64*: small and deterministic, so a failing mutation or permutation reproduces.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}
