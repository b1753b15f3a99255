//! Writing generated files: only those whose bytes changed, each through a temporary file in
//! the same directory and an atomic rename, so a reader never sees a half-written file and an
//! unchanged file keeps its timestamp (downstream watchers stay quiet).
//!
//! The output directory holds a manifest ([`MANIFEST`]) of the files the generator owns. Owned
//! files that are no longer generated are removed; files it does not own are never touched, and
//! a generated file would only replace a different file of the same name with `--force`.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::emit::GeneratedFile;

/// The manifest of owned files, in the output directory.
pub const MANIFEST: &str = ".mizan-generate.json";

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

/// The files the generator owns in `dir`, from its manifest (none without one).
pub fn owned_files(dir: &Path) -> Vec<String> {
    std::fs::read(dir.join(MANIFEST))
        .ok()
        .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok())
        .map(|m| m.files)
        .unwrap_or_default()
}

/// Files that exist, are not the generator's, and differ from what it would write there.
pub fn conflicts(dir: &Path, files: &[GeneratedFile]) -> Vec<String> {
    let owned = owned_files(dir);
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
pub fn drift(dir: &Path, files: &[GeneratedFile]) -> Drift {
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
    d.extra = owned_files(dir)
        .into_iter()
        .filter(|p| !files.iter().any(|f| &f.path == p) && dir.join(p).exists())
        .collect();
    d
}

/// A file that could not be written or removed; `diagnostics::write_failed` says so.
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// Writes `files` under `dir`, creating directories as needed, removes owned files that are no
/// longer generated, and records the owned files. Other files are never touched. The caller
/// checks [`conflicts`] first.
pub fn write_files(dir: &Path, files: &[GeneratedFile]) -> Result<WriteReport, WriteError> {
    let mut report = WriteReport::default();
    let previously = owned_files(dir);
    for f in files {
        let path = dir.join(&f.path);
        if std::fs::read(&path).is_ok_and(|old| old == f.contents.as_bytes()) {
            report.unchanged.push(f.path.clone());
            continue;
        }
        write_atomic(&path, f.contents.as_bytes()).map_err(|source| WriteError {
            path: path.clone(),
            source,
        })?;
        report.written.push(f.path.clone());
    }
    for stale in previously
        .iter()
        .filter(|p| !files.iter().any(|f| &f.path == *p))
    {
        // Only plain relative paths from our own manifest; never anything outside the directory.
        if stale.split('/').any(|c| c.is_empty() || c == "..") {
            continue;
        }
        let path = dir.join(stale);
        if path.is_file() {
            std::fs::remove_file(&path).map_err(|source| WriteError {
                path: path.clone(),
                source,
            })?;
            report.removed.push(stale.clone());
        }
    }
    let mut owned: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
    owned.sort();
    let manifest = Manifest {
        generator: format!("mizan-generate {}", env!("CARGO_PKG_VERSION")),
        files: owned,
    };
    let mut text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    text.push('\n');
    let manifest_path = dir.join(MANIFEST);
    if std::fs::read(&manifest_path).map_or(true, |old| old != text.as_bytes()) {
        write_atomic(&manifest_path, text.as_bytes()).map_err(|source| WriteError {
            path: manifest_path.clone(),
            source,
        })?;
    }
    Ok(report)
}

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = parent.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        // No fsync: the rename already keeps readers from ever seeing a partial file, and a
        // generated file lost to a power cut is regenerated by the next run.
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        drop(file);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
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

    #[test]
    fn writes_only_what_changed_and_leaves_other_files_alone() {
        let dir = std::env::temp_dir().join(format!("mizan-output-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join("mine.ts"), "hand-written").expect("write");

        let files = [gen("a.ts", "a\n"), gen("contexts/b.ts", "b\n")];
        let first = write_files(&dir, &files).expect("first");
        assert_eq!(first.written, ["a.ts", "contexts/b.ts"]);

        let mtime = |p: &str| {
            std::fs::metadata(dir.join(p))
                .and_then(|m| m.modified())
                .expect("mtime")
        };
        let before = mtime("a.ts");
        let second =
            write_files(&dir, &[gen("a.ts", "a\n"), gen("contexts/b.ts", "b2\n")]).expect("second");
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
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .expect("ls")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
