//! The protocol's wire formats (docs/PROTOCOL.md §3), whatever carries them: where the
//! endpoints are mounted, body limits and credential names, canonical JSON, the answer to a
//! call with its effects (invalidations and merges, derived from the registry), the
//! `X-Mizan-Invalidate` header, WebSocket error frames, and context params read from a query
//! string.

use std::collections::BTreeMap;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::registry::{Api, ContextInfo, Function, Target};

/// Where the protocol's endpoints are mounted.
pub const MOUNT: &str = "/api/mizan";
/// The largest JSON message accepted, whatever carries it: the body of a JSON call over HTTP
/// (larger is `413 PAYLOAD_TOO_LARGE`) and any WebSocket message (larger closes the socket
/// with code 1009).
pub const MAX_JSON_MESSAGE: usize = 1 << 20;
/// The largest multipart call body accepted.
pub const MAX_UPLOAD_BODY: usize = 8 << 20;
pub const CSRF_COOKIE: &str = "csrftoken";
pub const CSRF_HEADER: &str = "x-csrftoken";
pub const SESSION_COOKIE: &str = "mizan_session";

/// Key-sorted compact JSON, at every depth: the same value always gives the same bytes.
pub fn canonical(value: &Value) -> String {
    fn sort(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let sorted: BTreeMap<&String, Value> =
                    m.iter().map(|(k, v)| (k, sort(v))).collect();
                Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(sort).collect()),
            other => other.clone(),
        }
    }
    sort(value).to_string()
}

/// The answer to a successful call, before serialisation.
pub struct CallOutcome {
    pub result: Value,
    pub invalidate: Vec<Value>,
    pub merge: Vec<Value>,
}

/// Cached bundles of `context` that a call made stale: those whose params contain `scope`,
/// or all of them when `None`.
pub struct Stale {
    pub context: String,
    pub scope: Option<Map<String, Value>>,
}

/// The arguments that scope an invalidation or merge of `context`: the values of its required
/// params, when the call's arguments include every one of them.
fn scope(api: &Api, context: &str, args: &Map<String, Value>) -> Option<Map<String, Value>> {
    let info = api.contexts.get(context)?;
    let required: Vec<&String> = info
        .params
        .iter()
        .filter(|(_, p)| p.required)
        .map(|(k, _)| k)
        .collect();
    if required.is_empty() || !required.iter().all(|k| args.contains_key(*k)) {
        return None;
    }
    Some(
        required
            .into_iter()
            .map(|k| (k.clone(), args[k].clone()))
            .collect(),
    )
}

/// The effects of a successful call of `f` with `args`: the invalidations and merges its
/// answer announces, and the cached bundles they make stale.
pub fn effects(
    api: &Api,
    f: &Function,
    args: &Map<String, Value>,
    result: Value,
) -> (CallOutcome, Vec<Stale>) {
    let mut stale = Vec::new();
    let mut invalidate = Vec::new();
    for t in &f.affects {
        match t {
            Target::Context(c) => match scope(api, c, args) {
                Some(params) => {
                    stale.push(Stale {
                        context: c.clone(),
                        scope: Some(params.clone()),
                    });
                    invalidate.push(json!({ "context": c, "params": params }));
                }
                None => {
                    stale.push(Stale {
                        context: c.clone(),
                        scope: None,
                    });
                    invalidate.push(json!(c));
                }
            },
            Target::Function { function, context } => {
                stale.push(Stale {
                    context: context.clone(),
                    scope: None,
                });
                invalidate.push(json!({ "function": function, "context": context }));
            }
        }
    }
    let mut merge = Vec::new();
    for c in &f.merge {
        let slot = &api.merge_slots[&(f.name.clone(), c.clone())];
        let mut entry = json!({ "context": c, "slot": slot, "value": result });
        let params = scope(api, c, args);
        stale.push(Stale {
            context: c.clone(),
            scope: params.clone(),
        });
        if let Some(params) = params {
            entry["params"] = Value::Object(params);
        }
        merge.push(entry);
    }
    let outcome = CallOutcome {
        result,
        invalidate,
        merge,
    };
    (outcome, stale)
}

/// The body of a call's answer: `result`, and `invalidate` and `merge` when there are any.
pub fn outcome_body(outcome: &CallOutcome) -> Value {
    let mut body = json!({ "result": outcome.result });
    if !outcome.invalidate.is_empty() {
        body["invalidate"] = json!(outcome.invalidate);
    }
    if !outcome.merge.is_empty() {
        body["merge"] = json!(outcome.merge);
    }
    body
}

const HEADER_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn param_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `X-Mizan-Invalidate: user;user_id=5, notifications`: the body's invalidations, as a header.
pub fn invalidate_header(entries: &[Value]) -> String {
    entries
        .iter()
        .map(|e| match e {
            Value::String(c) => c.clone(),
            Value::Object(o) => {
                let mut text = o
                    .get("context")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                if let Some(Value::Object(params)) = o.get("params") {
                    let sorted: BTreeMap<&String, &Value> = params.iter().collect();
                    for (k, v) in sorted {
                        text.push_str(&format!(
                            ";{k}={}",
                            utf8_percent_encode(&param_text(v), HEADER_VALUE)
                        ));
                    }
                }
                text
            }
            _ => String::new(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A WebSocket frame answering frame `id` with an error.
pub fn error_frame(id: &Value, e: &ApiError) -> Value {
    json!({ "id": id, "error": e.body()["error"] })
}

/// A query-string value read by its param's schema.
fn read_param(name: &str, raw: &str, schema: &Value) -> Result<Value, ApiError> {
    let bad = |what: &str| ApiError::field(name, &format!("expected {what}"));
    Ok(match schema.get("type").and_then(Value::as_str) {
        Some("integer") => json!(raw.parse::<i64>().map_err(|_| bad("an integer"))?),
        Some("number") => json!(raw.parse::<f64>().map_err(|_| bad("a number"))?),
        Some("boolean") => match raw {
            "true" => json!(true),
            "false" => json!(false),
            _ => return Err(bad("true or false")),
        },
        Some("string") => json!(raw),
        _ => serde_json::from_str(raw).unwrap_or_else(|_| json!(raw)),
    })
}

/// A context's params from a query string (the last value of a repeated name wins), each read
/// by its schema; every missing or malformed param is reported at once.
pub fn context_params(
    info: &ContextInfo,
    query: &[(String, String)],
) -> Result<Map<String, Value>, ApiError> {
    let mut params = Map::new();
    let mut errors = Map::new();
    for (p, decl) in &info.params {
        match query.iter().rev().find(|(k, _)| k == p) {
            Some((_, raw)) => match read_param(p, raw, &decl.schema) {
                Ok(v) => {
                    params.insert(p.clone(), v);
                }
                Err(e) => {
                    errors.extend(e.details.as_object().cloned().unwrap_or_default());
                }
            },
            None if decl.required => {
                errors.insert(p.clone(), json!(["This param is required."]));
            }
            None => {}
        }
    }
    if errors.is_empty() {
        Ok(params)
    } else {
        Err(ApiError::validation(Value::Object(errors)))
    }
}
