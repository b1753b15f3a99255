//! The CLI users live in: mizan.toml, every schema source, --check, output ownership and init.
//! Snapshots of what users see, with temporary paths filtered out.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::Project;

fn shown(out: &Output, dir: &Path) -> String {
    let text = format!(
        "exit: {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    text.replace(&dir.display().to_string(), "[PROJECT]")
}

fn snapshot(name: &str, out: &Output, dir: &Path) {
    let mut settings = common::snapshot_settings();
    settings.add_filter(r"in \d+ ms", "in [T] ms");
    settings.bind(|| insta::assert_snapshot!(name, shown(out, dir)));
}

const CONFIG: &str = "[source.file]\npath = \"schema.json\"\n\n[output]\ndir = \"web/src/api\"\n";

#[test]
fn file_source_generates_from_a_parent_directory_and_checks_clean() {
    let p = Project::new("file");
    p.schema("schema.json")
        .write("mizan.toml", CONFIG)
        .write("web/keep.txt", "");
    let out = p.run_in(&p.path("web"), &[]);
    snapshot("cli-file-source", &out, &p.dir);
    assert!(
        p.path("web/src/api/react.tsx").is_file(),
        "paths resolve against the config file"
    );
    let check = p.run(&["--check"]);
    assert_eq!(check.status.code(), Some(0));
    snapshot("cli-check-clean", &check, &p.dir);
}

#[test]
fn check_reports_changed_missing_and_extra_files_and_the_fix() {
    let p = Project::new("check");
    p.schema("schema.json").write("mizan.toml", CONFIG);
    assert_eq!(p.run(&[]).status.code(), Some(0));
    // Changed: the schema changes. Missing: a generated file deleted. Extra: channels.ts is no
    // longer generated once the schema has no channel.
    let mut schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p.path("schema.json")).expect("read"))
            .expect("json");
    schema["x-mizan-channels"] = serde_json::json!([]);
    for f in schema["x-mizan-functions"]
        .as_array_mut()
        .expect("functions")
    {
        if f["name"] == "add" {
            f["description"] = "Adds two integers, exactly.".into();
        }
    }
    p.write(
        "schema.json",
        &serde_json::to_string_pretty(&schema).expect("json"),
    );
    std::fs::remove_file(p.path("web/src/api/contexts/items.ts")).expect("rm");
    let before = std::fs::read(p.path("web/src/api/index.ts")).expect("index");

    let check = p.run(&["--check"]);
    assert_eq!(check.status.code(), Some(1));
    snapshot("cli-check-drift", &check, &p.dir);
    assert_eq!(
        std::fs::read(p.path("web/src/api/index.ts")).expect("index"),
        before,
        "--check writes nothing"
    );
    snapshot(
        "cli-check-drift-stat",
        &p.run(&["--check", "--diff", "stat"]),
        &p.dir,
    );

    let json = p.run(&["--check", "--format", "json", "--diff", "none"]);
    snapshot("cli-check-json", &json, &p.dir);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json report");
    assert_eq!(report["clean"], false);
    assert_eq!(report["missing"], serde_json::json!(["contexts/items.ts"]));
    assert_eq!(
        report["extra"],
        serde_json::json!(["channels.ts", "runtime/channels.ts"])
    );
    // index.ts no longer re-exports channels; server.ts has the new description.
    let changed: Vec<&str> = report["changed"]
        .as_array()
        .expect("changed")
        .iter()
        .filter_map(|c| c["path"].as_str())
        .collect();
    assert!(
        changed.contains(&"index.ts") && changed.contains(&"server.ts"),
        "{changed:?}"
    );
    assert!(report["fix"]
        .as_str()
        .unwrap_or_default()
        .starts_with("mizan-generate --config "));

    let fixed = p.run(&[]);
    assert!(
        String::from_utf8_lossy(&fixed.stdout).contains("2 removed"),
        "the stale owned files go"
    );
    assert!(!p.path("web/src/api/channels.ts").exists());
    assert!(!p.path("web/src/api/runtime/channels.ts").exists());
    assert_eq!(p.run(&["--check"]).status.code(), Some(0));
}

#[test]
fn files_the_generator_does_not_own_are_never_replaced_without_force() {
    let p = Project::new("own");
    p.schema("schema.json")
        .write("mizan.toml", CONFIG)
        .write("web/src/api/types.ts", "// mine\n")
        .write("web/src/api/notes.md", "mine");
    let refused = p.run(&[]);
    assert_eq!(refused.status.code(), Some(1));
    snapshot("cli-not-owned", &refused, &p.dir);
    assert_eq!(
        std::fs::read_to_string(p.path("web/src/api/types.ts")).expect("read"),
        "// mine\n"
    );
    assert!(
        !p.path("web/src/api/index.ts").exists(),
        "nothing was written"
    );
    assert_eq!(p.run(&["--force"]).status.code(), Some(0));
    assert!(std::fs::read_to_string(p.path("web/src/api/types.ts"))
        .expect("read")
        .starts_with("// Generated"));
    assert_eq!(
        std::fs::read_to_string(p.path("web/src/api/notes.md")).expect("read"),
        "mine"
    );
}

#[test]
fn config_errors_are_located_and_exit_2() {
    let p = Project::new("config-errors");
    for (name, text) in [
        (
            "unknown-key",
            "[source.file]\npath = \"schema.json\"\n\n[output]\ndirr = \"src/api\"\n",
        ),
        (
            "two-sources",
            "[source.file]\npath = \"a.json\"\n\n[source.url]\nurl = \"http://127.0.0.1:1/\"\n",
        ),
        (
            "wrong-type",
            "[source.file]\npath = \"schema.json\"\n\n[output]\nreact = \"yes\"\n",
        ),
        ("syntax", "[source.file\npath = \"schema.json\"\n"),
        (
            "unknown-framework",
            "[source.file]\npath = \"schema.json\"\n\n[output]\nframework = \"veu\"\n",
        ),
        (
            "framework-conflict",
            "[source.file]\npath = \"schema.json\"\n\n[output]\nreact = false\nframework = \"vue\"\n",
        ),
    ] {
        p.write("mizan.toml", text);
        let out = p.run(&[]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        snapshot(&format!("cli-config-{name}"), &out, &p.dir);
    }
    std::fs::remove_file(p.path("mizan.toml")).expect("rm");
    // The search stops at $MIZAN_CONFIG_CEILING, here below a directory that has a config.
    let none = Project::new("no-config");
    none.write("mizan.toml", CONFIG)
        .write("nested/keep.txt", "");
    let nested = none.path("nested");
    let out = common::mizan(&nested)
        .arg("--check")
        .env("MIZAN_CONFIG_CEILING", &nested)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("mizan::config::not-found"));
    assert!(
        !String::from_utf8_lossy(&none.run_in(&nested, &["--check"]).stderr)
            .contains("mizan::config::not-found"),
        "the ceiling directory itself is searched"
    );
    let bad_schema = Project::new("bad-schema");
    bad_schema
        .write("schema.json", "{\"openapi\": 3}")
        .write("mizan.toml", CONFIG);
    assert_eq!(
        bad_schema.run(&["--check"]).status.code(),
        Some(2),
        "--check: input errors exit 2"
    );
    assert_eq!(
        bad_schema.run(&[]).status.code(),
        Some(1),
        "generation: invalid input exits 1"
    );
}

#[test]
fn paths_are_shown_from_the_current_directory_and_hints_say_what_they_are_relative_to() {
    let p = Project::new("paths");
    p.write(
        "mizan.toml",
        "[source.file]\npath = \"missing.json\"\n\n[output]\ndir = \"web/src/api\"\n",
    )
    .write("web/keep.txt", "");
    let out = p.run_in(&p.path("web"), &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read `../missing.json`")
            && stderr.contains("check the path in ../mizan.toml; paths there are relative to that file's directory"),
        "a mizan.toml entry: {stderr}"
    );

    let out = p.run(&["--schema", "missing.json", "--out", "api"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read `missing.json`")
            && stderr.contains("relative paths are resolved from the current directory"),
        "a command-line argument: {stderr}"
    );
}

#[test]
fn command_django_and_fastapi_sources_run_the_export() {
    let py = common::python();
    let p = Project::new("commands");
    p.schema("backend/schema.json");
    let print = "import pathlib, sys\nsys.stdout.write(pathlib.Path(__file__).resolve().parent.joinpath('schema.json').read_text())\n";
    p.write("backend/export.py", print);
    p.write("backend/manage.py", &format!("import sys\nif sys.argv[1:] != ['export_mizan_schema']:\n    sys.exit('unexpected arguments: %r' % sys.argv[1:])\n{print}"));
    p.write("backend/mizan_fastapi/__init__.py", "");
    p.write(
        "backend/mizan_fastapi/cli.py",
        "import pathlib, sys\nassert sys.argv[1:] == ['app.main'], sys.argv\nsys.stdout.write(pathlib.Path('schema.json').read_text())\n",
    );
    for (kind, table) in [
        ("command", format!("[source.command]\ncommand = [\"{py}\", \"backend/export.py\"]\n")),
        ("django", format!("[source.django]\nmanage_path = \"backend/manage.py\"\ncommand = [\"{py}\"]\nenv = {{ DJANGO_SETTINGS_MODULE = \"x\" }}\n")),
        ("fastapi", format!("[source.fastapi]\nmodule = \"app.main\"\ncwd = \"backend\"\ncommand = [\"{py}\"]\n")),
    ] {
        p.write("mizan.toml", &format!("{table}\n[output]\ndir = \"out-{kind}\"\n"));
        let out = p.run(&[]);
        assert_eq!(out.status.code(), Some(0), "{kind}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(p.path(&format!("out-{kind}/index.ts")).is_file(), "{kind}");
        snapshot(&format!("cli-source-{kind}"), &out, &p.dir);
    }
    p.write("backend/fail.py", "import sys\nprint('Traceback (most recent call last):', file=sys.stderr)\nprint('ImportError: No module named django', file=sys.stderr)\nsys.exit(3)\n");
    p.write(
        "mizan.toml",
        &format!("[source.command]\ncommand = [\"{py}\", \"backend/fail.py\"]\n"),
    );
    let failed = p.run(&[]);
    assert_eq!(failed.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&failed.stderr).replace(py, "PYTHON");
    let shown = stderr.replace(&p.dir.display().to_string(), "[PROJECT]");
    common::snapshot_settings()
        .bind(|| insta::assert_snapshot!("cli-source-command-failed", shown));
    assert!(
        stderr.contains("mizan::source::command-failed") && stderr.contains("exited with status 3"),
        "{stderr}"
    );
    assert!(
        stderr.contains("ImportError: No module named django"),
        "the export's stderr is shown: {stderr}"
    );
    p.write(
        "mizan.toml",
        "[source.command]\ncommand = [\"no-such-program-xyz\"]\n",
    );
    assert!(
        String::from_utf8_lossy(&p.run(&[]).stderr).contains("mizan::source::command-not-found")
    );
}

#[test]
fn url_sources_fetch_with_headers_and_report_an_unreachable_backend() {
    let (port, requests) = serve(vec![("/api/mizan/schema/", common::reference_schema())]);
    let p = Project::new("url");
    p.write("mizan.toml", &format!("[source.url]\nurl = \"http://127.0.0.1:{port}/api/mizan/schema/\"\nheaders = {{ Authorization = \"Bearer dev\" }}\ntimeout = 5\n"));
    let out = p.run(&[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let request = requests.try_iter().next().expect("a request");
    assert!(request.starts_with("get /api/mizan/schema/ "), "{request}");
    assert!(
        request.contains("authorization: bearer dev"),
        "configured headers are sent: {request}"
    );
    assert!(p.path("src/api/index.ts").is_file());

    p.write(
        "mizan.toml",
        "[source.url]\nurl = \"http://127.0.0.1:1/schema/\"\ntimeout = 2\n",
    );
    let down = p.run(&[]);
    assert_eq!(down.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&down.stderr);
    assert!(
        stderr.contains("mizan::source::unreachable") && stderr.contains("is the backend running?"),
        "{stderr}"
    );
}

#[test]
fn init_detects_the_project_and_never_overwrites() {
    let django = Project::new("init-django");
    django.write("backend/manage.py", "");
    let out = django.run(&["init"]);
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(django.path("mizan.toml")).expect("written");
    common::snapshot_settings().bind(|| insta::assert_snapshot!("init-django", text));
    let again = django.run(&["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(django.path("mizan.toml")).expect("kept"),
        text,
        "refuses to overwrite"
    );

    let fastapi = Project::new("init-fastapi");
    fastapi.write(
        "app/main.py",
        "from fastapi import FastAPI\napp = FastAPI()\n",
    );
    assert_eq!(fastapi.run(&["init"]).status.code(), Some(0));
    let text = std::fs::read_to_string(fastapi.path("mizan.toml")).expect("written");
    common::snapshot_settings().bind(|| insta::assert_snapshot!("init-fastapi", text));

    let plain = Project::new("init-file");
    assert_eq!(plain.run(&["init"]).status.code(), Some(0));
    let text = std::fs::read_to_string(plain.path("mizan.toml")).expect("written");
    common::snapshot_settings().bind(|| insta::assert_snapshot!("init-file", text));

    // Every starter parses.
    for p in [&django, &fastapi, &plain] {
        let text = std::fs::read_to_string(p.path("mizan.toml")).expect("read");
        assert!(
            mizan_generate::config::parse(&p.path("mizan.toml"), &text).is_ok(),
            "{text}"
        );
    }
}

/// Where a virtualenv keeps its interpreter, on this system.
const VENV_PYTHON: &str = if cfg!(windows) {
    "Scripts/python.exe"
} else {
    "bin/python"
};

/// Runs `init` (with `$VIRTUAL_ENV` when given) and answers the `command` it wrote, as the
/// config resolves it, and what it printed.
fn init_python(p: &Project, virtual_env: Option<&Path>) -> (String, PathBuf, String) {
    let mut command = p.command();
    command.arg("init");
    if let Some(env) = virtual_env {
        command.env("VIRTUAL_ENV", env);
    }
    let out = command.output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(p.path("mizan.toml")).expect("written");
    let written = text
        .lines()
        .find_map(|l| l.strip_prefix("command = [\""))
        .and_then(|l| l.split('"').next())
        .expect("a command")
        .to_owned();
    let settings = mizan_generate::config::parse(&p.path("mizan.toml"), &text).expect("parses");
    let mizan_generate::config::Source::Command { argv, .. } = settings.source else {
        panic!("a command source")
    };
    std::fs::remove_file(p.path("mizan.toml")).expect("rm");
    (
        written,
        PathBuf::from(&argv[0]),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn init_finds_the_project_virtualenv() {
    // .venv beside manage.py, written relative to mizan.toml and resolved against it.
    let p = Project::new("init-venv");
    p.write("backend/manage.py", "")
        .write(&format!("backend/.venv/{VENV_PYTHON}"), "");
    let (written, resolved, said) = init_python(&p, None);
    assert_eq!(written, format!("backend/.venv/{VENV_PYTHON}"));
    assert_eq!(resolved, p.path(&written));
    assert!(
        said.contains(&format!(
            "python: backend/.venv/{VENV_PYTHON}, the virtualenv in backend/.venv/"
        )),
        "{said}"
    );

    // venv/ in the project directory, for a FastAPI app.
    let p = Project::new("init-venv-plain");
    p.write("app/main.py", "app = FastAPI()\n")
        .write(&format!("venv/{VENV_PYTHON}"), "");
    let (written, _, said) = init_python(&p, None);
    assert_eq!(written, format!("venv/{VENV_PYTHON}"));
    assert!(said.contains("the virtualenv in venv/"), "{said}");

    // $VIRTUAL_ENV comes first: relative when inside the project, absolute outside it.
    let p = Project::new("init-venv-active");
    p.write("backend/manage.py", "")
        .write(&format!("backend/.venv/{VENV_PYTHON}"), "")
        .write(&format!("envs/dev/{VENV_PYTHON}"), "");
    let (written, resolved, said) = init_python(&p, Some(&p.path("envs/dev")));
    assert_eq!(written, format!("envs/dev/{VENV_PYTHON}"));
    assert!(said.contains("the virtualenv in $VIRTUAL_ENV"), "{said}");
    assert_eq!(
        std::fs::canonicalize(resolved).expect("exists"),
        std::fs::canonicalize(p.path(&written)).expect("exists")
    );
    let elsewhere = Project::new("init-venv-elsewhere");
    elsewhere.write(VENV_PYTHON, "");
    let (written, _, _) = init_python(&p, Some(&elsewhere.dir));
    let outside = std::fs::canonicalize(elsewhere.dir.join(VENV_PYTHON)).expect("exists");
    assert_eq!(Path::new(&written), outside, "absolute outside the project");

    // None: `python` from PATH, and init says so.
    let p = Project::new("init-venv-none");
    p.write("backend/manage.py", "");
    let (written, resolved, said) = init_python(&p, Some(&p.path("no-such-env")));
    assert_eq!(
        (written.as_str(), resolved.as_path()),
        ("python", Path::new("python"))
    );
    assert!(
        said.contains("`python` from PATH, as no virtualenv was found"),
        "{said}"
    );
}

/// The interpreter init writes runs from any directory of the project: a relative program is
/// resolved against mizan.toml's directory, not the command's working directory.
#[cfg(unix)]
#[test]
fn the_virtualenv_init_finds_runs_from_a_subdirectory() {
    use std::os::unix::fs::PermissionsExt;
    let py = common::python();
    let p = Project::new("init-venv-runs");
    p.schema("backend/schema.json");
    p.write("backend/manage.py", "import pathlib, sys\nassert sys.argv[1:] == ['export_mizan_schema']\nsys.stdout.write(pathlib.Path(__file__).resolve().parent.joinpath('schema.json').read_text())\n");
    let venv_python = p.path("backend/.venv/bin/python");
    p.write(
        "backend/.venv/bin/python",
        &format!("#!/bin/sh\nexec {py} \"$@\"\n"),
    );
    std::fs::set_permissions(&venv_python, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    p.write("web/keep.txt", "");
    assert_eq!(p.run(&["init"]).status.code(), Some(0));
    let out = p.run_in(&p.path("web"), &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(p.path("src/api/index.ts").is_file());
}

#[test]
fn the_legacy_javascript_config_is_read_through_node() {
    common::node();
    let py = common::python();
    let p = Project::new("legacy");
    p.schema("backend/schema.json");
    p.write("django.config.mjs", "export default {\n  source: { file: { path: 'backend/schema.json' } },\n  output: 'frontend/api',\n};\n");
    let out = p.run(&["--config", "django.config.mjs"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(p.path("frontend/api/index.ts").is_file());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("mizan::config::legacy") && stderr.contains("mizan-generate init"),
        "a hint to migrate: {stderr}"
    );

    p.write("backend/manage.py", "import pathlib, sys\nassert sys.argv[1:] == ['export_mizan_schema']\nsys.stdout.write(pathlib.Path(__file__).resolve().parent.joinpath('schema.json').read_text())\n");
    p.write("legacy.config.mjs", &format!("export default {{ source: {{ django: {{ managePath: 'backend/manage.py', command: ['{py}'], env: {{ DJANGO_SETTINGS_MODULE: 'x' }} }} }}, output: {{ dir: 'django-api' }} }};\n"));
    let out = p.run(&["--config", "legacy.config.mjs"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(p.path("django-api/react.tsx").is_file());
    p.write("broken.config.mjs", "export default {\n");
    assert_eq!(
        p.run(&["--config", "broken.config.mjs"]).status.code(),
        Some(2)
    );
}

#[test]
fn the_committed_json_schema_of_mizan_toml_is_current() {
    let committed =
        std::fs::read_to_string(common::fixture_path("mizan.schema.json")).unwrap_or_default();
    assert!(
        committed == mizan_generate::config::json_schema(),
        "mizan.schema.json is stale: regenerate it with `cargo run -- config-schema > mizan.schema.json`"
    );
}

#[test]
fn check_never_calls_a_directory_in_disorder_up_to_date() {
    let p = Project::new("order");
    p.schema("schema.json").write("mizan.toml", CONFIG);
    assert_eq!(p.run(&[]).status.code(), Some(0));
    let api = |rel: &str| p.path(&format!("web/src/api/{rel}"));
    let read = |rel: &str| std::fs::read_to_string(api(rel)).expect("read");
    let manifest = read(".mizan-generate.json");

    // The generated files without their manifest: the next generation after a schema change
    // would refuse to replace them.
    std::fs::remove_file(api(".mizan-generate.json")).expect("rm");
    let check = p.run(&["--check"]);
    assert_eq!(check.status.code(), Some(1));
    snapshot("cli-check-no-manifest", &check, &p.dir);
    assert!(
        !api(".mizan-generate.json").exists(),
        "--check writes nothing"
    );
    // The fix it names records them: identical files are adopted.
    assert_eq!(p.run(&[]).status.code(), Some(0));
    assert_eq!(read(".mizan-generate.json"), manifest);
    assert_eq!(p.run(&["--check"]).status.code(), Some(0));

    // A manifest that is not one (a merge conflict): reported, and generation refuses to
    // guess what it owns unless forced.
    std::fs::write(api(".mizan-generate.json"), "<<<<<<< HEAD\n").expect("corrupt");
    let check = p.run(&["--check"]);
    assert_eq!(check.status.code(), Some(1));
    snapshot("cli-check-manifest-corrupt", &check, &p.dir);
    let refused = p.run(&[]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("mizan::output::manifest-corrupt"));
    assert_eq!(
        read(".mizan-generate.json"),
        "<<<<<<< HEAD\n",
        "left as it was"
    );
    assert_eq!(p.run(&["--force"]).status.code(), Some(0));
    assert_eq!(read(".mizan-generate.json"), manifest);

    // Temporary files of a generation stopped before its commit point, of this version and of
    // an older one; and a user's file that only looks like one.
    p.write("web/src/api/contexts/.user.ts.mizan-tmp", "// half")
        .write("web/src/api/.index.ts.4242.tmp", "// half")
        .write("web/src/api/.notes.tmp", "mine");
    let check = p.run(&["--check"]);
    assert_eq!(check.status.code(), Some(1));
    snapshot("cli-check-stray-temp", &check, &p.dir);
    assert!(
        api("contexts/.user.ts.mizan-tmp").exists(),
        "reported, not removed"
    );
    let fixed = p.run(&[]);
    assert_eq!(fixed.status.code(), Some(0));
    snapshot("cli-stray-temp-removed", &fixed, &p.dir);
    assert!(!api("contexts/.user.ts.mizan-tmp").exists() && !api(".index.ts.4242.tmp").exists());
    assert_eq!(read(".notes.tmp"), "mine");
    assert_eq!(p.run(&["--check"]).status.code(), Some(0));

    // A generation stopped after its commit point (its journal written): types.ts not yet
    // renamed into place, stale.ts not yet removed. Whoever looks next completes it.
    let types = read("types.ts");
    p.write("web/src/api/.types.ts.mizan-tmp", &types)
        .write("web/src/api/types.ts", "// old\n")
        .write("web/src/api/stale.ts", "// no longer generated\n")
        .write(
            "web/src/api/.mizan-generate.journal",
            "{\"write\": [\"types.ts\"], \"remove\": [\"stale.ts\"]}\n",
        );
    let check = p.run(&["--check"]);
    assert_eq!(check.status.code(), Some(0));
    snapshot("cli-check-recovered", &check, &p.dir);
    assert_eq!(read("types.ts"), types);
    assert!(!api("stale.ts").exists() && !api(".mizan-generate.journal").exists());

    // A journal that is not one is never acted on.
    p.write(
        "web/src/api/.mizan-generate.journal",
        "{\"write\": [\"../../../mizan.toml\"], \"remove\": []}",
    );
    let refused = p.run(&[]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("mizan::output::journal-corrupt"));
    assert_eq!(
        std::fs::read_to_string(p.path("mizan.toml")).expect("config"),
        CONFIG
    );
}

#[test]
fn an_output_path_that_is_a_file_is_refused() {
    let p = Project::new("out-file");
    p.schema("schema.json").write("api", "not a directory\n");
    let generate = p.run(&["--schema", "schema.json", "--out", "api"]);
    assert_eq!(generate.status.code(), Some(2));
    snapshot("cli-out-not-a-directory", &generate, &p.dir);
    let check = p.run(&["--check", "--schema", "schema.json", "--out", "api"]);
    assert_eq!(check.status.code(), Some(2));
    snapshot("cli-check-out-not-a-directory", &check, &p.dir);
    let json = p.run(&[
        "--check",
        "--format",
        "json",
        "--schema",
        "schema.json",
        "--out",
        "api",
    ]);
    assert_eq!(json.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json report");
    assert_eq!(report["clean"], false);
    assert_eq!(
        report["diagnostics"][0]["code"],
        "mizan::output::not-a-directory"
    );
    assert_eq!(
        std::fs::read_to_string(p.path("api")).expect("read"),
        "not a directory\n"
    );
    // From mizan.toml, the hint names the setting.
    p.write(
        "mizan.toml",
        "[source.file]\npath = \"schema.json\"\n\n[output]\ndir = \"api\"\n",
    );
    let stderr = String::from_utf8_lossy(&p.run(&[]).stderr).into_owned();
    assert!(
        stderr.contains("point `dir` in the [output] table of mizan.toml"),
        "{stderr}"
    );
}

#[test]
fn check_prints_a_json_report_for_input_and_config_errors_too() {
    let p = Project::new("check-json-errors");
    p.write(
        "bad.json",
        "{\"openapi\": \"3.1.0\",\n  \"x-mizan-functions\": 3\n}\n",
    );
    let bad_schema = p.run(&[
        "--check", "--format", "json", "--schema", "bad.json", "--out", "api",
    ]);
    assert_eq!(bad_schema.status.code(), Some(2));
    let report: serde_json::Value =
        serde_json::from_slice(&bad_schema.stdout).expect("a JSON report on stdout");
    assert_eq!(report["clean"], false);
    common::snapshot_settings().bind(|| {
        insta::assert_snapshot!(
            "cli-check-json-bad-schema",
            String::from_utf8_lossy(&bad_schema.stdout)
        )
    });
    p.write(
        "mizan.toml",
        "[source.file]\npath = \"schema.json\"\n\n[output]\ndirr = \"src/api\"\n",
    );
    let bad_config = p.run(&["--check", "--format", "json"]);
    assert_eq!(bad_config.status.code(), Some(2));
    let report: serde_json::Value =
        serde_json::from_slice(&bad_config.stdout).expect("a JSON report on stdout");
    assert_eq!(
        report["diagnostics"][0]["code"],
        "mizan::config::unknown-key"
    );
    common::snapshot_settings().bind(|| {
        insta::assert_snapshot!(
            "cli-check-json-bad-config",
            String::from_utf8_lossy(&bad_config.stdout)
        )
    });
}

#[test]
fn a_schema_over_the_configured_limit_is_refused_without_reading_on() {
    let p = Project::new("limit");
    p.schema("schema.json").write(
        "mizan.toml",
        "[source]\nmax_bytes = 1000\n\n[source.file]\npath = \"schema.json\"\n",
    );
    let out = p.run(&[]);
    assert_eq!(out.status.code(), Some(1));
    snapshot("cli-over-limit", &out, &p.dir);
    assert!(!p.path("src/api").exists(), "nothing was written");
    // An export that never ends is stopped at the limit.
    p.write(
        "mizan.toml",
        "[source]\nmax_bytes = 1000\n\n[source.command]\ncommand = [\"yes\"]\n",
    );
    let started = std::time::Instant::now();
    let out = p.run(&[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("mizan::io::over-limit") && stderr.contains("output of `yes`"),
        "{stderr}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    // Raised, the same document is read.
    p.write(
        "mizan.toml",
        "[source]\nmax_bytes = 10000000\n\n[source.file]\npath = \"schema.json\"\n",
    );
    assert_eq!(p.run(&[]).status.code(), Some(0));
}

/// Serves `files` (path → body) on a local port until the test ends; each request's head, in
/// lower case, is sent on the returned channel.
fn serve(files: Vec<(&'static str, String)>) -> (u16, std::sync::mpsc::Receiver<String>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = vec![0u8; 8192];
            let n = stream.read(&mut buf).unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]).to_lowercase();
            let path = request.split(' ').nth(1).unwrap_or("").to_owned();
            let _ = tx.send(request);
            let (status, body) = match files.iter().find(|(p, _)| *p == path) {
                Some((_, body)) => ("200 OK", body.clone()),
                None => ("404 Not Found", String::new()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
    });
    (port, rx)
}

#[test]
fn a_description_on_a_url_reads_its_references_and_keeps_its_token_at_home() {
    let (other, other_requests) = serve(vec![(
        "/common.json",
        r#"{"components": {"schemas": {"Tag": {"type": "string"}}}}"#.to_owned(),
    )]);
    let root = format!(
        r#"{{"openapi": "3.1.0", "info": {{"title": "t", "version": "1"}},
            "components": {{"schemas": {{
              "Pet": {{"$ref": "./schemas/pet.json"}},
              "Label": {{"type": "object", "properties": {{
                 "tag": {{"$ref": "http://127.0.0.1:{other}/common.json#/components/schemas/Tag"}}}}}}}}}}}}"#
    );
    let (home, home_requests) = serve(vec![
        ("/api/openapi.json", root),
        (
            "/api/schemas/pet.json",
            r#"{"type": "object", "properties": {"name": {"type": "string"}}}"#.to_owned(),
        ),
    ]);
    let p = Project::new("url-refs");
    p.write("mizan.toml", &format!("[source.url]\nurl = \"http://127.0.0.1:{home}/api/openapi.json\"\nheaders = {{ Authorization = \"Bearer dev\" }}\ntimeout = 5\n[output]\ndir = \"api\"\n"));
    let out = p.run(&[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let types = std::fs::read_to_string(p.path("api/types.ts")).expect("types.ts");
    assert!(types.contains("export interface Pet"), "{types}");
    assert!(types.contains("tag?: Tag"), "{types}");
    let home_seen: Vec<String> = home_requests.try_iter().collect();
    assert_eq!(home_seen.len(), 2, "{home_seen:?}");
    assert!(home_seen
        .iter()
        .all(|r| r.contains("authorization: bearer dev")));
    let other_seen: Vec<String> = other_requests.try_iter().collect();
    assert_eq!(other_seen.len(), 1);
    assert!(
        !other_seen[0].contains("authorization"),
        "the token is not sent to another origin: {}",
        other_seen[0]
    );
}

#[test]
fn a_local_description_follows_urls_only_when_the_config_allows_it() {
    let (port, _requests) = serve(vec![(
        "/common.json",
        r#"{"components": {"schemas": {"Tag": {"type": "string"}}}}"#.to_owned(),
    )]);
    let p = Project::new("remote-refs");
    p.write(
        "schema.json",
        &format!(
            r#"{{"openapi": "3.1.0", "info": {{"title": "t", "version": "1"}},
                "components": {{"schemas": {{"Tag": {{"$ref": "http://127.0.0.1:{port}/common.json#/components/schemas/Tag"}}}}}}}}"#
        ),
    );
    p.write(
        "mizan.toml",
        "[source.file]\npath = \"schema.json\"\n[output]\ndir = \"api\"\n",
    );
    let refused = p.run(&[]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("mizan::source::remote-ref") && stderr.contains("remote_refs = true"),
        "{stderr}"
    );
    assert!(!p.path("api").exists(), "nothing is written");
    p.write("mizan.toml", "[source]\nremote_refs = true\n[source.file]\npath = \"schema.json\"\n[output]\ndir = \"api\"\n");
    let allowed = p.run(&[]);
    assert_eq!(
        allowed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&allowed.stderr)
    );
    let types = std::fs::read_to_string(p.path("api/types.ts")).expect("types.ts");
    assert!(types.contains("export type Tag = string"), "{types}");
}

#[test]
fn the_framework_comes_from_the_config_and_the_command_line() {
    let p = Project::new("framework");
    p.schema("schema.json");
    let layer_files = |dir: &str| -> Vec<&'static str> {
        [
            "react.tsx",
            "vue.ts",
            "svelte.svelte.ts",
            "forms.ts",
            "forms.svelte.ts",
            "channels.ts",
            "channels.svelte.ts",
            "runtime/query.ts",
        ]
        .into_iter()
        .filter(|f| p.path(&format!("{dir}/{f}")).is_file())
        .collect()
    };
    let index =
        |dir: &str| std::fs::read_to_string(p.path(&format!("{dir}/index.ts"))).expect("index");
    for (config, args, expected, last_export) in [
        (
            "framework = \"vue\"\n",
            &[][..],
            &["vue.ts", "forms.ts", "channels.ts", "runtime/query.ts"][..],
            "\"./channels\"",
        ),
        (
            "framework = \"svelte\"\n",
            &[],
            &[
                "svelte.svelte.ts",
                "forms.svelte.ts",
                "channels.svelte.ts",
                "runtime/query.ts",
            ],
            "\"./channels.svelte\"",
        ),
        ("framework = \"none\"\n", &[], &[], "\"./server\""),
        // The earlier spelling of `none`, and the two keys when they agree.
        ("react = false\n", &[], &[], "\"./server\""),
        (
            "react = true\nframework = \"react\"\n",
            &[],
            &["react.tsx", "forms.ts", "channels.ts", "runtime/query.ts"],
            "\"./channels\"",
        ),
        // The command line overrides the config.
        (
            "framework = \"vue\"\n",
            &["--framework", "svelte"],
            &[
                "svelte.svelte.ts",
                "forms.svelte.ts",
                "channels.svelte.ts",
                "runtime/query.ts",
            ],
            "\"./channels.svelte\"",
        ),
        (
            "framework = \"vue\"\n",
            &["--no-react"],
            &[],
            "\"./server\"",
        ),
        (
            "react = false\n",
            &["--framework", "react"],
            &["react.tsx", "forms.ts", "channels.ts", "runtime/query.ts"],
            "\"./channels\"",
        ),
    ] {
        p.write(
            "mizan.toml",
            &format!("[source.file]\npath = \"schema.json\"\n\n[output]\ndir = \"out\"\n{config}"),
        );
        let out = p.run(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{config} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(layer_files("out"), expected, "{config} {args:?}");
        let index = index("out");
        assert!(
            index
                .trim_end()
                .ends_with(&format!("export * from {last_export};")),
            "{config} {args:?}: {index}"
        );
    }
    // Without a config file.
    let out = p.run(&[
        "--schema",
        "schema.json",
        "--out",
        "plain",
        "--framework",
        "vue",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        layer_files("plain"),
        ["vue.ts", "forms.ts", "channels.ts", "runtime/query.ts"]
    );
    // An unknown value, or both flags, is a usage error naming the accepted values.
    let bad = p.run(&[
        "--schema",
        "schema.json",
        "--out",
        "plain",
        "--framework",
        "preact",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("react") && stderr.contains("svelte"),
        "{stderr}"
    );
    let both = p.run(&[
        "--schema",
        "schema.json",
        "--out",
        "plain",
        "--framework",
        "vue",
        "--no-react",
    ]);
    assert_eq!(both.status.code(), Some(2));
    assert_eq!(
        layer_files("plain"),
        ["vue.ts", "forms.ts", "channels.ts", "runtime/query.ts"],
        "left as it was"
    );
}
