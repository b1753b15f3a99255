//! `init`'s starters: what kind of project is around a directory, which Python its backend runs
//! on, and the commented mizan.toml written for it.

use std::path::Path;

use super::{
    BUNDLED_KERNEL, DEFAULT_DEBOUNCE_MS, DEFAULT_MAX_PER_CODE, DEFAULT_OUT_DIR, DEFAULT_PYTHON,
    DEFAULT_SCHEMA_FILE,
};

/// A starter config: what was detected, the file's text and, for a Python backend, the
/// interpreter its `command` runs.
#[derive(Debug)]
pub struct Starter {
    pub kind: &'static str,
    pub text: String,
    pub python: Option<Interpreter>,
}

/// The Python a Django or FastAPI starter runs.
#[derive(Debug, PartialEq, Eq)]
pub struct Interpreter {
    /// As written in `command`: relative to mizan.toml when it is inside the project, else
    /// absolute; `python` when no virtualenv was found.
    pub command: String,
    /// Where the virtualenv was found (`$VIRTUAL_ENV`, `.venv/`, `venv/`); `None` when none
    /// was, and `python` from PATH is used.
    pub found_in: Option<String>,
}

/// What `init` tells about its choice.
impl std::fmt::Display for Interpreter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.found_in {
            Some(place) => write!(f, "python: {}, the virtualenv in {place}", self.command),
            None => write!(
                f,
                "python: `{}` from PATH, as no virtualenv was found ($VIRTUAL_ENV, or .venv/ or venv/ beside the project); edit `command` to use another",
                self.command
            ),
        }
    }
}

/// Where a virtualenv keeps its interpreter.
const VENV_PYTHON: &str = if cfg!(windows) {
    "Scripts/python.exe"
} else {
    "bin/python"
};

/// A path relative to the directory `init` runs for, as the config writes it: without a
/// leading `./`, with forward slashes (TOML strings take them as they are, on every system).
fn clean(p: &Path) -> String {
    p.display()
        .to_string()
        .replace('\\', "/")
        .trim_start_matches("./")
        .to_owned()
}

/// `$VIRTUAL_ENV`'s interpreter, if it has one: relative to mizan.toml when the virtualenv is
/// inside the project (`dir` or the backend's folder), so the file works on every checkout;
/// absolute otherwise (a virtualenv kept elsewhere is this machine's).
fn active(dir: &Path, backend: &str, env: &Path) -> Option<Interpreter> {
    let env = std::fs::canonicalize(env).ok()?;
    let python = env.join(VENV_PYTHON);
    if !python.is_file() {
        return None;
    }
    let base = std::fs::canonicalize(dir).ok();
    let inside = [base.clone(), std::fs::canonicalize(dir.join(backend)).ok()]
        .into_iter()
        .flatten()
        .any(|d| env.starts_with(d));
    let relative = base
        .filter(|_| inside)
        .and_then(|base| pathdiff::diff_paths(&python, base));
    Some(Interpreter {
        command: relative
            .as_deref()
            .map_or_else(|| python.display().to_string(), clean),
        found_in: Some("$VIRTUAL_ENV".to_owned()),
    })
}

/// The Python for a backend in `dir/backend`: `$VIRTUAL_ENV`'s when it is set and has one,
/// else a `.venv/` or `venv/` beside the backend or in `dir`, else `python` from PATH.
fn interpreter(dir: &Path, backend: &str, virtual_env: Option<&Path>) -> Interpreter {
    if let Some(python) = virtual_env.and_then(|env| active(dir, backend, env)) {
        return python;
    }
    let mut places = vec![backend];
    if backend != "." {
        places.push(".");
    }
    for place in places {
        for venv in [".venv", "venv"] {
            let rel = Path::new(place).join(venv);
            if dir.join(&rel).join(VENV_PYTHON).is_file() {
                let rel = clean(&rel);
                return Interpreter {
                    command: format!("{rel}/{VENV_PYTHON}"),
                    found_in: Some(format!("{rel}/")),
                };
            }
        }
    }
    Interpreter {
        command: DEFAULT_PYTHON.to_owned(),
        found_in: None,
    }
}

/// A commented starter config for the project around `dir`. `virtual_env` is `$VIRTUAL_ENV`.
pub fn starter(dir: &Path, virtual_env: Option<&Path>) -> Starter {
    let candidates = [
        ".",
        "backend",
        "server",
        "api",
        "../backend",
        "../server",
        "../api",
        "..",
    ];
    let header = "# mizan-generate configuration (see the README's Configuration section).\n\n";
    let output = format!("\n[output]\ndir = \"{DEFAULT_OUT_DIR}\"      # the generated client\nframework = \"react\"   # the hooks' framework: \"react\", \"vue\", \"svelte\", or \"none\" for the plain client\nforms = true          # forms.ts (forms.svelte.ts): form hooks with Zod\nchannels = true       # channels.ts (channels.svelte.ts): channel hooks\nkernel = \"{BUNDLED_KERNEL}\"    # or \"@mizan/base\" to import an installed runtime\n\n[diagnostics]\nmax_per_code = {DEFAULT_MAX_PER_CODE}      # shown in full per code, the rest counted; 0 or --verbose: all\n");
    let watch_table = |glob: &str| {
        format!("\n[watch]\npaths = [\"{glob}\"]   # --watch regenerates when these change\ndebounce_ms = {DEFAULT_DEBOUNCE_MS}\n")
    };
    let command = |python: &Interpreter| {
        let value = toml::Value::String(python.command.clone());
        match python.found_in {
            Some(_) => format!("command = [{value}]   # the project's virtualenv; or [\"uv\", \"run\", \"python\"]\n"),
            None => format!("command = [{value}]   # or [\"uv\", \"run\", \"python\"]\n"),
        }
    };
    for c in candidates {
        if dir.join(c).join("manage.py").is_file() {
            let rel = clean(&Path::new(c).join("manage.py"));
            let watch = clean(&Path::new(c).join("**/*.py"));
            let python = interpreter(dir, c, virtual_env);
            return Starter {
                kind: "Django",
                text: format!("{header}# A Django project: the schema comes from `manage.py export_mizan_schema`.\n[source.django]\nmanage_path = \"{rel}\"\n{}# env = {{ DJANGO_SETTINGS_MODULE = \"project.settings\" }}\n{output}{}", command(&python), watch_table(&watch)),
                python: Some(python),
            };
        }
    }
    for c in candidates {
        for module in ["main.py", "app/main.py", "app.py"] {
            if std::fs::read_to_string(dir.join(c).join(module))
                .is_ok_and(|t| t.contains("FastAPI("))
            {
                let dotted = module.trim_end_matches(".py").replace('/', ".");
                let watch = clean(&Path::new(c).join("**/*.py"));
                let python = interpreter(dir, c, virtual_env);
                return Starter {
                    kind: "FastAPI",
                    text: format!("{header}# A FastAPI app: the schema comes from `python -m mizan_fastapi.cli {dotted}`.\n[source.fastapi]\nmodule = \"{dotted}\"\ncwd = \"{c}\"\n{}{output}{}", command(&python), watch_table(&watch)),
                    python: Some(python),
                };
            }
        }
    }
    Starter {
        kind: "schema file",
        text: format!("{header}# The exported schema, as a file. Other sources: [source.url], [source.command],\n# [source.django] and [source.fastapi] (see the README).\n[source.file]\npath = \"{DEFAULT_SCHEMA_FILE}\"\n{output}"),
        python: None,
    }
}
