//! mizan-generate: typed TypeScript clients and React hooks from a Mizan backend's exported
//! OpenAPI document. See ARCHITECTURE.md for the code map.

pub mod app;
pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod emit;
pub mod ir;
pub mod openapi;
pub mod output;
pub mod source;
pub mod span;
pub mod text;
pub mod watch;

use diagnostics::{Diagnostic, SourceFile, SourceMap};
pub use ir::names::Framework;
pub use openapi::bundle::Location;

/// Documents larger than this are refused before parsing (spans are 32-bit offsets).
pub const MAX_DOCUMENT_BYTES: usize = 1 << 30;

/// The result of reading one schema document: the IR when it is valid, and every diagnostic
/// (warnings included) either way.
#[derive(Debug)]
pub struct Analysis {
    /// The files the diagnostics point into: the document itself at base 0, then every other
    /// document of the description that was read, each at the base its spans start at.
    pub source: SourceMap,
    /// Every other document the description refers to, read or not, in the order first met
    /// (what `--watch` follows).
    pub refers_to: Vec<Location>,
    pub ir: Option<ir::Ir>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// What a [`Loader`] could not do.
#[derive(Debug)]
pub enum LoadError {
    /// Reading this location is not allowed (a URL from a local description).
    Refused,
    /// Larger than the limit, in bytes.
    OverLimit(u64),
    Failed(String),
}

/// Reads the other documents a description refers to (`$ref: ./schemas/user.yaml`). The
/// analysis decides what to read; the loader only reads, so the analysis does no I/O itself.
pub trait Loader: Send {
    /// The document's bytes.
    fn load(&mut self, location: &Location) -> Result<Vec<u8>, LoadError>;

    /// How messages, and the code frames of the document, name a location (a file relative to
    /// the current directory, say).
    fn show(&self, location: &Location) -> String {
        location.to_string()
    }
}

/// A loader for a description that must be one document: every reference elsewhere is refused.
pub struct SingleDocument;

impl Loader for SingleDocument {
    fn load(&mut self, location: &Location) -> Result<Vec<u8>, LoadError> {
        Err(LoadError::Failed(format!(
            "`{location}` is another document, and this description is read as one"
        )))
    }
}

/// At most this many documents make up one description.
pub const MAX_DOCUMENTS: usize = 4096;

/// Reads a schema document that refers to no other (`name` is how diagnostics refer to it),
/// with React's names.
pub fn analyze(name: &str, bytes: &[u8]) -> Analysis {
    analyze_for(name, bytes, Framework::React)
}

/// [`analyze`], with the names of `framework`'s layer.
pub fn analyze_for(name: &str, bytes: &[u8], framework: Framework) -> Analysis {
    analyze_description(
        name,
        bytes,
        &Location::file(std::path::Path::new(name)),
        &mut SingleDocument,
        framework,
    )
}

/// Reads a description into the IR: the document at `location` (`name` is how diagnostics
/// refer to it), and every document it refers to, read through `loader`. The names the client
/// will export are `framework`'s (two items may collide in one framework only).
pub fn analyze_description(
    name: &str,
    bytes: &[u8],
    location: &Location,
    loader: &mut dyn Loader,
    framework: Framework,
) -> Analysis {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let source = SourceMap::new(SourceFile::new(
                name,
                String::from_utf8_lossy(bytes).into_owned(),
            ));
            // Offsets in the lossy copy match the original up to the first bad byte.
            return Analysis {
                source,
                refers_to: Vec::new(),
                ir: None,
                diagnostics: vec![diagnostics::not_utf8(e.valid_up_to())],
            };
        }
    };
    let source = SourceMap::new(SourceFile::new(name, text));
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Analysis {
            source,
            refers_to: Vec::new(),
            ir: None,
            diagnostics: vec![diagnostics::too_large(bytes.len())],
        };
    }
    // Parsing and lowering recurse along the document's nesting, which the parser bounds; the
    // dedicated thread makes that bound safe whatever stack the caller runs on.
    let analyse = || {
        let mut read = Description::new(source.clone(), loader);
        let (ir, mut diags) = match openapi::parse_document(name, text) {
            Ok(doc) => {
                let doc = read.bundle(doc, location, name);
                if read.failed() {
                    (None, Vec::new())
                } else {
                    ir::build(&doc, framework)
                }
            }
            Err(diag) => (None, vec![diag]),
        };
        let (source, refers_to, mut all) = read.finish();
        all.append(&mut diags);
        (ir, source, refers_to, all)
    };
    let failed = |diag| (None, source.clone(), Vec::new(), vec![diag]);
    let (ir, source, refers_to, diagnostics) = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("mizan-analyze".into())
            .stack_size(64 << 20)
            .spawn_scoped(scope, analyse)
            .map(|handle| handle.join())
    })
    .unwrap_or_else(|e| {
        let diag = diagnostics::internal(&format!("cannot start the analysis thread: {e}"));
        Ok(failed(diag))
    })
    .unwrap_or_else(|_| failed(diagnostics::internal("the analysis panicked")));
    Analysis {
        source,
        refers_to,
        ir,
        diagnostics,
    }
}

/// The documents of a description as they are read: each parsed at an offset of its own.
/// The other documents `root` refers to (the part of each `$ref` before `#`), with the spans
/// of their `$ref`s, owned so that reading them can add documents.
fn owned_refs(root: &openapi::json::Node) -> Vec<(String, span::Span)> {
    openapi::bundle::external_refs(root)
        .into_iter()
        .map(|r| (r.document.to_owned(), r.span))
        .collect()
}

struct Description<'l> {
    parts: Vec<openapi::bundle::Part>,
    /// Every location read or tried, and the same in order.
    seen: std::collections::HashSet<Location>,
    tried: Vec<Location>,
    /// The texts read, each at the base its spans start at.
    sources: SourceMap,
    loader: &'l mut dyn Loader,
    diags: Vec<Diagnostic>,
}

impl<'l> Description<'l> {
    fn new(sources: SourceMap, loader: &'l mut dyn Loader) -> Self {
        Description {
            parts: Vec::new(),
            seen: std::collections::HashSet::new(),
            tried: Vec::new(),
            sources,
            loader,
            diags: Vec::new(),
        }
    }

    fn failed(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    /// Reads every document `doc` refers to, directly or not, and merges them into one.
    fn bundle(
        &mut self,
        doc: openapi::Document,
        location: &Location,
        name: &str,
    ) -> openapi::Document {
        let mut refs = owned_refs(&doc.root);
        if refs.is_empty() {
            return doc;
        }
        let openapi::Document { root, dialect } = doc;
        self.seen.insert(location.clone());
        self.parts.push(openapi::bundle::Part {
            location: location.clone(),
            name: name.to_owned(),
            root,
        });
        let mut next = 0;
        loop {
            let from = self.parts[next].location.clone();
            for (reference, span) in refs {
                self.read(&from, &reference, span);
            }
            next += 1;
            let Some(part) = self.parts.get(next) else {
                break;
            };
            refs = owned_refs(&part.root);
        }
        let parts = std::mem::take(&mut self.parts);
        let (root, mut diags) = openapi::bundle::bundle(parts);
        self.diags.append(&mut diags);
        openapi::Document { root, dialect }
    }

    /// Reads the document `reference` (written in the document at `from`) names, unless it has
    /// been read.
    fn read(&mut self, from: &Location, reference: &str, span: span::Span) {
        let location = match from.join(reference) {
            Ok(location) => location,
            Err(reason) => {
                self.diags
                    .push(diagnostics::ref_unreadable(span, reference, &reason));
                return;
            }
        };
        if !self.seen.insert(location.clone()) {
            return;
        }
        self.tried.push(location.clone());
        if self.parts.len() >= MAX_DOCUMENTS {
            self.diags
                .push(diagnostics::too_many_documents(span, MAX_DOCUMENTS));
            return;
        }
        let shown = self.loader.show(&location);
        let read = match self.loader.load(&location) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|e| {
                format!(
                    "it is not UTF-8 (byte {} is not valid)",
                    e.utf8_error().valid_up_to()
                )
            }),
            Err(LoadError::Refused) => {
                self.diags
                    .push(diagnostics::remote_ref_refused(span, &shown));
                return;
            }
            Err(LoadError::OverLimit(limit)) => Err(format!(
                "it is larger than {limit} bytes (`[source] max_bytes`)"
            )),
            Err(LoadError::Failed(reason)) => Err(reason),
        };
        let text = match read {
            Ok(text) => text,
            Err(reason) => {
                self.diags
                    .push(diagnostics::ref_unreadable(span, &shown, &reason));
                return;
            }
        };
        let Some(base) = self.sources.add(shown.as_str(), text.as_str()) else {
            let total = self
                .sources
                .files()
                .map(|(b, f)| b as usize + f.text.len())
                .max();
            self.diags
                .push(diagnostics::too_large(total.unwrap_or(0) + text.len()));
            return;
        };
        let parsed = openapi::parse_fragment(&shown, &text, base);
        match parsed {
            Ok(root) => self.parts.push(openapi::bundle::Part {
                location,
                name: shown,
                root,
            }),
            Err(diag) => self.diags.push(diag),
        }
    }

    fn finish(self) -> (SourceMap, Vec<Location>, Vec<Diagnostic>) {
        (self.sources, self.tried, self.diags)
    }
}
