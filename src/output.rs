//! Writing generated files, all or nothing: after a run is stopped at any instant, the output
//! directory holds the complete old set of files or the complete new one once the next run (or
//! `--check`) has looked at it. Unchanged files are not rewritten and keep their timestamps, so
//! downstream watchers stay quiet.
//!
//! A generation writes in three steps (docs/PROTOCOL.md §8, "Writing the output"):
//!
//! 1. every changed file, and the new manifest, goes to a temporary file beside it
//!    (`.<name>.mizan-tmp`), synced to disk; a failure here removes them and changes nothing;
//! 2. the journal ([`JOURNAL`]), listing the files to put in place and the owned files to
//!    remove, is written to a temporary file, synced and renamed into place: the commit point;
//! 3. each temporary file is renamed over its file, the stale files are removed, and the
//!    journal is removed.
//!
//! [`open`], which every run calls first, completes a journal it finds (a run stopped after its
//! commit point: every temporary file the journal names is complete) and lists the temporary
//! files of a run stopped before it (which `generate` removes and `--check` reports).
//!
//! The output directory holds a manifest ([`MANIFEST`]) of the files the generator owns. Owned
//! files that are no longer generated are removed; files it does not own are never touched, and
//! a generated file would only replace a different file of the same name with `--force`.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::emit::GeneratedFile;

/// The manifest of owned files, in the output directory.
pub const MANIFEST: &str = ".mizan-generate.json";
/// The journal of a generation between its commit point and its end, in the output directory.
pub const JOURNAL: &str = ".mizan-generate.journal";
/// A temporary file is `.<name>` and this, beside the file `<name>` it becomes.
pub const TEMP_SUFFIX: &str = ".mizan-tmp";

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// Paths (relative to the output directory) whose contents were written.
    pub written: Vec<String>,
    pub unchanged: Vec<String>,
    /// Owned files that are no longer generated, removed.
    pub removed: Vec<String>,
}

#[derive(serde::Serialize, serde::Deserialize, Default)]
struct Manifest {
    generator: String,
    files: Vec<String>,
}

/// What the manifest says the generator owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ownership {
    /// There is no manifest: nothing is owned yet.
    NoManifest,
    Owned(Vec<String>),
    /// The manifest cannot be read, and why; nothing is known to be owned.
    Corrupt(String),
}

impl Ownership {
    pub fn files(&self) -> &[String] {
        match self {
            Ownership::Owned(files) => files,
            Ownership::NoManifest | Ownership::Corrupt(_) => &[],
        }
    }
}

/// A generation's remaining work once it has committed.
#[derive(serde::Serialize, serde::Deserialize, Default, Debug)]
struct Journal {
    /// Paths to put in place, each from its temporary file (the manifest last).
    write: Vec<String>,
    /// Owned files no longer generated.
    remove: Vec<String>,
}

/// What completing an interrupted generation did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Recovery {
    pub renamed: usize,
    pub removed: usize,
}

/// The output directory as a run finds it, once an interrupted generation is completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub ownership: Ownership,
    /// Set when a journal was found and completed.
    pub recovered: Option<Recovery>,
    /// Temporary files of a generation stopped before its commit point (relative paths, `/`).
    pub stray: Vec<String>,
}

/// Why the output directory cannot be used; `app` turns each into a diagnostic.
#[derive(Debug)]
pub enum Problem {
    /// The output path exists and is not a directory.
    NotADirectory,
    /// The journal cannot be read, and why.
    JournalCorrupt(String),
    /// Reading the journal or completing it failed.
    Io(WriteError),
}

/// A file that could not be written or removed; `diagnostics::write_failed` says so.
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

fn failed(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError {
        path: path.to_path_buf(),
        source,
    }
}

/// Looks at the output directory before a run: refuses a path that is not a directory,
/// completes a generation stopped after its commit point (this writes), reads the manifest,
/// and lists temporary files left by a generation stopped before it. `files` is what this run
/// generates; temporary files are looked for beside those and the owned ones.
pub fn open(dir: &Path, files: &[GeneratedFile]) -> Result<Found, Problem> {
    match std::fs::metadata(dir) {
        Ok(meta) if !meta.is_dir() => return Err(Problem::NotADirectory),
        Ok(_) => {}
        // Nothing there yet (or nothing readable: writing will say why).
        Err(_) => {
            return Ok(Found {
                ownership: Ownership::NoManifest,
                recovered: None,
                stray: Vec::new(),
            })
        }
    }
    let recovered = recover(dir)?;
    let ownership = ownership(dir);
    let stray = stray_temps(dir, ownership.files(), files);
    Ok(Found {
        ownership,
        recovered,
        stray,
    })
}

fn ownership(dir: &Path) -> Ownership {
    match std::fs::read(dir.join(MANIFEST)) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ownership::NoManifest,
        Err(e) => Ownership::Corrupt(e.to_string()),
        Ok(bytes) => match serde_json::from_slice::<Manifest>(&bytes) {
            Ok(m) => Ownership::Owned(m.files),
            Err(e) => Ownership::Corrupt(e.to_string()),
        },
    }
}

/// A path from a manifest or journal that stays inside the output directory.
fn is_plain(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains('\\')
        && !Path::new(rel).is_absolute()
        && rel
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != ".." && !c.contains(':'))
}

/// The temporary file that becomes `path`.
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}{TEMP_SUFFIX}"))
}

/// Completes the journal in `dir`, if there is one.
fn recover(dir: &Path) -> Result<Option<Recovery>, Problem> {
    let path = dir.join(JOURNAL);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(Problem::Io(WriteError { path, source })),
    };
    let journal: Journal =
        serde_json::from_slice(&bytes).map_err(|e| Problem::JournalCorrupt(e.to_string()))?;
    if let Some(bad) = journal
        .write
        .iter()
        .chain(&journal.remove)
        .find(|p| !is_plain(p))
    {
        return Err(Problem::JournalCorrupt(format!(
            "`{bad}` is not a path inside the output directory"
        )));
    }
    apply(dir, &journal).map(Some).map_err(Problem::Io)
}

/// Step 3, also how a journal found at the start is completed: each temporary file that still
/// exists is renamed over its file (one that does not was renamed before an interruption), the
/// stale files are removed, and the journal goes.
fn apply(dir: &Path, journal: &Journal) -> Result<Recovery, WriteError> {
    let mut done = Recovery::default();
    let mut touched = BTreeSet::new();
    for rel in &journal.write {
        let path = dir.join(rel);
        match std::fs::rename(temp_path(&path), &path) {
            Ok(()) => {
                done.renamed += 1;
                touched.insert(path.parent().unwrap_or(dir).to_path_buf());
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(WriteError { path, source }),
        }
    }
    for rel in &journal.remove {
        let path = dir.join(rel);
        if !path.is_file() {
            continue;
        }
        match std::fs::remove_file(&path) {
            Ok(()) => {
                done.removed += 1;
                touched.insert(path.parent().unwrap_or(dir).to_path_buf());
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(WriteError { path, source }),
        }
    }
    // The renames reach the disk before the journal that would redo them goes.
    for d in &touched {
        sync_dir(d).map_err(failed(d))?;
    }
    let journal_path = dir.join(JOURNAL);
    std::fs::remove_file(&journal_path).map_err(failed(&journal_path))?;
    Ok(done)
}

/// Temporary files under `dir` beside the owned and generated files: ours (`.<name>.mizan-tmp`)
/// and those of versions that named them `.<name>.<pid>.tmp`, recognised only beside a file of
/// that name the generator owns or writes. Nothing else is ever listed.
fn stray_temps(dir: &Path, owned: &[String], files: &[GeneratedFile]) -> Vec<String> {
    let known: BTreeSet<&str> = owned
        .iter()
        .map(String::as_str)
        .chain(files.iter().map(|f| f.path.as_str()))
        .chain([MANIFEST, JOURNAL])
        .filter(|p| is_plain(p))
        .collect();
    let folders: BTreeSet<&str> = known
        .iter()
        .map(|p| p.rsplit_once('/').map_or("", |(folder, _)| folder))
        .collect();
    let mut found = Vec::new();
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(dir.join(folder)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = if folder.is_empty() {
                name.clone()
            } else {
                format!("{folder}/{name}")
            };
            let ours = name
                .strip_prefix('.')
                .and_then(|n| n.strip_suffix(TEMP_SUFFIX))
                .is_some_and(|n| !n.is_empty());
            let legacy = name
                .strip_prefix('.')
                .and_then(|n| n.strip_suffix(".tmp"))
                .and_then(|n| n.rsplit_once('.'))
                .is_some_and(|(target, pid)| {
                    !pid.is_empty()
                        && pid.bytes().all(|b| b.is_ascii_digit())
                        && known.contains(
                            (if folder.is_empty() {
                                target.to_owned()
                            } else {
                                format!("{folder}/{target}")
                            })
                            .as_str(),
                        )
                });
            if (ours || legacy) && entry.file_type().is_ok_and(|t| t.is_file()) {
                found.push(rel);
            }
        }
    }
    found.sort();
    found
}

/// Removes the temporary files [`open`] found (`Found::stray`).
pub fn remove_stray(dir: &Path, stray: &[String]) -> Result<(), WriteError> {
    for rel in stray {
        let path = dir.join(rel);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(WriteError { path, source }),
        }
    }
    Ok(())
}

/// The generated paths that exist in `dir` as files.
pub fn present(dir: &Path, files: &[GeneratedFile]) -> Vec<String> {
    files
        .iter()
        .filter(|f| dir.join(&f.path).is_file())
        .map(|f| f.path.clone())
        .collect()
}

/// Files that exist, are not the generator's, and differ from what it would write there.
pub fn conflicts(dir: &Path, owned: &[String], files: &[GeneratedFile]) -> Vec<String> {
    files
        .iter()
        .filter(|f| !owned.contains(&f.path))
        .filter(|f| std::fs::read(dir.join(&f.path)).is_ok_and(|old| old != f.contents.as_bytes()))
        .map(|f| f.path.clone())
        .collect()
}

/// How the output directory differs from what would be generated.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Drift {
    /// (path, current text, generated text).
    pub changed: Vec<(String, String, String)>,
    pub missing: Vec<String>,
    /// Owned files that would no longer be generated.
    pub extra: Vec<String>,
}

impl Drift {
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

/// Compares `files` with `dir` without writing anything.
pub fn drift(dir: &Path, owned: &[String], files: &[GeneratedFile]) -> Drift {
    let mut d = Drift::default();
    for f in files {
        match std::fs::read(dir.join(&f.path)) {
            Ok(old) if old == f.contents.as_bytes() => {}
            Ok(old) => d.changed.push((
                f.path.clone(),
                String::from_utf8_lossy(&old).into_owned(),
                f.contents.clone(),
            )),
            Err(_) => d.missing.push(f.path.clone()),
        }
    }
    d.extra = owned
        .iter()
        .filter(|p| !files.iter().any(|f| &f.path == *p) && dir.join(p).exists())
        .cloned()
        .collect();
    d
}

/// Writes `files` under `dir`, all or nothing (see the module documentation), creating
/// directories as needed; removes the `owned` files (from [`open`]) that are no longer
/// generated, and records the owned files. Other files are never touched. The caller checks
/// [`conflicts`] first. An error before the commit point leaves the directory as it was; one
/// after it leaves the journal, which the next run completes.
pub fn write_files(
    dir: &Path,
    owned: &[String],
    files: &[GeneratedFile],
) -> Result<WriteReport, WriteError> {
    let mut report = WriteReport::default();
    let mut pending: Vec<(&str, &[u8])> = Vec::new();
    for f in files {
        let path = dir.join(&f.path);
        if std::fs::read(&path).is_ok_and(|old| old == f.contents.as_bytes()) {
            report.unchanged.push(f.path.clone());
            continue;
        }
        if path.is_dir() {
            return Err(WriteError {
                path,
                source: std::io::Error::new(
                    std::io::ErrorKind::IsADirectory,
                    "a directory is in the way",
                ),
            });
        }
        pending.push((&f.path, f.contents.as_bytes()));
        report.written.push(f.path.clone());
    }
    let mut journal = Journal::default();
    for stale in owned
        .iter()
        .filter(|p| !files.iter().any(|f| &f.path == *p))
    {
        // Only plain relative paths from our own manifest; never anything outside the directory.
        if is_plain(stale) && dir.join(stale).is_file() {
            journal.remove.push(stale.clone());
            report.removed.push(stale.clone());
        }
    }
    let mut listed: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
    listed.sort();
    let manifest = Manifest {
        generator: format!("mizan-generate {}", env!("CARGO_PKG_VERSION")),
        files: listed,
    };
    let mut text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    text.push('\n');
    if std::fs::read(dir.join(MANIFEST)).map_or(true, |old| old != text.as_bytes()) {
        pending.push((MANIFEST, text.as_bytes()));
    }
    if pending.is_empty() && journal.remove.is_empty() {
        return Ok(report);
    }

    // Steps 1 and 2: temporary files, then the journal. Nothing visible has changed yet.
    std::fs::create_dir_all(dir).map_err(failed(dir))?;
    let mut temps: Vec<PathBuf> = Vec::new();
    let prepared = (|| {
        let mut folders = BTreeSet::from([dir.to_path_buf()]);
        for (rel, _) in &pending {
            let path = dir.join(rel);
            let parent = path.parent().unwrap_or(dir).to_path_buf();
            if !parent.is_dir() {
                std::fs::create_dir_all(&parent).map_err(failed(&parent))?;
                // A new folder's own entry must reach the disk too.
                folders.extend(
                    parent
                        .ancestors()
                        .take_while(|a| a.starts_with(dir) && *a != dir)
                        .map(Path::to_path_buf),
                );
            }
            temps.push(temp_path(&path));
            folders.insert(parent);
            journal.write.push((*rel).to_owned());
        }
        write_all_synced(&temps, &pending)?;
        for folder in &folders {
            sync_dir(folder).map_err(failed(folder))?;
        }
        let mut text = serde_json::to_vec_pretty(&journal).unwrap_or_default();
        text.push(b'\n');
        let journal_path = dir.join(JOURNAL);
        let tmp = temp_path(&journal_path);
        temps.push(tmp.clone());
        write_synced(&tmp, &text).map_err(failed(&journal_path))?;
        std::fs::rename(&tmp, &journal_path).map_err(failed(&journal_path))?;
        // The commit point: once the journal's entry is on disk, the new set is decided.
        sync_dir(dir).map_err(failed(dir))
    })();
    if let Err(e) = prepared {
        for tmp in &temps {
            let _ = std::fs::remove_file(tmp);
        }
        return Err(e);
    }

    // Step 3.
    apply(dir, &journal)?;
    Ok(report)
}

/// How many files are written and synced at once. Syncing waits on the disk, not the CPU, and
/// the file system commits concurrent syncs together: a few hundred files sync several times
/// faster this way than one after the other (BENCHMARKS.md).
const WRITERS: usize = 8;

/// Writes each `pending` file's bytes to its temporary file (`temps`, in the same order) and
/// waits until all are on disk. On an error, the first in order is returned.
fn write_all_synced(temps: &[PathBuf], pending: &[(&str, &[u8])]) -> Result<(), WriteError> {
    let jobs: Vec<(&PathBuf, &[u8])> = temps.iter().zip(pending.iter().map(|p| p.1)).collect();
    let chunk = jobs.len().div_ceil(WRITERS).max(1);
    let results: Vec<Result<(), WriteError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    for (tmp, bytes) in part {
                        write_synced(tmp, bytes).map_err(failed(tmp))?;
                    }
                    Ok(())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(WriteError {
                        path: PathBuf::new(),
                        source: std::io::Error::other("a writer thread panicked"),
                    })
                })
            })
            .collect()
    });
    results.into_iter().collect()
}

/// Writes `bytes` to a new file at `path` and waits until they are on disk.
fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Waits until the entries of `dir` (names created, renamed or removed) are on disk. Only Unix
/// systems can open a directory to sync it; elsewhere renames are durable on their own
/// (NTFS journals its metadata).
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gen(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile {
            path: path.to_owned(),
            contents: contents.to_owned(),
        }
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mizan-output-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        dir
    }

    fn generate(dir: &Path, files: &[GeneratedFile]) -> WriteReport {
        let found = open(dir, files).expect("open");
        remove_stray(dir, &found.stray).expect("stray");
        write_files(dir, found.ownership.files(), files).expect("write")
    }

    #[test]
    fn writes_only_what_changed_and_leaves_other_files_alone() {
        let dir = temp_dir("changed");
        std::fs::write(dir.join("mine.ts"), "hand-written").expect("write");

        let files = [gen("a.ts", "a\n"), gen("contexts/b.ts", "b\n")];
        let first = generate(&dir, &files);
        assert_eq!(first.written, ["a.ts", "contexts/b.ts"]);

        let mtime = |p: &str| {
            std::fs::metadata(dir.join(p))
                .and_then(|m| m.modified())
                .expect("mtime")
        };
        let before = mtime("a.ts");
        let second = generate(&dir, &[gen("a.ts", "a\n"), gen("contexts/b.ts", "b2\n")]);
        assert_eq!(second.written, ["contexts/b.ts"]);
        assert_eq!(second.unchanged, ["a.ts"]);
        assert_eq!(mtime("a.ts"), before, "an unchanged file is not rewritten");
        assert_eq!(
            std::fs::read_to_string(dir.join("contexts/b.ts")).expect("b"),
            "b2\n"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("mine.ts")).expect("mine"),
            "hand-written"
        );
        let third = generate(&dir, &[gen("a.ts", "a\n")]);
        assert_eq!(third.removed, ["contexts/b.ts"]);
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .expect("ls")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [MANIFEST, "a.ts", "contexts", "mine.ts"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_journal_is_completed_and_stray_temporary_files_are_found() {
        let dir = temp_dir("journal");
        generate(&dir, &[gen("a.ts", "old a\n"), gen("gone.ts", "old\n")]);
        // A run stopped after its commit point: a.ts's rename was done, b.ts's and the
        // manifest's were not, gone.ts is still there.
        std::fs::write(dir.join("a.ts"), "new a\n").expect("a");
        std::fs::write(dir.join(".b.ts.mizan-tmp"), "new b\n").expect("b");
        std::fs::write(
            dir.join("..mizan-generate.json.mizan-tmp"),
            "{\"generator\": \"x\", \"files\": [\"a.ts\", \"b.ts\"]}\n",
        )
        .expect("manifest");
        std::fs::write(dir.join(JOURNAL), "{\"write\": [\"a.ts\", \"b.ts\", \".mizan-generate.json\"], \"remove\": [\"gone.ts\"]}").expect("journal");
        // Not ours: kept whatever happens.
        std::fs::write(dir.join(".notes.tmp"), "mine").expect("mine");
        std::fs::write(dir.join("b.ts.mizan-tmp"), "mine").expect("mine");
        // A temporary file of an older version, beside a generated file.
        std::fs::write(dir.join(".a.ts.1234.tmp"), "old").expect("legacy");

        let found = open(&dir, &[gen("a.ts", "new a\n"), gen("b.ts", "new b\n")]).expect("open");
        assert_eq!(
            found.recovered,
            Some(Recovery {
                renamed: 2,
                removed: 1
            })
        );
        assert_eq!(
            found.ownership,
            Ownership::Owned(vec!["a.ts".into(), "b.ts".into()])
        );
        assert_eq!(found.stray, [".a.ts.1234.tmp"]);
        assert!(!dir.join(JOURNAL).exists() && !dir.join("gone.ts").exists());
        assert_eq!(
            std::fs::read_to_string(dir.join("b.ts")).expect("b"),
            "new b\n"
        );
        remove_stray(&dir, &found.stray).expect("remove");
        assert!(dir.join(".notes.tmp").exists() && dir.join("b.ts.mizan-tmp").exists());

        std::fs::write(dir.join(JOURNAL), "{\"write\": [\"../x\"], \"remove\": []}").expect("j");
        assert!(matches!(open(&dir, &[]), Err(Problem::JournalCorrupt(_))));
        std::fs::write(dir.join(JOURNAL), "{\"wri").expect("j");
        assert!(matches!(open(&dir, &[]), Err(Problem::JournalCorrupt(_))));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn paths_outside_the_directory_are_never_plain() {
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "./a",
            "c:x",
            "a\\b",
        ] {
            assert!(!is_plain(bad), "{bad}");
        }
        assert!(is_plain("contexts/user.ts") && is_plain(".mizan-generate.json"));
    }
}
