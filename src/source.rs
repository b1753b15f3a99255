//! Getting the schema document: read a file, ask a URL, or run the backend's export command.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::config::{display_path, Source};
use crate::diagnostics::{self, Diagnostic};

/// A fetched schema: the name diagnostics call it by, its bytes, and (for URLs) its ETag.
#[derive(Debug)]
pub struct Fetched {
    pub name: String,
    pub bytes: Vec<u8>,
    pub etag: Option<String>,
}

/// Fetches the schema, reading at most `limit` bytes of it (`[source] max_bytes`). `config` is
/// the file the source was configured in, if any, for hints about where its paths are relative
/// to and where the limit is set.
pub fn fetch(source: &Source, config: Option<&Path>, limit: u64) -> Result<Fetched, Diagnostic> {
    let config = config.map(display_path);
    let config = config.as_deref();
    match source {
        Source::File(path) => {
            let name = display_path(path).display().to_string();
            let bytes = read_file(path, limit)
                .map_err(|e| diagnostics::read_failed(&name, &e, config))?
                .ok_or_else(|| diagnostics::over_limit(&name, limit, config))?;
            Ok(Fetched {
                name,
                bytes,
                etag: None,
            })
        }
        Source::Command { argv, cwd, env } => run(argv, cwd, env, limit, config),
        // Without an ETag to compare, "not modified" is the server's mistake.
        Source::Url {
            url,
            headers,
            timeout,
        } => get(url, headers, *timeout, None, limit, config)?
            .ok_or_else(|| diagnostics::url_status(url, 304)),
    }
}

/// Reads `reader` to its end if that comes within `limit` bytes: `Ok(None)` when there is more
/// (of which at most one byte was read), so a device or an endless stream ends too.
pub fn read_limited(reader: impl Read, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// Reads a file of at most `limit` bytes (`Ok(None)` for a longer one). A regular file's size is
/// known first, so a large one is refused without reading it; anything else (a FIFO, a device,
/// standard input) is read up to the limit.
pub fn read_file(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if meta.is_file() && meta.len() > limit {
        return Ok(None);
    }
    read_limited(file, limit)
}

/// How much of a failing command's standard error is kept: its end, which the diagnostic shows.
const STDERR_TAIL: usize = 64 << 10;

fn run(
    argv: &[String],
    cwd: &Path,
    env: &std::collections::BTreeMap<String, String>,
    limit: u64,
    config: Option<&Path>,
) -> Result<Fetched, Diagnostic> {
    let shown = argv.join(" ");
    let name = format!("output of `{shown}`");
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| diagnostics::command_failed(&shown, None, ""))?;
    let mut child = Command::new(program)
        .args(args)
        .current_dir(cwd)
        .envs(env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| diagnostics::command_not_started(&shown, &e))?;
    // Standard error is drained on its own thread so that neither pipe can fill and stall the
    // command; only its end is kept.
    let stderr = child.stderr.take().map(|mut pipe| {
        std::thread::spawn(move || {
            let mut tail = Vec::new();
            let mut chunk = [0u8; 8192];
            while let Ok(n @ 1..) = pipe.read(&mut chunk) {
                tail.extend_from_slice(&chunk[..n]);
                if tail.len() > 2 * STDERR_TAIL {
                    tail.drain(..tail.len() - STDERR_TAIL);
                }
            }
            tail
        })
    });
    let stdout = match child.stdout.take() {
        Some(pipe) => read_limited(pipe, limit),
        None => Ok(Some(Vec::new())),
    };
    let bytes = match stdout {
        Ok(Some(bytes)) => bytes,
        over_or_failed => {
            // The rest is not wanted: stop the command rather than wait for an endless stream.
            // Its standard error thread ends when the pipe closes; it is not waited for, since
            // a process the command started may hold the pipe open.
            let _ = child.kill();
            let _ = child.wait();
            return Err(match over_or_failed {
                Err(e) => diagnostics::read_failed(&name, &e, None),
                _ => diagnostics::over_limit(&name, limit, config),
            });
        }
    };
    let status = child
        .wait()
        .map_err(|e| diagnostics::read_failed(&name, &e, None))?;
    let stderr = stderr
        .and_then(|thread| thread.join().ok())
        .unwrap_or_default();
    if !status.success() {
        return Err(diagnostics::command_failed(
            &shown,
            status.code(),
            &String::from_utf8_lossy(&stderr),
        ));
    }
    Ok(Fetched {
        name,
        bytes,
        etag: None,
    })
}

/// GETs a schema URL, reading at most `limit` bytes of its answer. With `etag`, answers
/// `Ok(None)` when the server says it is unchanged.
pub fn get(
    url: &str,
    headers: &std::collections::BTreeMap<String, String>,
    timeout: std::time::Duration,
    etag: Option<&str>,
    limit: u64,
    config: Option<&Path>,
) -> Result<Option<Fetched>, Diagnostic> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let mut request = agent.get(url);
    for (k, v) in headers {
        request = request.header(k, v);
    }
    if let Some(tag) = etag {
        request = request.header("If-None-Match", tag);
    }
    let mut response = request
        .call()
        .map_err(|e| diagnostics::url_unreachable(url, &e.to_string()))?;
    let status = response.status().as_u16();
    if status == 304 {
        return Ok(None);
    }
    if status != 200 {
        return Err(diagnostics::url_status(url, status));
    }
    let etag = response
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = read_limited(response.body_mut().as_reader(), limit)
        .map_err(|e| diagnostics::url_unreachable(url, &e.to_string()))?
        .ok_or_else(|| diagnostics::over_limit(url, limit, config))?;
    Ok(Some(Fetched {
        name: url.to_owned(),
        bytes,
        etag,
    }))
}

/// Reads the documents a description refers to: files, and URLs where that is allowed.
pub struct DescriptionLoader {
    limit: u64,
    remote: Option<Remote>,
}

/// How URLs are read: with the source's timeout, and its headers only on its own origin (a
/// token for the backend is not sent to another host a reference names).
struct Remote {
    origin: Option<String>,
    headers: std::collections::BTreeMap<String, String>,
    timeout: std::time::Duration,
}

impl DescriptionLoader {
    /// The loader for `settings`' source: URLs are followed when the source is one or
    /// `[source] remote_refs` allows it.
    pub fn new(settings: &crate::config::Settings) -> Self {
        let remote = match &settings.source {
            Source::Url {
                url,
                headers,
                timeout,
            } => Some(Remote {
                origin: origin(url),
                headers: headers.clone(),
                timeout: *timeout,
            }),
            _ if settings.remote_refs => Some(Remote {
                origin: None,
                headers: std::collections::BTreeMap::new(),
                timeout: std::time::Duration::from_secs(crate::config::DEFAULT_URL_TIMEOUT_SECS),
            }),
            _ => None,
        };
        DescriptionLoader {
            limit: settings.max_bytes,
            remote,
        }
    }

    /// A loader that reads files only, up to `limit` bytes each (for `validate`).
    pub fn files_only(limit: u64) -> Self {
        DescriptionLoader {
            limit,
            remote: None,
        }
    }
}

/// `https://host:port` of a URL.
fn origin(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    Some(u.origin().ascii_serialization())
}

impl crate::Loader for DescriptionLoader {
    fn show(&self, location: &crate::Location) -> String {
        match location {
            crate::Location::File(path) => display_path(path).display().to_string(),
            crate::Location::Url(url) => url.clone(),
        }
    }

    fn load(&mut self, location: &crate::Location) -> Result<Vec<u8>, crate::LoadError> {
        use crate::{LoadError, Location};
        match location {
            Location::File(path) => match read_file(path, self.limit) {
                Ok(Some(bytes)) => Ok(bytes),
                Ok(None) => Err(LoadError::OverLimit(self.limit)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    Err(LoadError::Failed("there is no such file".to_owned()))
                }
                Err(e) => Err(LoadError::Failed(e.to_string())),
            },
            Location::Url(url) => {
                let remote = self.remote.as_ref().ok_or(LoadError::Refused)?;
                let empty = std::collections::BTreeMap::new();
                let headers = if remote.origin.is_some() && remote.origin == origin(url) {
                    &remote.headers
                } else {
                    &empty
                };
                match get(url, headers, remote.timeout, None, self.limit, None) {
                    Ok(Some(fetched)) => Ok(fetched.bytes),
                    Ok(None) => Err(LoadError::Failed("the server answered 304".to_owned())),
                    Err(diag) => Err(LoadError::Failed(diag.message)),
                }
            }
        }
    }
}

/// Where a fetched description's relative references are resolved from: the file, the URL, or
/// for a command the directory it runs in.
pub fn location(source: &Source) -> crate::Location {
    match source {
        Source::File(path) if path.as_os_str() == "-" => {
            crate::Location::file(&std::env::current_dir().unwrap_or_default().join("-"))
        }
        Source::File(path) => crate::Location::file(path),
        Source::Url { url, .. } => crate::Location::Url(url.clone()),
        Source::Command { cwd, .. } => crate::Location::file(&cwd.join("-")),
    }
}
