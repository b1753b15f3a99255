//! Generation: snapshots of every generated file, determinism, and the CLI's file handling.
//! Each fixture, and each of its generated files, is checked on its own.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{
    analyze_case, analyze_case_for, check_each, check_each_case, files, snapshot_settings, Project,
    Rng,
};
use mizan_generate::emit::{self, Framework, GeneratedFile, KernelSource, Options};
use serde_json::Value;

fn generate_case(case: &str) -> Vec<GeneratedFile> {
    let ir = analyze_case("good", case).ir.expect("valid fixture");
    emit::generate(&ir, &Options::default())
}

#[test]
fn every_generated_file_matches_its_snapshot() {
    check_each_case("good", |case| {
        let files = as_files(generate_case(case));
        assert!(
            ["index.ts", "server.ts", "types.ts", "kernel.ts"]
                .iter()
                .all(|p| files.contains_key(*p)),
            "{case}: {:?}",
            files.keys()
        );
        let paths: Vec<&String> = files.keys().collect();
        check_each(&format!("{case} file"), &paths, |path| {
            check_generated_file(case, &files[*path]);
        });
    });
}

/// The Vue and Svelte outputs of every good fixture: each file that is not what React's output
/// holds at the same path (the framework layer, `index.ts`) against its own snapshot,
/// `gen-<case>-<framework>-<file>`; the Stage 1 files are React's, byte for byte.
#[test]
fn every_framework_file_matches_its_snapshot() {
    check_each_case("good", |case| {
        let react = as_files(generate_case(case));
        for framework in [Framework::Vue, Framework::Svelte] {
            let ir = analyze_case_for("good", case, framework)
                .ir
                .expect("valid fixture");
            let files = as_files(emit::generate(
                &ir,
                &Options {
                    framework,
                    ..Options::default()
                },
            ));
            for stage1 in ["types.ts", "server.ts", "kernel.ts"] {
                assert_eq!(files[stage1], react[stage1], "{case}: {stage1}");
            }
            let own: Vec<&String> = files
                .keys()
                .filter(|p| react.get(*p) != files.get(*p))
                .collect();
            assert!(
                own.iter().all(|p| !p.starts_with("contexts/")),
                "{case}: context files differ: {own:?}"
            );
            check_each(&format!("{case} {} file", framework.name()), &own, |path| {
                check_framework_file(case, framework, &files[*path]);
            });
        }
    });
}

/// A Vue or Svelte file: header and line endings, runtime copies with their imports rewritten
/// to the framework's adapter, no `"use client"`, and the snapshot.
fn check_framework_file(case: &str, framework: Framework, f: &GeneratedFile) {
    assert!(
        f.contents.starts_with(emit::HEADER)
            && f.contents.ends_with('\n')
            && !f.contents.ends_with("\n\n")
            && emit::is_plain(&f.contents),
        "{case}/{}: header, one final newline, plain text",
        f.path
    );
    let adapter = match framework {
        Framework::Vue => "@tanstack/vue-query",
        _ => "@tanstack/svelte-query",
    };
    if let Some(name) = f.path.strip_prefix("runtime/") {
        let source = match name {
            "query.ts" => emit::QUERY_SOURCE,
            "vue.ts" => emit::VUE_SOURCE,
            "vue-forms.ts" => emit::VUE_FORMS_SOURCE,
            "vue-channels.ts" => emit::VUE_CHANNELS_SOURCE,
            "svelte.svelte.ts" => emit::SVELTE_SOURCE,
            "forms.svelte.ts" => emit::SVELTE_FORMS_SOURCE,
            "channels.svelte.ts" => emit::SVELTE_CHANNELS_SOURCE,
            "form-core.ts" | "channel-core.ts" => return,
            other => panic!("{case}: unexpected runtime module {other}"),
        };
        assert_eq!(f, &emit::runtime_module(name, source, "../kernel", adapter));
        assert!(
            !f.contents.contains("\"./kernel\"") && !f.contents.contains("@tanstack/query-core"),
            "{case}/{}: the kernel and TanStack imports are rewritten",
            f.path
        );
        return;
    }
    assert!(
        !f.contents.contains("\"use client\"") && !f.contents.contains("@tanstack/react-query"),
        "{case}/{}: nothing of React",
        f.path
    );
    let name = format!(
        "gen-{case}-{}-{}",
        framework.name(),
        f.path.replace('/', "-")
    );
    snapshot_settings().bind(|| insta::assert_snapshot!(name, f.contents));
}

fn as_files(files: Vec<GeneratedFile>) -> BTreeMap<String, GeneratedFile> {
    files.into_iter().map(|f| (f.path.clone(), f)).collect()
}

/// One generated file: its header and line endings; the kernel and runtime modules as they are
/// embedded; every other file against its snapshot.
fn check_generated_file(case: &str, f: &GeneratedFile) {
    assert!(
        f.contents.starts_with(emit::HEADER),
        "{case}/{}: no header",
        f.path
    );
    assert!(
        f.contents.ends_with('\n') && !f.contents.ends_with("\n\n"),
        "{case}/{}: not one final newline",
        f.path
    );
    assert!(!f.contents.contains('\r'), "{case}/{}: CR", f.path);
    // Whatever the schema held (fixtures/good/hostile holds all of it).
    assert!(
        emit::is_plain(&f.contents),
        "{case}/{}: a raw control character, line or paragraph separator, or bidirectional control",
        f.path
    );
    if f.path == "kernel.ts" {
        assert_eq!(
            f.contents,
            format!("{}\n{}", emit::HEADER, emit::KERNEL_SOURCE)
        );
        return;
    }
    // The runtime modules are copied as they are but for their imports.
    if let Some(name) = f.path.strip_prefix("runtime/") {
        let source = match name {
            "query.ts" => emit::QUERY_SOURCE,
            "react.tsx" => emit::REACT_SOURCE,
            "forms.ts" => emit::FORMS_SOURCE,
            "channels.ts" => emit::CHANNELS_SOURCE,
            "form-core.ts" => emit::FORM_CORE_SOURCE,
            "channel-core.ts" => emit::CHANNEL_CORE_SOURCE,
            other => panic!("{case}: unexpected runtime module {other}"),
        };
        assert_eq!(
            f,
            &emit::runtime_module(name, source, "../kernel", "@tanstack/react-query")
        );
        assert!(
            f.contents.starts_with(emit::HEADER)
                && !f.contents.contains("\"./kernel\"")
                && !f.contents.contains("@tanstack/query-core"),
            "{case}/{}: the kernel and TanStack imports are rewritten",
            f.path
        );
        return;
    }
    // Generated code can be inlined in an HTML script element.
    assert!(
        !f.contents.to_ascii_lowercase().contains("</script") && !f.contents.contains("<!--"),
        "{case}/{}: `</script` or `<!--`",
        f.path
    );
    if ["react.tsx", "forms.ts", "channels.ts"].contains(&f.path.as_str()) {
        assert!(
            f.contents
                .starts_with(&format!("{}\n\"use client\";\n", emit::HEADER)),
            "{case}/{}: \"use client\" is not the first line after the header",
            f.path
        );
    }
    let name = format!("gen-{case}-{}", f.path.replace('/', "-"));
    snapshot_settings().bind(|| insta::assert_snapshot!(name, f.contents));
}

#[test]
fn stage_two_can_be_left_out() {
    let ir = analyze_case("good", "reference-3.1").ir.expect("valid");
    let paths = |options: &Options| {
        emit::generate(&ir, options)
            .into_iter()
            .map(|f| f.path)
            .collect::<Vec<_>>()
    };
    let all = paths(&Options::default());
    assert!(
        ["react.tsx", "forms.ts", "channels.ts"]
            .iter()
            .all(|p| all.iter().any(|a| a == p)),
        "{all:?}"
    );
    let stage1 = emit::generate(
        &ir,
        &Options {
            framework: Framework::None,
            ..Options::default()
        },
    );
    assert!(
        stage1.iter().all(|f| !f.contents.contains("from \"react\"")
            && !f.contents.contains("@tanstack/")
            && !f.path.starts_with("runtime/")),
        "no React or TanStack Query anywhere"
    );
    assert!(stage1
        .iter()
        .all(|f| !["react.tsx", "forms.ts", "channels.ts"].contains(&f.path.as_str())));
    let index = &stage1
        .iter()
        .find(|f| f.path == "index.ts")
        .expect("index")
        .contents;
    assert!(!index.contains("./react"));
    let no_forms = paths(&Options {
        forms: false,
        channels: false,
        ..Options::default()
    });
    assert!(
        no_forms.contains(&"react.tsx".to_owned())
            && !no_forms.contains(&"forms.ts".to_owned())
            && !no_forms.contains(&"channels.ts".to_owned())
    );
    // A schema without forms or channels never needs Zod or channel code.
    let types = analyze_case("good", "types-3.1").ir.expect("valid");
    let files: Vec<String> = emit::generate(&types, &Options::default())
        .into_iter()
        .map(|f| f.path)
        .collect();
    assert!(!files.contains(&"forms.ts".to_owned()) && !files.contains(&"channels.ts".to_owned()));
}

#[test]
fn private_functions_and_unreachable_types_generate_nothing() {
    let files = generate_case("reference-3.1");
    let all: String = files
        .iter()
        .filter(|f| f.path != "kernel.ts")
        .map(|f| f.contents.as_str())
        .collect();
    assert!(!all.contains("internal_stats") && !all.contains("InternalStats"));
    let types = generate_case("types-3.1");
    let types_ts = &types
        .iter()
        .find(|f| f.path == "types.ts")
        .expect("types.ts")
        .contents;
    assert!(!types_ts.contains("Unused") && !types_ts.contains("Secret"));
}

#[test]
fn a_package_kernel_is_imported_instead_of_written() {
    let ir = analyze_case("good", "reference-3.1").ir.expect("valid");
    let files = emit::generate(
        &ir,
        &Options {
            kernel: KernelSource::Package("@mizan/base".into()),
            ..Options::default()
        },
    );
    assert!(files.iter().all(|f| f.path != "kernel.ts"));
    let react = &files
        .iter()
        .find(|f| f.path == "react.tsx")
        .expect("react")
        .contents;
    assert!(
        react.contains("} from \"@mizan/base\";"),
        "the React layer imports the package too"
    );
    let server = &files
        .iter()
        .find(|f| f.path == "server.ts")
        .expect("server")
        .contents;
    assert!(server.contains("from \"@mizan/base\";") && !server.contains("./kernel"));
    for f in files.iter().filter(|f| f.path.starts_with("runtime/")) {
        assert!(
            !f.contents.contains("\"./kernel\"") && !f.contents.contains("\"../kernel\""),
            "{} imports the package kernel",
            f.path
        );
    }
    let user = &files
        .iter()
        .find(|f| f.path == "contexts/user.ts")
        .expect("user")
        .contents;
    assert!(user.contains("} from \"@mizan/base\";") && !user.contains("../kernel"));
}

/// Reorders the members of every object (arrays keep their order: it means something there).
fn permute(v: &mut Value, rng: &mut Rng) {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
            for i in (1..entries.len()).rev() {
                entries.swap(i, (rng.next() % (i as u64 + 1)) as usize);
            }
            for (k, mut v) in entries {
                permute(&mut v, rng);
                map.insert(k, v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| permute(i, rng)),
        _ => {}
    }
}

fn as_map(files: Vec<GeneratedFile>) -> BTreeMap<String, String> {
    files.into_iter().map(|f| (f.path, f.contents)).collect()
}

#[test]
fn output_is_deterministic_and_independent_of_key_order() {
    check_each_case("good", |case| {
        let first = as_map(generate_case(case));
        assert_eq!(
            first,
            as_map(generate_case(case)),
            "{case}: two runs differ"
        );
        let doc: Value = common::read_schema_value("good", case);
        for seed in 1..=5u64 {
            let mut shuffled = doc.clone();
            permute(
                &mut shuffled,
                &mut Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
            );
            assert_ne!(
                shuffled.to_string(),
                doc.to_string(),
                "{case}: permutation {seed} changed nothing"
            );
            let bytes = serde_json::to_vec_pretty(&shuffled).expect("serialise");
            let at = common::fixture_path(&common::schema_rel("good", case));
            let analysis = common::analyze_at("permuted.json", &bytes, &at);
            let ir = analysis.ir.unwrap_or_else(|| {
                panic!(
                    "{case}: permuted copy {seed} rejected: {:?}",
                    analysis.diagnostics
                )
            });
            assert_eq!(
                first,
                as_map(emit::generate(&ir, &Options::default())),
                "{case}: key order {seed} changed the output"
            );
        }
    });
}

fn run(args: &[&str]) -> std::process::Output {
    common::mizan(&common::root())
        .args(args)
        .output()
        .expect("run")
}

#[test]
fn cli_writes_changed_files_only_and_keeps_the_output_on_bad_input() {
    let p = Project::new("generate");
    p.write("notes.md", "mine");
    let dir = &p.dir;
    let out = dir.to_string_lossy().into_owned();

    let first = run(&[
        "--schema",
        "fixtures/good/reference-3.1/schema.json",
        "--out",
        &out,
    ]);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("16 files (16 written, 0 unchanged)"));
    let before = files(dir);
    assert_eq!(
        before.len(),
        18,
        "16 generated files, the manifest, and notes.md"
    );
    assert!(before.contains_key(Path::new(".mizan-generate.json")));

    let second = run(&[
        "--schema",
        "fixtures/good/reference-3.1/schema.json",
        "--out",
        &out,
    ]);
    assert!(String::from_utf8_lossy(&second.stdout).contains("16 files (0 written, 16 unchanged)"));
    assert_eq!(files(dir), before, "no file rewritten");

    for bad in [
        "fixtures/bad/many-problems/schema.json",
        "fixtures/bad/binary-garbage/schema.json",
        "fixtures/does-not-exist.json",
    ] {
        let r = run(&["--schema", bad, "--out", &out]);
        assert_eq!(r.status.code(), Some(1), "{bad}");
        assert!(
            String::from_utf8_lossy(&r.stderr).contains("mizan::"),
            "{bad}"
        );
        assert_eq!(files(dir), before, "{bad}: the output directory changed");
    }
    assert_eq!(
        run(&["--schema", "fixtures/good/reference-3.1/schema.json"])
            .status
            .code(),
        Some(2),
        "--out is required"
    );
}

#[test]
fn the_types_import_follows_the_types_not_the_text() {
    // Nothing refers to types.ts, but a description says "T.": no unused types import.
    let doc = serde_json::json!({
        "openapi": "3.1.0",
        "info": { "title": "t", "version": "1" },
        "paths": {},
        "x-mizan-version": 1,
        "x-mizan-functions": [{
            "name": "ping",
            "input": null,
            "output": { "type": "string" },
            "description": "Asks T. Smith whether the server is up.",
        }],
        "x-mizan-channels": [{
            "name": "ticks",
            "params": { "type": "object", "properties": {} },
            "serverMessage": { "type": "integer" },
            "description": "T. minus ten.",
        }],
    });
    let analysis = mizan_generate::analyze("t.json", doc.to_string().as_bytes());
    let ir = analysis
        .ir
        .unwrap_or_else(|| panic!("{:?}", analysis.diagnostics));
    let files = emit::generate(&ir, &Options::default());
    for path in ["react.tsx", "server.ts", "channels.ts"] {
        let f = files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path}"));
        if path != "channels.ts" {
            assert!(
                f.contents.contains("T. "),
                "{path}: the description is there"
            );
        }
        assert!(
            !f.contents.contains("import type * as T"),
            "{path} imports types.ts for nothing:\n{}",
            f.contents
        );
    }
}

#[test]
fn an_upload_with_a_page_argument_is_no_paged_read() {
    // Uploads are calls, never queries: neither file offers infinite query options for one,
    // whatever its argument names.
    let doc = serde_json::json!({
        "openapi": "3.1.0",
        "info": { "title": "t", "version": "1" },
        "paths": {},
        "x-mizan-functions": [{
            "name": "import_rows",
            "upload": true,
            "input": {
                "type": "object",
                "properties": { "cursor": { "type": "string" }, "file": { "type": "string", "format": "binary" } },
                "required": ["file"],
            },
            "output": { "type": "integer" },
        }],
    });
    let analysis = mizan_generate::analyze("t.json", doc.to_string().as_bytes());
    let ir = analysis
        .ir
        .unwrap_or_else(|| panic!("{:?}", analysis.diagnostics));
    let files = as_map(emit::generate(&ir, &Options::default()));
    for path in ["react.tsx", "server.ts"] {
        assert!(
            !files[path].contains("importRowsInfiniteQuery"),
            "{path}:\n{}",
            files[path]
        );
    }
    assert!(files["server.ts"].contains("export function callImportRows("));
}

/// Rewrites every `#/components/schemas/<Name>...` reference in `value` with `to(index of Name,
/// rest of the pointer)`, and every other local reference `#...` with `other` + `#...`.
fn rewrite_refs(
    value: &mut Value,
    names: &[String],
    to: &dyn Fn(usize, &str) -> String,
    other: &str,
) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "$ref" {
                    if let Some(r) = v.as_str() {
                        if let Some(rest) = r.strip_prefix("#/components/schemas/") {
                            let (name, tail) = rest.split_once('/').unwrap_or((rest, ""));
                            let name = name.replace("~1", "/").replace("~0", "~");
                            if let Some(i) = names.iter().position(|n| *n == name) {
                                let tail = if tail.is_empty() {
                                    String::new()
                                } else {
                                    format!("/{tail}")
                                };
                                *v = Value::String(to(i, &tail));
                                continue;
                            }
                        }
                        if r.starts_with('#') {
                            *v = Value::String(format!("{other}{r}"));
                        }
                    }
                } else if !matches!(
                    key.as_str(),
                    "example" | "examples" | "default" | "enum" | "const"
                ) {
                    rewrite_refs(v, names, to, other);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| rewrite_refs(v, names, to, other)),
        _ => {}
    }
}

/// Every good fixture, split into one file per schema (each schema's references made file
/// references, the root's schemas made references to their files, and the extensions'
/// references pointed at the files too), generates exactly what the single document does.
#[test]
fn a_description_split_over_files_generates_what_the_single_document_does() {
    check_each_case("good", |case| {
        let doc: Value = common::read_schema_value("good", case);
        let Some(schemas) = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        else {
            return;
        };
        if case == "multi-file" {
            return;
        }
        let names: Vec<String> = schemas.keys().cloned().collect();
        let p = Project::new(&format!("split-{case}"));
        for (i, name) in names.iter().enumerate() {
            let mut schema = schemas[name].clone();
            rewrite_refs(
                &mut schema,
                &names,
                &|j, tail| format!("./{j}.json#{tail}"),
                "../schema.json",
            );
            p.write(
                &format!("schemas/{i}.json"),
                &serde_json::to_string_pretty(&schema).expect("json"),
            );
        }
        let mut root = doc.clone();
        rewrite_refs(
            &mut root,
            &names,
            &|j, tail| format!("schemas/{j}.json#{tail}"),
            "",
        );
        let components = root
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
            .expect("schemas");
        for (i, name) in names.iter().enumerate() {
            components.insert(
                name.clone(),
                serde_json::json!({"$ref": format!("./schemas/{i}.json")}),
            );
        }
        let text = serde_json::to_string_pretty(&root).expect("json");
        p.write("schema.json", &text);
        let analysis =
            common::analyze_at("schema.json", text.as_bytes(), &p.dir.join("schema.json"));
        let Some(ir) = &analysis.ir else {
            panic!(
                "{case}: the split copy is rejected: {}",
                common::render_all(&analysis)
            )
        };
        let single = as_map(generate_case(case));
        let split = as_map(emit::generate(ir, &Options::default()));
        let differing: Vec<&String> = single
            .keys()
            .chain(split.keys())
            .filter(|f| single.get(*f) != split.get(*f))
            .collect();
        assert!(
            differing.is_empty(),
            "{case}: the split copy generates other {differing:?}"
        );
    });
}
