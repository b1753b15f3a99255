//! The exported document and the committed fixture (fixtures/good/reference-3.1) must agree:
//! the same client is generated from both, byte for byte, and the `x-mizan-*` metadata says the
//! same things. A function changed here and not there (or the reverse) fails this test.

use std::collections::BTreeMap;

use mizan_generate::emit::{self, Options};
use serde_json::{json, Value};

fn generate(name: &str, bytes: &[u8]) -> BTreeMap<String, String> {
    let analysis = mizan_generate::analyze(name, bytes);
    assert!(
        analysis.diagnostics.is_empty(),
        "{name}: {:?}",
        analysis.diagnostics
    );
    let ir = analysis.ir.expect("valid");
    emit::generate(&ir, &Options::default())
        .into_iter()
        .map(|f| (f.path, f.contents))
        .collect()
}

fn fixture() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/good/reference-3.1/schema.json"
    ))
    .expect("fixture")
}

#[test]
fn the_export_generates_the_same_client_as_the_fixture() {
    let exported =
        serde_json::to_vec_pretty(&mizan_reference_backend::fixture::registry().document())
            .expect("json");
    let from_export = generate("export", &exported);
    let from_fixture = generate("fixture", &fixture());
    assert_eq!(
        from_export.keys().collect::<Vec<_>>(),
        from_fixture.keys().collect::<Vec<_>>()
    );
    for (path, text) in &from_fixture {
        assert_eq!(&from_export[path], text, "{path} differs");
    }
}

/// The extension metadata, in a form where only meaning remains.
fn metadata(doc: &Value) -> Value {
    let functions: BTreeMap<String, Value> = doc["x-mizan-functions"]
        .as_array()
        .expect("functions")
        .iter()
        .map(|f| {
            // Every key the generator reads, but those compared through the generated client.
            let keep: Vec<&str> = mizan_generate::ir::build::FUNCTION_KEYS
                .iter()
                .copied()
                .filter(|k| !["name", "input", "output"].contains(k))
                .collect();
            let meta: BTreeMap<&str, Value> = keep
                .iter()
                .map(|k| (*k, f.get(*k).cloned().unwrap_or(Value::Null)))
                .collect();
            (f["name"].as_str().expect("name").to_owned(), json!(meta))
        })
        .collect();
    let contexts: BTreeMap<String, Value> = doc["x-mizan-contexts"]
        .as_object()
        .expect("contexts")
        .iter()
        .map(|(name, c)| {
            let params: BTreeMap<String, Value> = c["params"]
                .as_object()
                .expect("params")
                .iter()
                .map(|(p, v)| (p.clone(), json!({"required": v["required"], "sharedBy": v["sharedBy"], "type": v["schema"]["type"], "default": v["schema"]["default"]})))
                .collect();
            (name.clone(), json!({"functions": c["functions"], "params": params, "rev": c["rev"], "cache": c["cache"]}))
        })
        .collect();
    json!({"functions": functions, "contexts": contexts, "forms": doc["x-mizan-forms"], "channels": doc["x-mizan-channels"].as_array().map(|c| c.iter().map(|c| c["name"].clone()).collect::<Vec<_>>())})
}

#[test]
fn the_export_declares_the_same_metadata_as_the_fixture() {
    let exported = mizan_reference_backend::fixture::registry().document();
    let committed: Value = serde_json::from_slice(&fixture()).expect("json");
    assert_eq!(metadata(&exported), metadata(&committed));
}
