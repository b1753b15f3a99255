//! `--watch` end to end: edits regenerate, unchanged files are never rewritten, a broken schema
//! keeps the last good output, fixing it regenerates, and Ctrl-C exits cleanly.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{files, Project};

fn wait_for(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn watch_regenerates_on_change_keeps_output_on_errors_and_stops_cleanly() {
    let p = Project::new("watch");
    let dir = &p.dir;
    let fixture = common::reference_schema();
    p.write("schema.json", &fixture);
    p.write("mizan.toml", "[source.file]\npath = \"schema.json\"\n[output]\ndir = \"api\"\n[watch]\ndebounce_ms = 50\n");

    let mut child = p
        .command()
        .arg("--watch")
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
    let server = dir.join("api/server.ts");
    let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
    wait_for("the first generation", Duration::from_secs(20), || {
        read(&server).contains("callAdd")
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
        read(&server).contains("in watch mode")
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
        ["react.tsx", "server.ts"],
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
        || read(&server).contains("fixed."),
    );

    // Ctrl-C: a clean exit.
    assert!(common::interrupt(&child), "kill -INT failed");
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
    let leftovers: Vec<_> = files(dir)
        .into_keys()
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A URL source: polled with If-None-Match; 304s cause no run; a new ETag regenerates; a backend
/// that goes away is one message and the watcher keeps going until it is back.
#[test]
fn watch_polls_a_url_with_etags_and_outlives_the_backend() {
    use std::io::{Read, Write};
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    let fixture = common::reference_schema();
    let version = Arc::new(AtomicUsize::new(1));
    let up = Arc::new(AtomicBool::new(true));
    let not_modified = Arc::new(AtomicUsize::new(0));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    {
        let (version, up, not_modified) = (
            Arc::clone(&version),
            Arc::clone(&up),
            Arc::clone(&not_modified),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut buf = vec![0u8; 8192];
                let n = stream.read(&mut buf).unwrap_or(0);
                if !up.load(Ordering::SeqCst) {
                    // "Down": drop the connection without an answer.
                    continue;
                }
                let request = String::from_utf8_lossy(&buf[..n]).to_lowercase();
                let v = version.load(Ordering::SeqCst);
                let etag = format!("\"v{v}\"");
                if request.contains(&format!("if-none-match: {etag}")) {
                    not_modified.fetch_add(1, Ordering::SeqCst);
                    let _ =
                        stream.write_all(b"HTTP/1.1 304 Not Modified\r\nConnection: close\r\n\r\n");
                    continue;
                }
                let body =
                    fixture.replace("Adds two integers.", &format!("Adds two integers (v{v})."));
                let head = format!("HTTP/1.1 200 OK\r\nETag: {etag}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(body.as_bytes());
            }
        });
    }
    let p = Project::new("watch-url");
    p.write("mizan.toml", &format!("[source.url]\nurl = \"http://127.0.0.1:{port}/schema/\"\ntimeout = 2\n[output]\ndir = \"api\"\n"));
    let mut child = p
        .command()
        .arg("--watch")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let log = Arc::new(Mutex::new(String::new()));
    {
        let log = Arc::clone(&log);
        let stderr = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                log.lock().expect("log").push_str(&(line + "\n"));
            }
        });
    }
    let server = p.path("api/server.ts");
    let read = || std::fs::read_to_string(&server).unwrap_or_default();
    wait_for("the first generation", Duration::from_secs(20), || {
        read().contains("(v1)")
    });
    wait_for(
        "a conditional poll answered 304",
        Duration::from_secs(10),
        || not_modified.load(Ordering::SeqCst) >= 2,
    );
    let mtime = std::fs::metadata(&server)
        .and_then(|m| m.modified())
        .expect("mtime");
    assert!(read().contains("(v1)"));
    assert_eq!(
        std::fs::metadata(&server)
            .and_then(|m| m.modified())
            .expect("mtime"),
        mtime,
        "304: nothing rewritten"
    );

    version.store(2, Ordering::SeqCst);
    wait_for(
        "regeneration on a new ETag",
        Duration::from_secs(10),
        || read().contains("(v2)"),
    );

    up.store(false, Ordering::SeqCst);
    wait_for("the backend-down message", Duration::from_secs(10), || {
        log.lock().expect("log").contains("still watching")
    });
    assert!(
        child.try_wait().expect("wait").is_none(),
        "a backend that is down is not an exit"
    );
    version.store(3, Ordering::SeqCst);
    up.store(true, Ordering::SeqCst);
    wait_for(
        "regeneration once the backend is back",
        Duration::from_secs(10),
        || read().contains("(v3)"),
    );
    assert!(log.lock().expect("log").contains("the backend is back"));
    common::interrupt(&child);
    let _ = child.wait();
}

/// A description split over files: editing a file it refers to regenerates, and so does a
/// file it comes to refer to after an edit.
#[test]
fn watch_follows_the_files_a_description_refers_to() {
    let p = Project::new("watch-refs");
    let dir = &p.dir;
    let root = |file: &str| {
        format!(
            r#"{{"openapi": "3.1.0", "info": {{"title": "t", "version": "1"}},
              "components": {{"schemas": {{"Pet": {{"$ref": "./schemas/{file}"}}}}}}}}"#
        )
    };
    p.write("schema.json", &root("pet.json"));
    p.write(
        "schemas/pet.json",
        r#"{"type": "object", "properties": {"name": {"type": "string"}}}"#,
    );
    p.write(
        "schemas/dog.json",
        r#"{"type": "object", "properties": {"barks": {"type": "boolean"}}}"#,
    );
    p.write("mizan.toml", "[source.file]\npath = \"schema.json\"\n[output]\ndir = \"api\"\n[watch]\ndebounce_ms = 50\n");
    let mut child = p
        .command()
        .arg("--watch")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let types = dir.join("api/types.ts");
    let read = || std::fs::read_to_string(&types).unwrap_or_default();
    wait_for("the first generation", Duration::from_secs(20), || {
        read().contains("name?: string")
    });
    std::thread::sleep(Duration::from_millis(300));
    p.write(
        "schemas/pet.json",
        r#"{"type": "object", "properties": {"nickname": {"type": "string"}}}"#,
    );
    wait_for(
        "the edit of a referred file",
        Duration::from_secs(10),
        || read().contains("nickname?: string"),
    );
    p.write("schema.json", &root("dog.json"));
    wait_for("the new reference", Duration::from_secs(10), || {
        read().contains("barks?: boolean")
    });
    std::thread::sleep(Duration::from_millis(300));
    p.write(
        "schemas/dog.json",
        r#"{"type": "object", "properties": {"wags": {"type": "boolean"}}}"#,
    );
    wait_for(
        "the edit of the newly referred file",
        Duration::from_secs(10),
        || read().contains("wags?: boolean"),
    );
    let _ = child.kill();
    let _ = child.wait();
}

/// `--framework` outlives a reload of the config: a changed `mizan.toml` regenerates with the
/// command line's framework still over the config's.
#[test]
fn watch_keeps_the_command_line_framework_when_the_config_reloads() {
    let p = Project::new("watch-framework");
    let dir = &p.dir;
    p.write("schema.json", &common::reference_schema());
    let config = |out: &str| {
        format!("[source.file]\npath = \"schema.json\"\n[output]\ndir = \"{out}\"\nframework = \"react\"\n[watch]\ndebounce_ms = 50\n")
    };
    p.write("mizan.toml", &config("api"));
    let mut child = p
        .command()
        .args(["--watch", "--framework", "vue"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    wait_for("the first generation", Duration::from_secs(20), || {
        dir.join("api/vue.ts").is_file()
    });
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(dir.join("mizan.toml"), config("api2")).expect("edit");
    wait_for("the regeneration", Duration::from_secs(10), || {
        dir.join("api2/index.ts").is_file()
    });
    std::thread::sleep(Duration::from_millis(200));
    assert!(common::interrupt(&child), "kill -INT failed");
    let _ = child.wait();
    assert!(
        dir.join("api2/vue.ts").is_file(),
        "still Vue after the reload"
    );
    assert!(!dir.join("api2/react.tsx").exists() && !dir.join("api/react.tsx").exists());
}
