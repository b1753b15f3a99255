//! mizan-reference-backend: a Mizan server in Rust that speaks the whole protocol
//! (docs/PROTOCOL.md) for the reference fixture, so that generated clients are tested against a
//! real server.
//!
//! Modules depend one way, each only on those listed before it: `error` and `model` (the
//! fixture's data); `call` (what a handler sees of a call); `auth`; `registry`; `fixture`;
//! `protocol` (wire formats, no transport); `cache`; `state` (what a request does); `ws` (the
//! channel socket); `http` (the axum routes). `tests/layers.rs` holds them to it.

pub mod auth;
pub mod cache;
pub mod call;
pub mod error;
pub mod fixture;
pub mod http;
pub mod model;
pub mod protocol;
pub mod registry;
pub mod state;
pub mod ws;
