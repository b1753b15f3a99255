//! mizan-reference-backend: a Mizan server in Rust that speaks the whole protocol
//! (docs/PROTOCOL.md) for the reference fixture, so that generated clients are tested against a
//! real server.

pub mod auth;
pub mod cache;
pub mod error;
pub mod fixture;
pub mod registry;
pub mod server;
