//! Prettier's layout rules for the TypeScript the generator writes: each [`Decl`] is turned into
//! a [`Doc`](super::doc::Doc) built the way Prettier's own printer builds one for that syntax,
//! then printed with Prettier's line-fitting algorithm ([`super::printer`]), so that generated files
//! are a fixed point of `prettier --check` with its defaults. Only the syntax the generator
//! emits is covered.
//!
//! The rules follow one Prettier release, [`PRETTIER_VERSION`]: the one `e2e/package-lock.json`
//! pins (a test checks they agree), whose output the committed corpus in
//! `tests/prettier-corpus/` records.
//!
//! [`Decl`]: super::syntax::Decl

mod declarations;
mod layout;
mod types;
mod values;

pub use declarations::format;

/// The Prettier release whose output these rules reproduce.
pub const PRETTIER_VERSION: &str = "3.10.1";
