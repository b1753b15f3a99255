//! `--watch`: regenerate when the schema, or what produces it, changes.
//!
//! Which events matter is decided by [`change_matters`], a pure function tested with synthetic
//! events. Around it: a file watcher with a debounce, one generation at a time (events during a
//! run coalesce into one rerun), URL polling with ETags, and a clean exit on Ctrl-C. A failing
//! run prints its diagnostics and leaves the last good output as it is.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Instant;

use globset::{Glob, GlobSet, GlobSetBuilder};
use notify::{EventKind, RecursiveMode, Watcher};

use crate::config::{display_path, Settings, Source};
use crate::diagnostics::RenderStyle;

/// What a file event is tested against.
pub struct WatchContext {
    /// The config file (its changes reload the settings), if there is one.
    pub config: Option<PathBuf>,
    /// The schema file, for a file source.
    pub schema: Option<PathBuf>,
    /// The other files the description refers to (`$ref: ./schemas/user.yaml`), as of the last
    /// run.
    pub documents: Vec<PathBuf>,
    /// The configured globs, for command sources.
    pub globs: GlobSet,
    /// The output directory: its own writes never trigger a run.
    pub out_dir: PathBuf,
}

/// The kinds of file event, as far as deciding goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Created,
    Modified,
    Removed,
    /// Reads, metadata-only changes and the like.
    Other,
}

/// What a change means for the watch loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matters {
    No,
    /// Regenerate.
    Regenerate,
    /// The config changed: reload it, then regenerate.
    Reload,
}

/// Editors' temporary and backup files, which come and go around every save.
fn is_scratch(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// Decides whether a file event should regenerate. Pure: no I/O.
pub fn change_matters(change: Change, paths: &[PathBuf], ctx: &WatchContext) -> Matters {
    if change == Change::Other {
        return Matters::No;
    }
    let mut result = Matters::No;
    for path in paths {
        if is_scratch(path) || path.starts_with(&ctx.out_dir) {
            continue;
        }
        if ctx.config.as_ref() == Some(path) {
            return Matters::Reload;
        }
        if ctx.schema.as_deref() == Some(path.as_path())
            || ctx.documents.contains(path)
            || ctx.globs.is_match(path)
        {
            result = Matters::Regenerate;
        }
    }
    result
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().map_or_else(|_| p.to_path_buf(), |d| d.join(p))
    }
}

fn context(settings: &Settings, documents: &[PathBuf]) -> WatchContext {
    let mut globs = GlobSetBuilder::new();
    for g in &settings.watch_paths {
        if let Ok(glob) = Glob::new(&absolute(Path::new(g)).display().to_string()) {
            globs.add(glob);
        }
    }
    WatchContext {
        config: settings.config_path.as_deref().map(absolute),
        schema: match &settings.source {
            Source::File(p) => Some(absolute(p)),
            _ => None,
        },
        documents: documents.iter().map(|p| absolute(p)).collect(),
        globs: globs.build().unwrap_or_else(|_| GlobSet::empty()),
        out_dir: absolute(&settings.out_dir),
    }
}

/// The directories to watch: the config's, the schema's and those of the files it refers to
/// (not recursively), and each glob's literal prefix (recursively).
fn roots(settings: &Settings, ctx: &WatchContext) -> Vec<(PathBuf, RecursiveMode)> {
    let mut roots = Vec::new();
    if let Some(dir) = ctx.config.as_deref().and_then(Path::parent) {
        roots.push((dir.to_path_buf(), RecursiveMode::NonRecursive));
    }
    let files = ctx.schema.iter().chain(&ctx.documents);
    for dir in files.filter_map(|f| f.parent()) {
        roots.push((dir.to_path_buf(), RecursiveMode::NonRecursive));
    }
    for g in &settings.watch_paths {
        let literal: PathBuf = absolute(Path::new(g))
            .components()
            .take_while(|c| {
                !c.as_os_str()
                    .to_string_lossy()
                    .contains(['*', '?', '[', '{'])
            })
            .collect();
        let dir = if literal.is_dir() {
            literal
        } else {
            literal
                .parent()
                .map_or_else(|| literal.clone(), Path::to_path_buf)
        };
        roots.push((dir, RecursiveMode::Recursive));
    }
    roots.sort();
    roots.dedup();
    roots
}

fn kind(event: &notify::Event) -> Change {
    match event.kind {
        EventKind::Create(_) => Change::Created,
        EventKind::Modify(notify::event::ModifyKind::Metadata(_)) | EventKind::Access(_) => {
            Change::Other
        }
        EventKind::Modify(_) => Change::Modified,
        EventKind::Remove(_) => Change::Removed,
        EventKind::Any | EventKind::Other => Change::Other,
    }
}

enum Signal {
    File(Matters),
    Stop,
}

/// Watches until Ctrl-C, running `generate` once at the start and again after each change that
/// matters (its failures are reported by `generate` itself; the loop only notes them). Fails
/// only when the file watcher cannot start.
pub fn run<E>(
    initial: &Settings,
    style: RenderStyle,
    mut generate: impl FnMut(&Settings, &mut Vec<PathBuf>) -> Result<(), E>,
) -> notify::Result<()> {
    let mut settings = initial.clone();
    let (tx, rx) = mpsc::channel::<Signal>();
    let stop = Arc::new(AtomicBool::new(false));
    {
        let (tx, stop) = (tx.clone(), Arc::clone(&stop));
        let _ = ctrlc::set_handler(move || {
            stop.store(true, Ordering::SeqCst);
            let _ = tx.send(Signal::Stop);
        });
    }
    // The files the description refers to, as of the last run; the watcher follows them.
    let mut documents = Vec::new();
    let mut watcher = start_watcher(&settings, &documents, tx.clone())?;
    let url_poll = matches!(settings.source, Source::Url { .. });
    eprintln!("watching {} (Ctrl-C to stop)", describe(&settings));
    // `reloaded`: the settings changed, so the watcher starts again whatever was read.
    let mut run =
        |settings: &Settings, watcher: &mut notify::RecommendedWatcher, reloaded: bool| {
            let started = Instant::now();
            let mut read = Vec::new();
            status(generate(settings, &mut read), started);
            if reloaded || read != documents {
                if let Ok(w) = start_watcher(settings, &read, tx.clone()) {
                    *watcher = w;
                }
                documents = read;
            }
        };
    run(&settings, &mut watcher, false);
    let mut etag: Option<String> = None;
    let mut backend_down = false;
    loop {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        // Without a URL to poll there is nothing to do until an event comes.
        let next = if url_poll {
            rx.recv_timeout(crate::config::URL_POLL_INTERVAL)
        } else {
            rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected)
        };
        let first = match next {
            Ok(Signal::Stop) => break,
            Ok(Signal::File(m)) => m,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Source::Url {
                    url,
                    headers,
                    timeout,
                } = &settings.source
                {
                    match crate::source::get(
                        url,
                        headers,
                        *timeout,
                        etag.as_deref(),
                        settings.max_bytes,
                        settings
                            .config_path
                            .as_deref()
                            .map(crate::config::display_path)
                            .as_deref(),
                    ) {
                        Ok(None) => {}
                        Ok(Some(fetched)) => {
                            if backend_down {
                                eprintln!("the backend is back");
                                backend_down = false;
                            }
                            if fetched.etag.is_none() || fetched.etag != etag {
                                etag = fetched.etag.clone();
                                run(&settings, &mut watcher, false);
                            }
                        }
                        Err(_) if backend_down => {}
                        Err(d) => {
                            eprintln!("{} (still watching; retrying every second)", d.message);
                            backend_down = true;
                        }
                    }
                }
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        // Debounce: wait until the events stop for a moment, and keep the strongest reason.
        let mut reason = first;
        let debounce = settings.debounce;
        let mut quiet_since = Instant::now();
        while quiet_since.elapsed() < debounce {
            match rx.recv_timeout(debounce.saturating_sub(quiet_since.elapsed())) {
                Ok(Signal::Stop) => return Ok(()),
                Ok(Signal::File(m)) => {
                    if m != Matters::No {
                        quiet_since = Instant::now();
                    }
                    if m == Matters::Reload || reason == Matters::No {
                        reason = m;
                    }
                }
                Err(_) => break,
            }
        }
        if reason == Matters::No {
            continue;
        }
        // Only a config file's change is `Reload`.
        let mut reloaded = false;
        if let (Matters::Reload, Some(config)) = (reason, settings.config_path.clone()) {
            match crate::config::load(&config) {
                Ok(new) => {
                    settings = new.overridden(settings.framework_override);
                    reloaded = true;
                    eprintln!("config reloaded");
                }
                Err(e) => {
                    let (source, diag) = *e;
                    eprint!(
                        "{}",
                        crate::diagnostics::render(&diag, source.as_ref(), style)
                    );
                    eprintln!("the config is invalid; still using the previous one");
                    continue;
                }
            }
        }
        run(&settings, &mut watcher, reloaded);
    }
    drop(watcher);
    eprintln!("stopped watching");
    Ok(())
}

fn describe(settings: &Settings) -> String {
    match &settings.source {
        Source::File(p) => display_path(p).display().to_string(),
        Source::Url { url, .. } => format!("{url} (polled)"),
        Source::Command { .. } if settings.watch_paths.is_empty() => {
            "the config only (add [watch] paths to follow the backend's sources)".to_owned()
        }
        Source::Command { .. } => settings
            .watch_paths
            .iter()
            .map(|g| display_path(Path::new(g)).display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn status<E>(result: Result<(), E>, started: Instant) {
    if result.is_err() {
        eprintln!(
            "generation failed after {} ms; the previous output is kept",
            started.elapsed().as_millis()
        );
    }
}

fn start_watcher(
    settings: &Settings,
    documents: &[PathBuf],
    tx: mpsc::Sender<Signal>,
) -> notify::Result<notify::RecommendedWatcher> {
    let ctx = context(settings, documents);
    let roots = roots(settings, &ctx);
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res {
            let m = change_matters(kind(&event), &event.paths, &ctx);
            if m != Matters::No {
                let _ = tx.send(Signal::File(m));
            }
        }
    })?;
    for (dir, mode) in roots {
        if dir.is_dir() {
            watcher.watch(&dir, mode)?;
        }
    }
    Ok(watcher)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> WatchContext {
        let mut globs = GlobSetBuilder::new();
        globs.add(Glob::new("/p/backend/**/*.py").expect("glob"));
        WatchContext {
            config: Some(PathBuf::from("/p/web/mizan.toml")),
            schema: Some(PathBuf::from("/p/schema.json")),
            documents: vec![PathBuf::from("/p/schemas/user.yaml")],
            globs: globs.build().expect("set"),
            out_dir: PathBuf::from("/p/web/src/api"),
        }
    }

    fn m(change: Change, path: &str) -> Matters {
        change_matters(change, &[PathBuf::from(path)], &ctx())
    }

    #[test]
    fn the_schema_and_watched_sources_regenerate() {
        assert_eq!(m(Change::Modified, "/p/schema.json"), Matters::Regenerate);
        assert_eq!(
            m(Change::Created, "/p/schema.json"),
            Matters::Regenerate,
            "editors that save by rename"
        );
        assert_eq!(m(Change::Removed, "/p/schema.json"), Matters::Regenerate);
        assert_eq!(
            m(Change::Modified, "/p/backend/app/models.py"),
            Matters::Regenerate
        );
        assert_eq!(
            m(Change::Modified, "/p/backend/deep/er/views.py"),
            Matters::Regenerate
        );
        assert_eq!(
            m(Change::Modified, "/p/schemas/user.yaml"),
            Matters::Regenerate,
            "a file the description refers to"
        );
        assert_eq!(m(Change::Modified, "/p/schemas/other.yaml"), Matters::No);
    }

    #[test]
    fn the_config_reloads() {
        assert_eq!(m(Change::Modified, "/p/web/mizan.toml"), Matters::Reload);
        let both = change_matters(
            Change::Modified,
            &[
                PathBuf::from("/p/schema.json"),
                PathBuf::from("/p/web/mizan.toml"),
            ],
            &ctx(),
        );
        assert_eq!(both, Matters::Reload, "a reload regenerates too");
    }

    #[test]
    fn everything_else_is_ignored() {
        assert_eq!(
            m(Change::Other, "/p/schema.json"),
            Matters::No,
            "reads and metadata"
        );
        assert_eq!(m(Change::Modified, "/p/backend/README.md"), Matters::No);
        assert_eq!(m(Change::Modified, "/p/other.json"), Matters::No);
        assert_eq!(
            m(Change::Modified, "/p/web/src/api/index.ts"),
            Matters::No,
            "our own output"
        );
        assert_eq!(
            m(Change::Modified, "/p/backend/.#models.py"),
            Matters::No,
            "editor lock files"
        );
        assert_eq!(
            m(Change::Modified, "/p/backend/models.py~"),
            Matters::No,
            "backups"
        );
        assert_eq!(m(Change::Created, "/p/backend/.models.py.swp"), Matters::No);
        assert_eq!(change_matters(Change::Modified, &[], &ctx()), Matters::No);
    }
}
