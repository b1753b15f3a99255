//! The bundle cache: context bundles keyed by `ctx:<context>:` + hex(HMAC-SHA256(secret, J)),
//! J the compact key-sorted JSON of `{c, p, r, u}` (docs/PROTOCOL.md, cache keys). Entries
//! expire after the context's `cache` seconds and are purged by invalidations.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use crate::auth::hmac_hex;

struct Entry {
    context: String,
    params: Map<String, Value>,
    body: String,
    expires: Instant,
}

#[derive(Default)]
pub struct BundleCache {
    entries: BTreeMap<String, Entry>,
}

/// Params as the key's J writes them: booleans and null as strings, the rest as they are.
fn key_params(params: &Map<String, Value>) -> Value {
    let sorted: BTreeMap<&String, Value> = params
        .iter()
        .map(|(k, v)| {
            let v = match v {
                Value::Bool(b) => json!(b.to_string()),
                Value::Null => json!("null"),
                other => other.clone(),
            };
            (k, v)
        })
        .collect();
    json!(sorted)
}

pub fn key(
    secret: &[u8],
    context: &str,
    params: &Map<String, Value>,
    rev: i64,
    user: Option<i64>,
) -> String {
    let mut j: BTreeMap<&str, Value> = BTreeMap::new();
    j.insert("c", json!(context));
    j.insert("p", key_params(params));
    j.insert("r", json!(rev));
    if let Some(u) = user {
        j.insert("u", json!(u));
    }
    let text = crate::protocol::canonical(&json!(j));
    format!("ctx:{context}:{}", hmac_hex(secret, text.as_bytes()))
}

fn same(a: &Value, b: &Value) -> bool {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    a == b || text(a) == text(b)
}

impl BundleCache {
    pub fn get(&mut self, key: &str) -> Option<String> {
        match self.entries.get(key) {
            Some(e) if e.expires > Instant::now() => Some(e.body.clone()),
            Some(_) => {
                self.entries.remove(key);
                None
            }
            None => None,
        }
    }

    pub fn put(
        &mut self,
        key: String,
        context: &str,
        params: &Map<String, Value>,
        body: String,
        ttl: Duration,
    ) {
        self.entries.insert(
            key,
            Entry {
                context: context.to_owned(),
                params: params.clone(),
                body,
                expires: Instant::now() + ttl,
            },
        );
    }

    /// Removes the context's entries whose params contain `scope` (all of them when `None`).
    pub fn purge(&mut self, context: &str, scope: Option<&Map<String, Value>>) -> usize {
        let before = self.entries.len();
        self.entries.retain(|_, e| {
            e.context != context
                || scope.is_some_and(|s| {
                    !s.iter()
                        .all(|(k, v)| e.params.get(k).is_some_and(|p| same(p, v)))
                })
        });
        before - self.entries.len()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn keys_ignore_param_order_and_depend_on_everything_else() {
        let a = key(
            b"s",
            "user",
            &params(json!({"user_id": 5, "flag": true})),
            0,
            Some(1),
        );
        let b = key(
            b"s",
            "user",
            &params(json!({"flag": true, "user_id": 5})),
            0,
            Some(1),
        );
        assert_eq!(a, b);
        assert!(a.starts_with("ctx:user:"));
        assert_ne!(
            a,
            key(
                b"s",
                "user",
                &params(json!({"user_id": 5, "flag": true})),
                1,
                Some(1)
            ),
            "rev"
        );
        assert_ne!(
            a,
            key(
                b"s",
                "user",
                &params(json!({"user_id": 5, "flag": true})),
                0,
                Some(2)
            ),
            "user"
        );
        assert_ne!(
            a,
            key(
                b"t",
                "user",
                &params(json!({"user_id": 5, "flag": true})),
                0,
                Some(1)
            ),
            "secret"
        );
        assert_eq!(
            key(b"s", "c", &params(json!({"x": true})), 0, None),
            key(b"s", "c", &params(json!({"x": "true"})), 0, None),
            "booleans are written as strings"
        );
    }

    #[test]
    fn purge_is_scoped_or_broad() {
        let mut c = BundleCache::default();
        let ttl = Duration::from_secs(60);
        for id in [1, 2] {
            let p = params(json!({"user_id": id}));
            c.put(
                key(b"s", "user", &p, 0, None),
                "user",
                &p,
                format!("{id}"),
                ttl,
            );
        }
        c.put("other".into(), "items", &Map::new(), "i".into(), ttl);
        assert_eq!(c.purge("user", Some(&params(json!({"user_id": "1"})))), 1);
        assert_eq!(c.len(), 2);
        assert_eq!(c.purge("user", None), 1);
        assert_eq!(c.len(), 1);
    }
}
