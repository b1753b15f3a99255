//! What the integration tests share: fixture paths and analysis, one check per fixture, snapshot
//! settings, the binary run in a project directory, and the programs some tests need.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use mizan_generate::diagnostics::{self, RenderStyle};
use mizan_generate::Analysis;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture_path(rel: &str) -> PathBuf {
    root().join(Path::new(rel))
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

/// The repository path of a case's document, `fixtures/<kind>/<case>/schema.yaml` when the case
/// is written in YAML, else `schema.json`.
pub fn schema_rel(kind: &str, case: &str) -> String {
    let yaml = format!("fixtures/{kind}/{case}/schema.yaml");
    if fixture_path(&yaml).exists() {
        yaml
    } else {
        format!("fixtures/{kind}/{case}/schema.json")
    }
}

/// A case's document as a `serde_json::Value`, whichever syntax it is written in.
pub fn read_schema_value(kind: &str, case: &str) -> serde_json::Value {
    let text = String::from_utf8(read_schema(kind, case)).expect("UTF-8 fixture");
    let rel = schema_rel(kind, case);
    match mizan_generate::openapi::parse_document(&rel, &text) {
        Ok(doc) => doc.root.to_serde(),
        Err(d) => panic!("{rel}: {}", d.message),
    }
}

pub fn read_schema(kind: &str, case: &str) -> Vec<u8> {
    std::fs::read(fixture_path(&schema_rel(kind, case))).expect("fixture")
}

/// The reference fixture's document, which the CLI tests serve and write into projects.
pub fn reference_schema() -> String {
    String::from_utf8(read_schema("good", "reference-3.1")).expect("UTF-8 fixture")
}

/// Analyses `fixtures/<kind>/<case>/schema.json`, named by its repository path, with the other
/// files it refers to read from its folder.
pub fn analyze_case(kind: &str, case: &str) -> Analysis {
    let rel = schema_rel(kind, case);
    analyze_at(&rel, &read_schema(kind, case), &fixture_path(&rel))
}

/// [`analyze_case`] with the names of another framework's layer.
#[allow(dead_code)]
pub fn analyze_case_for(kind: &str, case: &str, framework: mizan_generate::Framework) -> Analysis {
    let rel = schema_rel(kind, case);
    analyze_at_for(
        &rel,
        &read_schema(kind, case),
        &fixture_path(&rel),
        framework,
    )
}

/// Analyses `bytes` as the document at `path` (named `name`), the files it refers to read
/// from beside it.
pub fn analyze_at(name: &str, bytes: &[u8], path: &Path) -> Analysis {
    analyze_at_for(name, bytes, path, mizan_generate::Framework::React)
}

fn analyze_at_for(
    name: &str,
    bytes: &[u8],
    path: &Path,
    framework: mizan_generate::Framework,
) -> Analysis {
    let mut loader = mizan_generate::source::DescriptionLoader::files_only(1 << 30);
    mizan_generate::analyze_description(
        name,
        bytes,
        &mizan_generate::Location::file(path),
        &mut loader,
        framework,
    )
}

/// Runs `check` on every case under `fixtures/<kind>`; see [`check_each`].
#[track_caller]
pub fn check_each_case(kind: &str, check: impl Fn(&str)) {
    let cases = cases(kind);
    check_each(&format!("{kind} fixture"), &cases, |case| check(case));
}

/// Runs `check` on each item on its own: a failure (an assertion or a snapshot) is printed where
/// it happens and the remaining items still run; at the end the test fails naming every item
/// that failed, so one broken fixture never hides another.
#[track_caller]
pub fn check_each<T>(what: &str, items: &[T], check: impl Fn(&T))
where
    T: std::fmt::Display,
{
    let failed: Vec<String> = items
        .iter()
        .filter(|item| catch_unwind(AssertUnwindSafe(|| check(item))).is_err())
        .map(ToString::to_string)
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} {what}s failed (each one's failure is printed above): {}",
        failed.len(),
        items.len(),
        failed.join(", ")
    );
}

pub fn render_all(analysis: &Analysis) -> String {
    let source = (!analysis.source.root().text.is_empty()).then_some(&analysis.source);
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
/// error, the IR exists exactly when there is no error, and every label points inside one file.
pub fn assert_well_formed(analysis: &Analysis, what: &str) {
    for d in &analysis.diagnostics {
        assert_ne!(d.code, "mizan::internal", "{what}: {}", d.message);
        for l in &d.labels {
            // Each label lies inside one file of the description, at that file's base.
            let (base, file) = analysis.source.file_at(l.span.start);
            let text = &file.text;
            let (s, e) = (
                (l.span.start - base) as usize,
                l.span.end.saturating_sub(base) as usize,
            );
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

/// The `mizan-generate` binary, run in `dir`, without colour and at the default width of 100
/// columns whatever the terminal running the tests says.
pub fn mizan(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mizan-generate"));
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        // `init` prefers an active virtualenv; the one the tests may run in is not theirs.
        .env_remove("VIRTUAL_ENV");
    command
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A project directory of its own, removed when dropped. It sits one level inside a temporary
/// folder, so what `init` looks for in `..` is ours too. Its path is kept short: diagnostics that
/// name it wrap at 100 columns, and the snapshots replace it only after the wrapping.
pub struct Project {
    pub dir: PathBuf,
    _temp: tempfile::TempDir,
}

impl Project {
    pub fn new(name: &str) -> Project {
        let temp = tempfile::Builder::new()
            .prefix(&format!("mizan-{name}-"))
            .tempdir()
            .expect("temporary directory");
        let dir = temp.path().join("p");
        std::fs::create_dir(&dir).expect("project dir");
        Project { dir, _temp: temp }
    }

    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let path = self.dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
        self
    }

    /// Writes the reference fixture's document at `rel`.
    pub fn schema(&self, rel: &str) -> &Self {
        self.write(rel, &reference_schema())
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// The binary, run in the project, with the search for mizan.toml kept inside it.
    pub fn command(&self) -> Command {
        self.command_in(&self.dir)
    }

    /// The binary, run in `cwd`, with the search for mizan.toml kept inside the project, so a
    /// config in a directory above the temporary one cannot change what a test sees.
    pub fn command_in(&self, cwd: &Path) -> Command {
        let mut command = mizan(cwd);
        command.env("MIZAN_CONFIG_CEILING", &self.dir);
        command
    }

    pub fn run(&self, args: &[&str]) -> std::process::Output {
        self.run_in(&self.dir, args)
    }

    pub fn run_in(&self, cwd: &Path, args: &[&str]) -> std::process::Output {
        self.command_in(cwd).args(args).output().expect("run")
    }
}

/// Every file under `dir` with its bytes and modification time, keyed by its path relative to
/// `dir`. A file that disappears while being read is left out.
pub fn files(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if let (Ok(bytes), Ok(meta)) = (std::fs::read(&path), e.metadata()) {
                let rel = path.strip_prefix(dir).expect("under dir").to_path_buf();
                out.insert(rel, (bytes, meta.modified().expect("mtime")));
            }
        }
    }
    out
}

/// The first of `names` on PATH whose `--version` output `accept` takes. A test that needs a
/// program fails when it is missing, saying what to install; it is never skipped.
#[track_caller]
fn require(names: &[&'static str], accept: impl Fn(&str) -> bool, needs: &str) -> &'static str {
    let mut found = Vec::new();
    for &name in names {
        let Ok(out) = Command::new(name).arg("--version").output() else {
            continue;
        };
        let version = format!("{}{}", text(&out.stdout), text(&out.stderr));
        let version = version.trim();
        if out.status.success() && accept(version) {
            return name;
        }
        found.push(format!("{name}: {version}"));
    }
    if found.is_empty() {
        panic!("{needs}; none of {names:?} is on PATH");
    }
    panic!("{needs}; found only {}", found.join(", "));
}

/// Node.js, which reads the legacy JavaScript config.
#[track_caller]
pub fn node() -> &'static str {
    require(
        &["node"],
        |v| {
            v.trim_start_matches('v')
                .split('.')
                .next()
                .and_then(|major| major.parse::<u32>().ok())
                .is_some_and(|major| major >= 18)
        },
        "this test needs Node.js 18 or later on PATH (Debian: apt-get install nodejs)",
    )
}

/// Python 3, which runs the test projects' schema exports.
#[track_caller]
pub fn python() -> &'static str {
    require(
        &["python3", "python"],
        |v| v.starts_with("Python 3"),
        "this test needs Python 3 on PATH as python3 or python (Debian: apt-get install python3)",
    )
}

/// Sends SIGINT to `child`, as Ctrl-C in its terminal would; whether `kill` says it did.
#[track_caller]
pub fn interrupt(child: &std::process::Child) -> bool {
    let kill = require(
        &["kill"],
        |_| true,
        "this test needs the kill program on PATH (Debian: apt-get install procps)",
    );
    Command::new(kill)
        .args(["-INT", &child.id().to_string()])
        .status()
        .is_ok_and(|s| s.success())
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
