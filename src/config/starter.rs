//! `init`'s starters: what kind of project is around a directory, and the commented mizan.toml
//! written for it.

use std::path::{Path, PathBuf};

use super::{
    BUNDLED_KERNEL, DEFAULT_DEBOUNCE_MS, DEFAULT_OUT_DIR, DEFAULT_PYTHON, DEFAULT_SCHEMA_FILE,
};

/// A commented starter config for the project around `dir`, and what was detected.
pub fn starter(dir: &Path) -> (&'static str, String) {
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
    let output = format!("\n[output]\ndir = \"{DEFAULT_OUT_DIR}\"      # the generated client\nreact = true          # react.tsx: providers and hooks\nforms = true          # forms.ts: form hooks with Zod\nchannels = true       # channels.ts: channel hooks\nkernel = \"{BUNDLED_KERNEL}\"    # or \"@mizan/base\" to import an installed runtime\n");
    let watch_table = |glob: &str| {
        format!("\n[watch]\npaths = [\"{glob}\"]   # --watch regenerates when these change\ndebounce_ms = {DEFAULT_DEBOUNCE_MS}\n")
    };
    let clean = |p: PathBuf| p.display().to_string().trim_start_matches("./").to_owned();
    for c in candidates {
        if dir.join(c).join("manage.py").is_file() {
            let rel = clean(Path::new(c).join("manage.py"));
            let watch = clean(Path::new(c).join("**/*.py"));
            return (
                "Django",
                format!("{header}# A Django project: the schema comes from `manage.py export_mizan_schema`.\n[source.django]\nmanage_path = \"{rel}\"\ncommand = [\"{DEFAULT_PYTHON}\"]   # or [\"uv\", \"run\", \"python\"]\n# env = {{ DJANGO_SETTINGS_MODULE = \"project.settings\" }}\n{output}{}", watch_table(&watch)),
            );
        }
    }
    for c in candidates {
        for module in ["main.py", "app/main.py", "app.py"] {
            if std::fs::read_to_string(dir.join(c).join(module))
                .is_ok_and(|t| t.contains("FastAPI("))
            {
                let dotted = module.trim_end_matches(".py").replace('/', ".");
                let watch = clean(Path::new(c).join("**/*.py"));
                return (
                    "FastAPI",
                    format!("{header}# A FastAPI app: the schema comes from `python -m mizan_fastapi.cli {dotted}`.\n[source.fastapi]\nmodule = \"{dotted}\"\ncwd = \"{c}\"\ncommand = [\"{DEFAULT_PYTHON}\"]   # or [\"uv\", \"run\", \"python\"]\n{output}{}", watch_table(&watch)),
                );
            }
        }
    }
    (
        "schema file",
        format!("{header}# The exported schema, as a file. Other sources: [source.url], [source.command],\n# [source.django] and [source.fastapi] (see the README).\n[source.file]\npath = \"{DEFAULT_SCHEMA_FILE}\"\n{output}"),
    )
}
