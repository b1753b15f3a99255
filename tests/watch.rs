//! `--watch` end to end: edits regenerate, unchanged files are never rewritten, a broken schema
//! keeps the last good output, fixing it regenerates, and Ctrl-C exits cleanly.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

fn wait_for(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn files(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let (Ok(bytes), Ok(meta)) = (std::fs::read(&p), e.metadata()) {
                out.insert(p, (bytes, meta.modified().expect("mtime")));
            }
        }
    }
    out
}

#[test]
fn watch_regenerates_on_change_keeps_output_on_errors_and_stops_cleanly() {
    let dir = std::env::temp_dir().join(format!("mizan-watch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let fixture = std::fs::read_to_string(common::fixture_path(
        "fixtures/good/reference-3.1/schema.json",
    ))
    .expect("fixture");
    std::fs::write(dir.join("schema.json"), &fixture).expect("schema");
    std::fs::write(dir.join("mizan.toml"), "[source.file]\npath = \"schema.json\"\n[output]\ndir = \"api\"\n[watch]\ndebounce_ms = 50\n").expect("config");

    let mut child = Command::new(env!("CARGO_BIN_EXE_mizan-generate"))
        .arg("--watch")
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let log = Arc::new(Mutex::new(String::new()));
    for stream in [
        Box::new(child.stdout.take().expect("stdout")) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().expect("stderr")),
    ] {
        let log = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                log.lock().expect("log").push_str(&(line + "\n"));
            }
        });
    }
    let logged = |s: &str| log.lock().expect("log").contains(s);
    let index = dir.join("api/index.ts");
    let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
    wait_for("the first generation", Duration::from_secs(20), || {
        read(&index).contains("callAdd")
    });
    wait_for("the watcher to start", Duration::from_secs(5), || {
        logged("watching")
    });
    std::thread::sleep(Duration::from_millis(200));

    // An edit regenerates; files whose bytes did not change are not rewritten.
    let before = files(&dir.join("api"));
    std::fs::write(
        dir.join("schema.json"),
        fixture.replace("Adds two integers.", "Adds two integers, in watch mode."),
    )
    .expect("edit");
    wait_for("the regeneration", Duration::from_secs(10), || {
        read(&index).contains("in watch mode")
    });
    std::thread::sleep(Duration::from_millis(200));
    let after = files(&dir.join("api"));
    let mut rewritten_unchanged = Vec::new();
    let mut changed = Vec::new();
    for (path, (bytes, mtime)) in &after {
        let (old_bytes, old_mtime) = &before[path];
        if old_bytes == bytes && old_mtime != mtime {
            rewritten_unchanged.push(path.clone());
        }
        if old_bytes != bytes {
            changed.push(
                path.file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    assert_eq!(
        rewritten_unchanged,
        Vec::<PathBuf>::new(),
        "unchanged files were rewritten"
    );
    changed.sort();
    assert_eq!(
        changed,
        ["index.ts", "react.tsx"],
        "only the files that mention the description"
    );

    // A broken schema: a diagnostic, and the last good output stays.
    let good = files(&dir.join("api"));
    std::fs::write(dir.join("schema.json"), "{ \"openapi\": \"3.1.0\", broken").expect("break");
    wait_for("the diagnostic", Duration::from_secs(10), || {
        logged("mizan::json::syntax")
    });
    assert!(logged("the previous output is kept"));
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        files(&dir.join("api")),
        good,
        "the output was left exactly as it was"
    );

    // Fixed again: regenerated.
    std::fs::write(
        dir.join("schema.json"),
        fixture.replace("Adds two integers.", "Adds two integers, fixed."),
    )
    .expect("fix");
    wait_for(
        "the regeneration after the fix",
        Duration::from_secs(10),
        || read(&index).contains("fixed."),
    );

    // Ctrl-C: a clean exit.
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let start = Instant::now();
    let code = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s.code();
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "did not stop on SIGINT"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code, Some(0));
    wait_for("the goodbye", Duration::from_secs(2), || {
        logged("stopped watching")
    });
    let leftovers: Vec<_> = files(&dir)
        .into_keys()
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
