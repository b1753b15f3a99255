//! Writing generated files: only those whose bytes changed, each through a temporary file in
//! the same directory and an atomic rename, so a reader never sees a half-written file and an
//! unchanged file keeps its timestamp (downstream watchers stay quiet).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::emit::GeneratedFile;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// Paths (relative to the output directory) whose contents were written.
    pub written: Vec<String>,
    pub unchanged: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot write `{path}`: {source}")]
pub struct WriteError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// Writes `files` under `dir`, creating directories as needed. Files not in `files` are never
/// touched.
pub fn write_files(dir: &Path, files: &[GeneratedFile]) -> Result<WriteReport, WriteError> {
    let mut report = WriteReport::default();
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
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
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
