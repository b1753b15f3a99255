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

/// Fetches the schema. `config` is the file the source was configured in, if any, for hints
/// about where its paths are relative to.
pub fn fetch(source: &Source, config: Option<&Path>) -> Result<Fetched, Diagnostic> {
    match source {
        Source::File(path) => {
            let name = display_path(path).display().to_string();
            let bytes = std::fs::read(path).map_err(|e| {
                diagnostics::read_failed(&name, &e, config.map(display_path).as_deref())
            })?;
            Ok(Fetched {
                name,
                bytes,
                etag: None,
            })
        }
        Source::Command { argv, cwd, env } => run(argv, cwd, env),
        // Without an ETag to compare, "not modified" is the server's mistake.
        Source::Url {
            url,
            headers,
            timeout,
        } => get(url, headers, *timeout, None)?.ok_or_else(|| diagnostics::url_status(url, 304)),
    }
}

fn run(
    argv: &[String],
    cwd: &Path,
    env: &std::collections::BTreeMap<String, String>,
) -> Result<Fetched, Diagnostic> {
    let shown = argv.join(" ");
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| diagnostics::command_failed(&shown, None, ""))?;
    let output = Command::new(program)
        .args(args)
        .current_dir(cwd)
        .envs(env)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| diagnostics::command_not_started(&shown, &e))?;
    if !output.status.success() {
        return Err(diagnostics::command_failed(
            &shown,
            output.status.code(),
            &String::from_utf8_lossy(&output.stderr),
        ));
    }
    Ok(Fetched {
        name: format!("output of `{shown}`"),
        bytes: output.stdout,
        etag: None,
    })
}

/// GETs a schema URL. With `etag`, answers `Ok(None)` when the server says it is unchanged.
pub fn get(
    url: &str,
    headers: &std::collections::BTreeMap<String, String>,
    timeout: std::time::Duration,
    etag: Option<&str>,
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
    let mut bytes = Vec::new();
    response
        .body_mut()
        .as_reader()
        .take(crate::MAX_DOCUMENT_BYTES as u64)
        .read_to_end(&mut bytes)
        .map_err(|e| diagnostics::url_unreachable(url, &e.to_string()))?;
    Ok(Some(Fetched {
        name: url.to_owned(),
        bytes,
        etag,
    }))
}
