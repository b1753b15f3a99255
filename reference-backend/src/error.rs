//! Protocol errors: every failure a client can see, with its code and HTTP status.

use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub code: &'static str,
    pub status: u16,
    pub message: String,
    pub details: Value,
}

impl ApiError {
    fn new(code: &'static str, status: u16, message: impl Into<String>) -> Self {
        ApiError {
            code,
            status,
            message: message.into(),
            details: Value::Null,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new("BAD_REQUEST", 400, message)
    }

    /// A request body, or a WebSocket message, over its size limit.
    pub fn too_large(limit: usize) -> Self {
        Self::new(
            "PAYLOAD_TOO_LARGE",
            413,
            format!("the request body is larger than {limit} bytes"),
        )
    }

    /// `details` maps each field to its errors: `FieldError`s (`{message, code}`) for a form,
    /// message strings for a function's arguments (docs/PROTOCOL.md §3).
    pub fn validation(details: Value) -> Self {
        ApiError {
            details,
            ..Self::new("VALIDATION_FAILED", 422, "the input is not valid")
        }
    }

    pub fn field(field: &str, message: &str) -> Self {
        Self::validation(json!({ field: [message] }))
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new("UNAUTHORIZED", 401, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new("FORBIDDEN", 403, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new("NOT_FOUND", 404, message)
    }

    pub fn not_implemented() -> Self {
        Self::new("NOT_IMPLEMENTED", 501, "this function is not implemented")
    }

    /// Never carries the cause: internals stay in the server's log.
    pub fn internal() -> Self {
        Self::new("INTERNAL_ERROR", 500, "internal server error")
    }

    pub fn body(&self) -> Value {
        json!({ "error": { "code": self.code, "message": self.message, "details": self.details } })
    }
}
