//! JSON Pointers (RFC 6901) as `$ref` fragments spell them: `/`-separated tokens with `~0`/`~1`
//! escapes, percent-encoded as URI fragments are.

use std::borrow::Cow;

use super::json::{Node, Value};

/// Why a pointer does not resolve: the token that failed and what it met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointerError {
    /// The pointer up to, not including, the failed token.
    pub resolved: String,
    pub token: String,
    pub reason: String,
}

/// The node `fragment` (the part of a `$ref` after `#`, still percent-encoded) points at.
pub fn resolve<'n>(root: &'n Node, fragment: &str) -> Result<&'n Node, PointerError> {
    let decoded = percent_decode(fragment);
    if decoded.is_empty() {
        return Ok(root);
    }
    let Some(rest) = decoded.strip_prefix('/') else {
        return Err(PointerError {
            resolved: String::new(),
            token: decoded.into_owned(),
            reason: "a JSON Pointer starts with `/`".to_owned(),
        });
    };
    let mut node = root;
    let mut resolved = String::new();
    for raw in rest.split('/') {
        let token = decode_token(raw);
        let next = match &node.value {
            Value::Object(_) => node
                .get(&token)
                .ok_or_else(|| format!("no member `{token}`")),
            Value::Array(items) => match token.parse::<usize>() {
                Ok(i) if items.get(i).is_some() => Ok(&items[i]),
                Ok(i) => Err(format!("index {i} is past the end ({} items)", items.len())),
                Err(_) => Err(format!("`{token}` is not an array index")),
            },
            _ => Err(format!("{} has no members", node.kind_name())),
        };
        match next {
            Ok(n) => node = n,
            Err(reason) => {
                return Err(PointerError {
                    resolved,
                    token: token.into_owned(),
                    reason,
                })
            }
        }
        resolved.push('/');
        resolved.push_str(raw);
    }
    Ok(node)
}

/// `~1` → `/`, `~0` → `~`.
pub fn decode_token(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~").into()
    } else {
        token.into()
    }
}

/// A name as a pointer token: `~` → `~0`, `/` → `~1`, and what a URI fragment cannot hold
/// percent-encoded.
pub fn escape(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            '%' | '#' | ' ' | '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}' => {
                out.push_str(&format!("%{:02X}", c as u32));
            }
            c if c.is_control() => {
                let mut buf = [0; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// `%XX` → the byte; malformed escapes are kept as written.
pub fn percent_decode(text: &str) -> Cow<'_, str> {
    if !text.contains('%') {
        return text.into();
    }
    let raw = text.as_bytes();
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' {
            let hex = raw
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                bytes.push(b);
                i += 3;
                continue;
            }
        }
        bytes.push(raw[i]);
        i += 1;
    }
    String::from_utf8_lossy(&bytes).into_owned().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::json;

    #[test]
    fn resolves_escaped_tokens_and_indexes() {
        let root = json::parse(r#"{"a/b": {"c~d": [1, {"e f": 2}]}}"#).expect("valid");
        let found = resolve(&root, "/a~1b/c~0d/1/e%20f").expect("resolves");
        assert_eq!(found.as_i64(), Some(2));
        let err = resolve(&root, "/a~1b/c~0d/5").expect_err("past the end");
        assert_eq!(err.resolved, "/a~1b/c~0d");
        assert_eq!(err.reason, "index 5 is past the end (2 items)");
        assert_eq!(escape("a/b~c d"), "a~1b~0c%20d");
        assert!(std::ptr::eq(resolve(&root, "").expect("root"), &root));
    }
}
