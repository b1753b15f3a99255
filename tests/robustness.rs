//! Fuzz-style robustness: truncated, byte-mutated and structurally mutated copies of the good
//! fixtures never panic, never point outside the text, and always end in an IR or an error.
//! The mutations come from a fixed-seed generator, so a failure reproduces.

mod common;

use common::{assert_well_formed, read_schema, Rng};
use serde_json::Value;

#[test]
fn truncated_documents_never_panic() {
    for case in ["reference-3.1", "types-3.1"] {
        let bytes = read_schema("good", case);
        let cuts = (0..bytes.len()).filter(|&i| i < 64 || i % 61 == 0 || i + 64 > bytes.len());
        for cut in cuts {
            let analysis = mizan_generate::analyze("cut.json", &bytes[..cut]);
            assert_well_formed(&analysis, &format!("{case} cut at {cut}"));
            assert!(
                analysis.ir.is_none() || cut + 2 >= bytes.len(),
                "{case}: a prefix of {cut} bytes was accepted"
            );
        }
    }
}

/// Every prefix of the YAML fixture, and byte mutations of it, end in a diagnostic or an IR
/// (a YAML prefix can be a whole document), never in a panic or a label outside the text.
#[test]
fn truncated_and_mutated_yaml_never_panics() {
    const INTERESTING: &[u8] = b"{}[]\"',:-?|>&*!#%@`~ \t\n\x00\xff\xc3";
    let bytes = read_schema("good", "yaml-features");
    for cut in 0..bytes.len() {
        let analysis = mizan_generate::analyze("cut.yaml", &bytes[..cut]);
        assert_well_formed(&analysis, &format!("yaml-features cut at {cut}"));
    }
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    for round in 0..2000 {
        let mut mutant = bytes.clone();
        for _ in 0..=rng.below(3) {
            let at = rng.below(mutant.len());
            mutant[at] = INTERESTING[rng.below(INTERESTING.len())];
        }
        let analysis = mizan_generate::analyze("mutant.yaml", &mutant);
        assert_well_formed(&analysis, &format!("yaml-features mutant {round}"));
    }
}

#[test]
fn byte_mutations_never_panic() {
    const INTERESTING: &[u8] = b"{}[]\",:\\0123456789eE-+.tfn \n\x00\xff\xc3";
    let bytes = read_schema("good", "reference-3.1");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for round in 0..600 {
        let mut copy = bytes.clone();
        for _ in 0..=rng.below(6) {
            let at = rng.below(copy.len());
            match rng.below(3) {
                0 => copy[at] = INTERESTING[rng.below(INTERESTING.len())],
                1 => {
                    copy.remove(at);
                }
                _ => copy.insert(at, INTERESTING[rng.below(INTERESTING.len())]),
            }
        }
        let analysis = mizan_generate::analyze("mutant.json", &copy);
        assert_well_formed(&analysis, &format!("byte mutant {round}"));
    }
}

/// Replaces one randomly chosen value anywhere in the document: the semantic layer sees every
/// kind of wrong type in every position.
#[test]
fn structural_mutations_never_panic() {
    let replacements = || {
        [
            Value::Null,
            Value::Bool(true),
            serde_json::json!(-1),
            serde_json::json!(1.5),
            serde_json::json!("user"),
            serde_json::json!("#/components/schemas/Nope"),
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!([{"context": "user"}]),
            serde_json::json!({"$ref": "#/components/schemas/ProfileOutput"}),
            serde_json::json!({"anyOf": [{"type": "null"}]}),
        ]
    };
    for case in ["reference-3.1", "reference-3.0", "types-3.1", "types-3.0"] {
        let doc: Value = common::read_schema_value("good", case);
        let mut rng = Rng(0xD1B5_4A32_D192_ED03 ^ case.len() as u64);
        for round in 0..250 {
            let mut copy = doc.clone();
            let count = count_nodes(&copy);
            let target = rng.below(count);
            let choices = replacements();
            let replacement = choices[rng.below(choices.len())].clone();
            replace_nth(&mut copy, target, &mut 0, replacement);
            let text = serde_json::to_vec_pretty(&copy).expect("serialise");
            let analysis = mizan_generate::analyze("mutant.json", &text);
            assert_well_formed(&analysis, &format!("{case} structural mutant {round}"));
        }
    }
}

fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(items) => items.iter().map(count_nodes).sum(),
        Value::Object(map) => map.values().map(count_nodes).sum(),
        _ => 0,
    }
}

fn replace_nth(v: &mut Value, target: usize, seen: &mut usize, with: Value) -> bool {
    if *seen == target {
        *v = with;
        return true;
    }
    *seen += 1;
    match v {
        Value::Array(items) => items
            .iter_mut()
            .any(|i| replace_nth(i, target, seen, with.clone())),
        Value::Object(map) => map
            .values_mut()
            .any(|i| replace_nth(i, target, seen, with.clone())),
        _ => false,
    }
}

#[test]
fn deep_but_legal_schemas_are_lowered() {
    // 150 nested arrays inside a schema: within the parser's bound, deep for the lowering pass.
    let depth = 150;
    let schema = format!(
        "{}{{\"type\": \"string\"}}{}",
        "{\"type\": \"array\", \"items\": ".repeat(depth),
        "}".repeat(depth)
    );
    let doc = format!(
        "{{\"openapi\": \"3.1.0\", \"components\": {{\"schemas\": {{\"Deep\": {schema}}}}}}}"
    );
    let analysis = mizan_generate::analyze("deep.json", doc.as_bytes());
    assert_well_formed(&analysis, "deep");
    assert!(analysis.ir.is_some());
}

#[test]
fn self_referencing_schemas_terminate() {
    let doc = br##"{"openapi": "3.1.0", "components": {"schemas": {
        "Loop": {"$ref": "#/components/schemas/Loop"},
        "A": {"allOf": [{"$ref": "#/components/schemas/B"}]},
        "B": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "string"}]},
        "List": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/List"}}},
        "Tagged": {"oneOf": [{"$ref": "#/components/schemas/Tagged"}, {"$ref": "#/components/schemas/List"}], "discriminator": {"propertyName": "t"}}
    }}, "x-mizan-functions": [{"name": "f", "input": {"$ref": "#/components/schemas/Loop"}, "output": {"$ref": "#/components/schemas/List"}}]}"##;
    let analysis = mizan_generate::analyze("cycles.json", doc);
    assert_well_formed(&analysis, "cycles");
    let cycles = analysis
        .diagnostics
        .iter()
        .filter(|d| d.code == "mizan::schema::ref-cycle")
        .count();
    assert_eq!(
        cycles, 3,
        "Loop, A/B and Tagged are alias cycles; List is fine"
    );
}

/// Pointers to unnamed schemas: a long chain and a doubling one end in a diagnostic, not in a
/// stack overflow or an IR of 2^64 nodes.
#[test]
fn pointer_chains_are_bounded() {
    let defs = |n: usize, body: &dyn Fn(usize) -> String| {
        (0..n)
            .map(|i| format!("\"D{i}\": {}", body(i)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let doc = |defs: String| {
        format!(
            "{{\"openapi\": \"3.1.0\", \"$defs\": {{{defs}, \"End\": {{\"type\": \"string\"}}}}, \
             \"components\": {{\"schemas\": {{\"Top\": {{\"$ref\": \"#/$defs/D0\"}}}}}}}}"
        )
    };
    let next = |i: usize, n: usize| {
        if i + 1 == n {
            "End".to_owned()
        } else {
            format!("D{}", i + 1)
        }
    };
    let chain = doc(defs(200, &|i| {
        format!(
            "{{\"type\": \"array\", \"items\": {{\"$ref\": \"#/$defs/{}\"}}}}",
            next(i, 200)
        )
    }));
    let doubling = doc(defs(60, &|i| {
        let r = format!("{{\"$ref\": \"#/$defs/{}\"}}", next(i, 60));
        format!("{{\"type\": \"array\", \"prefixItems\": [{r}, {r}]}}")
    }));
    for (name, doc) in [("chain", chain), ("doubling", doubling)] {
        let analysis = mizan_generate::analyze(name, doc.as_bytes());
        assert_well_formed(&analysis, name);
        assert!(
            analysis
                .diagnostics
                .iter()
                .any(|d| d.code == "mizan::schema::ref-limit"),
            "{name}: {:?}",
            analysis.diagnostics
        );
    }
    // Ten levels of doubling copy about two thousand nodes: fine.
    let fine = doc(defs(10, &|i| {
        let r = format!("{{\"$ref\": \"#/$defs/{}\"}}", next(i, 10));
        format!("{{\"type\": \"array\", \"prefixItems\": [{r}, {r}]}}")
    }));
    let analysis = mizan_generate::analyze("fine", fine.as_bytes());
    assert!(analysis.ir.is_some(), "{:?}", analysis.diagnostics);
}
