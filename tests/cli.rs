//! The binary as users run it: exit codes, streams, formats.

mod common;

use std::io::Write;
use std::process::{Output, Stdio};

use common::text;

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = common::mizan(&common::root())
        .args(args)
        // Running without arguments looks for mizan.toml: not above the checkout.
        .env("MIZAN_CONFIG_CEILING", common::root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    if let Some(bytes) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(bytes)
            .expect("write");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait")
}

#[test]
fn valid_schema_prints_a_summary_and_exits_0() {
    let out = run(
        &["validate", "fixtures/good/reference-3.1/schema.json"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "fixtures/good/reference-3.1/schema.json: valid (OpenAPI 3.1): 24 functions (1 private), 3 contexts, 1 channel, 1 form, 30 types\n"
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn invalid_schema_exits_1_with_located_diagnostics() {
    let out = run(
        &[
            "validate",
            "fixtures/bad/unknown-context-in-function/schema.json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("mizan::schema::unknown-context"), "{err}");
    assert!(
        err.contains("[fixtures/bad/unknown-context-in-function/schema.json:"),
        "{err}"
    );
    assert!(err.contains("help: did you mean `user`?"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn every_bad_fixture_exits_1_without_a_panic() {
    common::check_each_case("bad", |case| {
        let out = run(&["validate", &common::schema_rel("bad", case)], None);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{case}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
            "{case}: {err}"
        );
    });
}

#[test]
fn usage_errors_exit_2() {
    // Without arguments the CLI looks for a mizan.toml upwards: here, only inside a directory of
    // its own (see `Project::command`).
    let empty = common::Project::new("usage");
    for args in [
        &["validate"][..],
        &["validate", "a.json", "--format", "xml"],
        &["frobnicate"],
        &[],
    ] {
        let out = empty.run(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn unreadable_file_exits_1_naming_the_path() {
    let out = run(&["validate", "fixtures/does-not-exist.json"], None);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("mizan::io::read-failed") && err.contains("fixtures/does-not-exist.json"),
        "{err}"
    );
}

#[test]
fn reads_standard_input() {
    let doc = br#"{"openapi": "3.1.0", "components": {"schemas": {"A": {"type": "string"}}}}"#;
    let out = run(&["validate", "-"], Some(doc));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("<stdin>: valid (OpenAPI 3.1)"));
}

/// No name says what standard input holds: its first significant character does.
#[test]
fn reads_yaml_from_standard_input_and_locates_its_errors() {
    let doc =
        b"# a comment first\nopenapi: 3.1.0\ncomponents:\n  schemas:\n    A: {type: string}\n";
    let out = run(&["validate", "-"], Some(doc));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("<stdin>: valid (OpenAPI 3.1)"));
    let dup = b"openapi: 3.1.0\ninfo: {}\ninfo: {}\n";
    let out = run(&["validate", "-"], Some(dup));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("mizan::yaml::duplicate-key"), "{err}");
    assert!(err.contains("[<stdin>:3:1]"), "{err}");
}

#[test]
fn json_format_gives_lines_and_columns() {
    let out = run(
        &[
            "validate",
            "--format",
            "json",
            "fixtures/bad/malformed-json/schema.json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(report["valid"], false);
    let d = &report["diagnostics"][0];
    assert_eq!(d["code"], "mizan::json::syntax");
    assert_eq!(
        (
            d["labels"][0]["line"].as_u64(),
            d["labels"][0]["column"].as_u64()
        ),
        (Some(7), Some(3))
    );

    let ok = run(
        &[
            "validate",
            "--format",
            "json",
            "fixtures/good/types-only/schema.json",
        ],
        None,
    );
    let report: serde_json::Value = serde_json::from_slice(&ok.stdout).expect("JSON on stdout");
    assert_eq!(report["valid"], true);
    assert_eq!(report["diagnostics"], serde_json::json!([]));
}

#[cfg(unix)]
#[test]
fn an_endless_input_is_read_only_up_to_the_limit() {
    let started = std::time::Instant::now();
    let out = run(&["validate", "/dev/zero"], None);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("mizan::io::over-limit")
            && err.contains("larger than the limit of 268435456 bytes (256 MiB)")
            && err.contains("`max_bytes`"),
        "{err}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    let json = run(&["validate", "--format", "json", "/dev/zero"], None);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON on stdout");
    assert_eq!(report["diagnostics"][0]["code"], "mizan::io::over-limit");
}

/// A document with five dangling references and one misspelt field: five errors of one code.
fn many_errors() -> Vec<u8> {
    let props: Vec<String> = (0..5)
        .map(|i| format!("\"p{i}\": {{\"$ref\": \"#/components/schemas/Gone{i}\"}}"))
        .collect();
    format!(
        "{{\"openapi\": \"3.1.0\", \"info\": {{\"title\": \"t\", \"version\": \"1\"}}, \"paths\": {{}},\n\"components\": {{\"schemas\": {{\"A\": {{\"type\": \"object\", \"properties\": {{\n{}\n}}}}}}}},\n\"x-mizan-version\": 1, \"x-mizan-functions\": [], \"x-mizan-contexts\": {{}}}}\n",
        props.join(",\n")
    )
    .into_bytes()
}

#[test]
fn many_diagnostics_of_one_code_are_summarised() {
    let out = run(&["validate", "-"], Some(&many_errors()));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert_eq!(
        err.matches("mizan::schema::dangling-ref\n").count(),
        3,
        "{err}"
    );
    common::snapshot_settings().bind(|| insta::assert_snapshot!("cli-summarised", err));
    // JSON lists every one.
    let out = run(&["validate", "--format", "json", "-"], Some(&many_errors()));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(report["diagnostics"].as_array().map(Vec::len), Some(5));
}

#[test]
fn verbose_shows_every_diagnostic() {
    let out = run(&["validate", "--verbose", "-"], Some(&many_errors()));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(!err.contains("more mizan::"), "{err}");
    common::snapshot_settings().bind(|| insta::assert_snapshot!("cli-verbose", err));
}
