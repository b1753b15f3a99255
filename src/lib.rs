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

/// Documents larger than this are refused before parsing (spans are 32-bit offsets).
pub const MAX_DOCUMENT_BYTES: usize = 1 << 30;

/// The result of reading one schema document: the IR when it is valid, and every diagnostic
/// (warnings included) either way.
#[derive(Debug)]
pub struct Analysis {
    /// The files the diagnostics point into; for now only the document itself, at base 0.
    pub source: SourceMap,
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

/// Reads a schema document (`name` is how diagnostics refer to it) into the IR.
pub fn analyze(name: &str, bytes: &[u8]) -> Analysis {
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
                ir: None,
                diagnostics: vec![diagnostics::not_utf8(e.valid_up_to())],
            };
        }
    };
    let source = SourceMap::new(SourceFile::new(name, text));
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Analysis {
            source,
            ir: None,
            diagnostics: vec![diagnostics::too_large(bytes.len())],
        };
    }
    // Parsing and lowering recurse along the document's nesting, which the parser bounds; the
    // dedicated thread makes that bound safe whatever stack the caller runs on.
    let (ir, diagnostics) = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("mizan-analyze".into())
            .stack_size(64 << 20)
            .spawn_scoped(scope, || match openapi::parse_document(text) {
                Ok(doc) => ir::build(&doc),
                Err(diag) => (None, vec![diag]),
            })
            .map(|handle| handle.join())
    })
    .unwrap_or_else(|e| {
        let diag = diagnostics::internal(&format!("cannot start the analysis thread: {e}"));
        Ok((None, vec![diag]))
    })
    .unwrap_or_else(|_| (None, vec![diagnostics::internal("the analysis panicked")]));
    Analysis {
        source,
        ir,
        diagnostics,
    }
}
