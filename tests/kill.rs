//! All-or-nothing output. A generation is killed (SIGKILL on Unix) at random instants while it
//! replaces a previous output that differs from it in every file; then, every other time,
//! `--check` must find exactly the old set or exactly the new one (and report any temporary
//! file left over), and the next generation must leave exactly the new set, no temporary file
//! and every user file as it was.
//!
//! The test command runs a short version. The long one, whose numbers are in BENCHMARKS.md:
//! `cargo build --release && MIZAN_KILL_BIN=$PWD/target/release/mizan-generate MIZAN_KILLS=500
//! MIZAN_KILL_FUNCTIONS=2000 cargo test --test kill -- --nocapture`.
//! `MIZAN_KILL_BIN` runs another build of the binary (an older one, to compare).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{files, text, Project, Rng};
use serde_json::{json, Value};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A schema of `functions` functions in contexts of twenty (half of them reads), named with
/// `prefix`, so that two prefixes give two outputs without a file in common: the context files
/// differ by name, and every other file names a context, a function, a type or (`new` only) a
/// channel.
fn schema(prefix: &str, functions: usize) -> String {
    let mut schemas = serde_json::Map::new();
    let mut list = Vec::new();
    let mut contexts = serde_json::Map::new();
    let r = |name: &str| json!({ "$ref": format!("#/components/schemas/{name}") });
    let model = |name: &str| {
        json!({ "type": "object", "title": name, "required": ["id", "name"], "properties": {
            "id": { "type": "integer" }, "name": { "type": "string" },
            "tags": { "type": "array", "items": { "type": "string" } },
            "status": { "enum": ["draft", "live"], "type": "string" } } })
    };
    let contexts_n = functions.div_ceil(20).max(1);
    for i in 0..functions {
        let context = format!("{prefix}_ctx_{}", i % contexts_n);
        let name = format!("{prefix}_fn_{i}");
        let input = format!("{prefix}_Fn{i}Input");
        let output = format!("{prefix}_Fn{i}Output");
        schemas.insert(
            input.clone(),
            json!({ "type": "object", "required": [format!("{context}_id")], "properties": {
                format!("{context}_id"): { "type": "integer" }, "value": { "type": "string" } } }),
        );
        schemas.insert(output.clone(), model(&output));
        let read = i % 2 == 0;
        let entry = contexts.entry(context.clone()).or_insert_with(|| {
            json!({ "functions": [], "params": { format!("{context}_id"): {
                "schema": { "type": "integer" }, "required": true, "sharedBy": [] } } })
        });
        if read {
            entry["functions"]
                .as_array_mut()
                .expect("list")
                .push(json!(name));
            entry["params"][format!("{context}_id")]["sharedBy"]
                .as_array_mut()
                .expect("list")
                .push(json!(name));
        }
        list.push(json!({
            "name": name, "input": r(&input), "output": r(&output), "outputNullable": false,
            "context": if read { json!(context) } else { Value::Null },
            "affects": if read { json!([]) } else { json!([{ "context": context }]) },
            "merge": [], "transport": "http", "auth": null, "rev": 0,
            "cache": if read { json!(60) } else { json!(false) }, "private": false,
            "route": null, "upload": false, "description": format!("{prefix} function {i}."),
        }));
    }
    // A channel, so that index.ts (which re-exports the modules) differs too.
    let channels = if prefix == "new" {
        schemas.insert(format!("{prefix}_Message"), model("Message"));
        json!([{ "name": format!("{prefix}_chat"), "params": null,
            "serverMessage": r(&format!("{prefix}_Message")), "clientMessage": null, "auth": null }])
    } else {
        json!([])
    };
    let doc = json!({
        "openapi": "3.1.0", "info": { "title": prefix, "version": "1" }, "paths": {},
        "components": { "schemas": schemas }, "x-mizan-version": 1,
        "x-mizan-functions": list, "x-mizan-contexts": contexts, "x-mizan-channels": channels,
    });
    serde_json::to_string(&doc).expect("json")
}

/// A file of ours that is not part of an output set: a temporary file or the journal.
fn is_scratch(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.ends_with(".mizan-tmp") || name == ".mizan-generate.journal"
}

type Set = BTreeMap<PathBuf, Vec<u8>>;

/// Files a user keeps in the output directory, some named like temporary files.
const USER_FILES: [(&str, &str); 4] = [
    ("notes.md", "mine\n"),
    ("contexts/mine.ts", "export const mine = 1;\n"),
    (".backup.tmp", "mine\n"),
    (".notes.md.123.tmp", "mine\n"),
];

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum State {
    Old,
    New,
    Mixed,
}

struct Look {
    state: State,
    scratch: Vec<PathBuf>,
    /// Files that hold a strict prefix of what either set has at that path, and not the whole
    /// of what the other has.
    truncated: usize,
    user_files_intact: bool,
}

fn look(dir: &Path, old: &Set, new: &Set) -> Look {
    let mut set = Set::new();
    let mut scratch = Vec::new();
    let mut user = BTreeMap::new();
    for (path, (bytes, _)) in files(dir) {
        if USER_FILES.iter().any(|(p, _)| Path::new(p) == path) {
            user.insert(path, bytes);
        } else if is_scratch(&path) {
            scratch.push(path);
        } else {
            set.insert(path, bytes);
        }
    }
    let truncated: Vec<&PathBuf> = set
        .iter()
        .filter(|(path, bytes)| {
            let whole = [old.get(*path), new.get(*path)];
            let mut whole = whole.iter().flatten();
            !whole.clone().any(|full| full == bytes) && whole.any(|full| full.starts_with(bytes))
        })
        .map(|(path, _)| path)
        .collect();
    if !truncated.is_empty() {
        eprintln!("truncated: {truncated:?}");
    }
    let truncated = truncated.len();
    let state = if &set == old {
        State::Old
    } else if &set == new {
        State::New
    } else {
        State::Mixed
    };
    let user_files_intact = USER_FILES.len() == user.len()
        && USER_FILES
            .iter()
            .all(|(p, t)| user.get(Path::new(p)).is_some_and(|b| b == t.as_bytes()));
    Look {
        state,
        scratch,
        truncated,
        user_files_intact,
    }
}

fn read_set(dir: &Path) -> Set {
    files(dir)
        .into_iter()
        .map(|(path, (bytes, _))| (path, bytes))
        .collect()
}

fn copy_set(set: &Set, dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    for (path, bytes) in set {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }
    for (path, contents) in USER_FILES {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, contents).expect("write");
    }
}

#[derive(Default, Debug)]
struct Counts {
    kills: usize,
    /// What the kill left, before anything looked at it.
    killed_old: usize,
    killed_new: usize,
    killed_mixed: usize,
    killed_with_scratch: usize,
    truncated: usize,
    /// After `--check`.
    checks: usize,
    check_mixed: usize,
    check_silent_scratch: usize,
    check_wrong_verdict: usize,
    /// After the next generation.
    generate_not_new: usize,
    generate_scratch_left: usize,
    user_files_touched: usize,
}

#[test]
fn a_killed_generation_leaves_the_old_or_the_new_output_whole() {
    let kills = env_number("MIZAN_KILLS", 20);
    let functions = env_number("MIZAN_KILL_FUNCTIONS", 60);
    let bin = std::env::var_os("MIZAN_KILL_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_mizan-generate")),
        PathBuf::from,
    );
    let p = Project::new("kill");
    p.write("old.json", &schema("old", functions))
        .write("new.json", &schema("new", functions));
    let run = |args: &[&str]| -> Output {
        Command::new(&bin)
            .current_dir(&p.dir)
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .expect("run")
    };
    // The old output bundles the kernel and the new one imports it, so that even the copied
    // runtime modules differ; kernel.ts and the old contexts are files the new set removes.
    let old_args = ["--schema", "old.json", "--out", "ref-old"];
    let new_args = |out: &'static str| {
        vec![
            "--schema",
            "new.json",
            "--out",
            out,
            "--kernel",
            "@acme/kernel",
        ]
    };
    assert!(run(&old_args).status.success());
    let out = run(&new_args("ref-new"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let old = read_set(&p.path("ref-old"));
    let new = read_set(&p.path("ref-new"));
    for (path, bytes) in &old {
        assert_ne!(
            new.get(path),
            Some(bytes),
            "{path:?} is the same in both sets"
        );
    }
    assert!(new.keys().any(|k| !old.contains_key(k)) && old.keys().any(|k| !new.contains_key(k)));

    let work = p.path("out");
    let generate_args = new_args("out");
    let mut check_args = generate_args.clone();
    check_args.extend(["--check", "--format", "json", "--diff", "none"]);

    // How long a generation over the old set takes, and how long until it starts writing: a
    // generation that finds its output up to date does all but write.
    let timed = |start: &Set| {
        (0..3)
            .map(|_| {
                copy_set(start, &work);
                let started = Instant::now();
                assert!(run(&generate_args).status.success());
                started.elapsed()
            })
            .min()
            .expect("runs")
    };
    let mut whole = timed(&old);
    let mut before_writing = timed(&new);

    let mut rng = Rng(env_number("MIZAN_KILL_SEED", 0x5eed) as u64);
    let mut c = Counts::default();
    let micros = |d: Duration| d.as_micros() as usize;
    for i in 0..kills {
        // The machine's load drifts over a long run: time the phases again now and then, so
        // the kills keep falling inside the run rather than after it.
        if i > 0 && i % 50 == 0 {
            whole = timed(&old);
            before_writing = timed(&new);
        }
        copy_set(&old, &work);
        // Half of the kills fall anywhere in the run, half in its writing phase.
        let at = if i % 2 == 0 {
            rng.below(micros(whole) * 11 / 10 + 1)
        } else {
            let from = micros(before_writing) * 9 / 10;
            from + rng.below((micros(whole) * 12 / 10).saturating_sub(from) + 1)
        };
        let mut child = Command::new(&bin)
            .current_dir(&p.dir)
            .args(&generate_args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_micros(at as u64));
        let _ = child.kill();
        let _ = child.wait();
        c.kills += 1;

        let killed = look(&work, &old, &new);
        c.user_files_touched += usize::from(!killed.user_files_intact);
        match killed.state {
            State::Old => c.killed_old += 1,
            State::New => c.killed_new += 1,
            State::Mixed => c.killed_mixed += 1,
        }
        c.killed_with_scratch += usize::from(!killed.scratch.is_empty());
        c.truncated += killed.truncated;

        // Every other time, --check looks first; then the next generation.
        let after = if (i / 2) % 2 == 0 {
            let check = run(&check_args);
            let after = look(&work, &old, &new);
            let report: Value = serde_json::from_slice(&check.stdout).unwrap_or(Value::Null);
            c.checks += 1;
            c.check_mixed += usize::from(after.state == State::Mixed);
            let reported = report["diagnostics"]
                .as_array()
                .is_some_and(|d| d.iter().any(|d| d["code"] == "mizan::output::stray-temp"));
            c.check_silent_scratch +=
                usize::from(!after.scratch.is_empty() && (!reported || check.status.success()));
            let up_to_date = after.state == State::New && after.scratch.is_empty();
            c.check_wrong_verdict += usize::from(check.status.success() != up_to_date);
            after
        } else {
            killed
        };

        let generated = run(&generate_args);
        let last = look(&work, &old, &new);
        c.generate_not_new += usize::from(!generated.status.success() || last.state != State::New);
        c.generate_scratch_left += usize::from(!last.scratch.is_empty());
        c.user_files_touched += usize::from(!after.user_files_intact || !last.user_files_intact);
    }
    eprintln!(
        "{functions} functions, {} files per set, generation {} ms ({} ms before writing)\n{c:#?}",
        new.len(),
        whole.as_millis(),
        before_writing.as_millis()
    );
    assert_eq!(
        (
            c.truncated,
            c.check_mixed,
            c.check_silent_scratch,
            c.check_wrong_verdict,
            c.generate_not_new,
            c.generate_scratch_left,
            c.user_files_touched
        ),
        (0, 0, 0, 0, 0, 0, 0),
        "{c:#?}"
    );
    assert!(
        c.killed_old > 0 && c.killed_new + c.killed_mixed + c.killed_with_scratch > 0,
        "the kills should fall both before and during writing: {c:#?}"
    );
}
