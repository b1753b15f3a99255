//! The HTTP and WebSocket endpoints of the protocol (docs/PROTOCOL.md §3), on axum.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use futures_util::{SinkExt, StreamExt};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use tokio::sync::{broadcast, mpsc};

use crate::auth::{self, Secrets};
use crate::cache::{self, BundleCache};
use crate::error::ApiError;
use crate::fixture::{self, Store, User};
use crate::registry::{Api, Auth, Cache, Function, Target};

/// Where the protocol's endpoints are mounted.
pub const MOUNT: &str = "/api/mizan";
/// The largest JSON call body accepted.
pub const MAX_JSON_BODY: usize = 1 << 20;
/// The largest multipart call body accepted.
pub const MAX_UPLOAD_BODY: usize = 8 << 20;
pub const CSRF_COOKIE: &str = "csrftoken";
pub const CSRF_HEADER: &str = "x-csrftoken";
pub const SESSION_COOKIE: &str = "mizan_session";

pub struct AppState {
    pub api: Api,
    pub secrets: Secrets,
    pub store: Mutex<Store>,
    pub cache: Mutex<BundleCache>,
    rooms: Mutex<BTreeMap<String, broadcast::Sender<Value>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A handler that panicked while holding a lock has been answered with INTERNAL_ERROR; the
    // data it guarded is still usable.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl AppState {
    pub fn new(secrets: Secrets) -> Arc<Self> {
        Arc::new(AppState {
            api: fixture::registry(),
            secrets,
            store: Mutex::new(Store::default()),
            cache: Mutex::new(BundleCache::default()),
            rooms: Mutex::new(BTreeMap::new()),
        })
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    pub fn cache(&self) -> MutexGuard<'_, BundleCache> {
        lock(&self.cache)
    }

    fn room(&self, name: &str) -> broadcast::Sender<Value> {
        lock(&self.rooms)
            .entry(name.to_owned())
            .or_insert_with(|| broadcast::channel(256).0)
            .clone()
    }
}

/// What a handler knows of its call: who is calling, and the backend's state.
pub struct CallCtx {
    user: Option<User>,
    state: Arc<AppState>,
}

impl CallCtx {
    pub fn user(&self) -> Option<&User> {
        self.user.as_ref()
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.state.store()
    }
}

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

fn json_response(status: u16, body: String) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, canonical(&self.body()))
    }
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// Who is calling, and whether by session cookie (which makes CSRF checks apply). An invalid
/// token is a 401: there is no falling back to the session.
fn identify(
    state: &AppState,
    headers: &HeaderMap,
    query_token: Option<&str>,
) -> Result<(Option<User>, bool), ApiError> {
    let find = |id: Option<i64>| -> Result<User, ApiError> {
        id.and_then(|id| state.store().users.get(&id).cloned())
            .ok_or_else(|| ApiError::unauthorized("unknown user"))
    };
    let header_text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(token) = header_text("x-mizan-token").or(query_token) {
        let claims = auth::verify_jwt(
            &state.secrets.mwt,
            token,
            Some(auth::MWT_KID),
            Some(auth::MWT_AUDIENCE),
            auth::now(),
        )
        .map_err(|why| ApiError::unauthorized(format!("invalid Mizan token: {why}")))?;
        return Ok((
            Some(find(claims["sub"].as_str().and_then(|s| s.parse().ok()))?),
            false,
        ));
    }
    if let Some(value) = header_text("authorization") {
        let token = value
            .strip_prefix("Bearer ")
            .ok_or_else(|| ApiError::unauthorized("expected a Bearer token"))?;
        let claims = auth::verify_jwt(&state.secrets.jwt, token, None, None, auth::now())
            .map_err(|why| ApiError::unauthorized(format!("invalid bearer token: {why}")))?;
        let sub = claims["sub"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .or_else(|| claims["sub"].as_i64());
        return Ok((Some(find(sub)?), false));
    }
    let session = cookie(headers, SESSION_COOKIE)
        .and_then(|v| auth::verify_session(&state.secrets.session, &v));
    match session.and_then(|id| state.store().users.get(&id).cloned()) {
        Some(user) => Ok((Some(user), true)),
        None => Ok((None, false)),
    }
}

fn check_auth(f: &Function, user: Option<&User>) -> Result<(), ApiError> {
    let Some(level) = f.auth else { return Ok(()) };
    let user = user.ok_or_else(|| ApiError::unauthorized("authentication required"))?;
    let allowed = match level {
        Auth::Authenticated | Auth::Custom => true,
        Auth::Staff => user.is_staff,
        Auth::Superuser => user.is_superuser,
    };
    if allowed {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "you do not have permission to call this function",
        ))
    }
}

/// The answer to a successful call, before serialisation.
struct CallOutcome {
    result: Value,
    invalidate: Vec<Value>,
    merge: Vec<Value>,
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

/// Runs a function for a caller, then derives its invalidations and merges and purges the
/// bundle cache accordingly. Shared by HTTP and WebSocket calls.
fn dispatch(
    state: &Arc<AppState>,
    user: Option<User>,
    name: &str,
    args: Value,
) -> Result<CallOutcome, ApiError> {
    let f = state
        .api
        .function(name)
        .ok_or_else(|| ApiError::bad_request(format!("unknown function `{name}`")))?;
    if f.private {
        return Err(ApiError::forbidden(format!(
            "`{name}` is not callable from clients"
        )));
    }
    if f.route.is_some() {
        return Err(ApiError::bad_request(format!(
            "`{name}` is a page: GET its route instead"
        )));
    }
    check_auth(f, user.as_ref())?;
    let args = match args {
        Value::Null => Map::new(),
        Value::Object(m) => m,
        _ => return Err(ApiError::bad_request("`args` must be an object")),
    };
    let ctx = CallCtx {
        user,
        state: Arc::clone(state),
    };
    let result = f.call(&ctx, Value::Object(args.clone()))?;
    let api = &state.api;
    let mut invalidate = Vec::new();
    let mut cache = state.cache();
    for t in &f.affects {
        match t {
            Target::Context(c) => match scope(api, c, &args) {
                Some(params) => {
                    cache.purge(c, Some(&params));
                    invalidate.push(json!({ "context": c, "params": params }));
                }
                None => {
                    cache.purge(c, None);
                    invalidate.push(json!(c));
                }
            },
            Target::Function { function, context } => {
                cache.purge(context, None);
                invalidate.push(json!({ "function": function, "context": context }));
            }
        }
    }
    let mut merge = Vec::new();
    for c in &f.merge {
        let slot = &api.merge_slots[&(f.name.clone(), c.clone())];
        let mut entry = json!({ "context": c, "slot": slot, "value": result });
        let params = scope(api, c, &args);
        cache.purge(c, params.as_ref());
        if let Some(params) = params {
            entry["params"] = Value::Object(params);
        }
        merge.push(entry);
    }
    Ok(CallOutcome {
        result,
        invalidate,
        merge,
    })
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

fn outcome_body(outcome: &CallOutcome, id: Option<u64>) -> Value {
    let mut body = json!({ "result": outcome.result });
    if let Some(id) = id {
        body["id"] = json!(id);
    }
    if !outcome.invalidate.is_empty() {
        body["invalidate"] = json!(outcome.invalidate);
    }
    if !outcome.merge.is_empty() {
        body["merge"] = json!(outcome.merge);
    }
    body
}

/// Reads a multipart call: parts `fn`, `args` (JSON), and file parts added to the arguments.
async fn read_multipart(request: Request) -> Result<(String, Value), ApiError> {
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|e| ApiError::bad_request(format!("malformed multipart body: {e}")))?;
    let mut name = None;
    let mut args = Map::new();
    let mut files: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| bad_multipart(&e.to_string()))?
    {
        let part = field.name().unwrap_or_default().to_owned();
        match part.as_str() {
            "fn" => {
                name = Some(
                    field
                        .text()
                        .await
                        .map_err(|e| bad_multipart(&e.to_string()))?,
                )
            }
            "args" => {
                let text = field
                    .text()
                    .await
                    .map_err(|e| bad_multipart(&e.to_string()))?;
                match serde_json::from_str(&text) {
                    Ok(Value::Object(m)) => args.extend(m),
                    _ => {
                        return Err(ApiError::bad_request(
                            "the `args` part must be a JSON object",
                        ))
                    }
                }
            }
            _ => {
                let filename = field.file_name().unwrap_or("blob").to_owned();
                let content_type = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_owned();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| bad_multipart(&e.to_string()))?;
                files.entry(part).or_default().push(json!({
                    "filename": filename, "content_type": content_type, "size": bytes.len(),
                    "sha256": hex::encode(Sha256::digest(&bytes)),
                }));
            }
        }
    }
    for (k, mut v) in files {
        args.insert(
            k,
            if v.len() == 1 {
                v.remove(0)
            } else {
                Value::Array(v)
            },
        );
    }
    Ok((
        name.ok_or_else(|| ApiError::bad_request("no `fn` part"))?,
        Value::Object(args),
    ))
}

fn bad_multipart(e: &str) -> ApiError {
    if e.contains("limit") || e.contains("too large") {
        ApiError::too_large(MAX_UPLOAD_BODY)
    } else {
        ApiError::bad_request(format!("malformed multipart body: {e}"))
    }
}

async fn call(State(state): State<Arc<AppState>>, request: Request) -> Result<Response, ApiError> {
    let headers = request.headers().clone();
    let (user, by_session) = identify(&state, &headers, None)?;
    if by_session {
        let expected = cookie(&headers, CSRF_COOKIE).filter(|c| !c.is_empty());
        let given = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        if expected.is_none() || expected.as_deref() != given {
            return Err(ApiError::forbidden("CSRF token missing or incorrect"));
        }
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (name, args) = if content_type.starts_with("multipart/form-data") {
        read_multipart(request).await?
    } else {
        let bytes = axum::body::to_bytes(request.into_body(), MAX_JSON_BODY)
            .await
            .map_err(|_| ApiError::too_large(MAX_JSON_BODY))?;
        let body: Value = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::bad_request(format!("malformed JSON body: {e}")))?;
        let name = body
            .get("fn")
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::bad_request("the body needs `fn`, a function name"))?;
        (
            name.to_owned(),
            body.get("args").cloned().unwrap_or(Value::Null),
        )
    };
    let outcome = tokio::task::spawn_blocking({
        let state = Arc::clone(&state);
        move || dispatch(&state, user, &name, args)
    })
    .await
    .map_err(|_| ApiError::internal())??;
    let mut response = json_response(200, canonical(&outcome_body(&outcome, None)));
    if !outcome.invalidate.is_empty() {
        if let Ok(v) = HeaderValue::from_str(&invalidate_header(&outcome.invalidate)) {
            response.headers_mut().insert("x-mizan-invalidate", v);
        }
    }
    Ok(response)
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

async fn context(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (user, _) = identify(&state, &headers, None)?;
    tokio::task::spawn_blocking(move || bundle(&state, user, &name, &query))
        .await
        .map_err(|_| ApiError::internal())?
}

fn bundle(
    state: &Arc<AppState>,
    user: Option<User>,
    name: &str,
    query: &[(String, String)],
) -> Result<Response, ApiError> {
    let api = &state.api;
    let info = api
        .contexts
        .get(name)
        .ok_or_else(|| ApiError::not_found(format!("unknown context `{name}`")))?;
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
    if !errors.is_empty() {
        return Err(ApiError::validation(Value::Object(errors)));
    }
    for f in info.functions.iter().filter_map(|f| api.function(f)) {
        check_auth(f, user.as_ref())?;
    }
    let ttl = match info.cache {
        Some(Cache::Seconds(s)) if s > 0 => Some(Duration::from_secs(s)),
        _ => None,
    };
    let uid = if info.public {
        None
    } else {
        user.as_ref().map(|u| u.id)
    };
    let key = cache::key(&state.secrets.cache, name, &params, info.rev, uid);
    if ttl.is_some() {
        if let Some(body) = state.cache().get(&key) {
            return Ok(json_response(200, body));
        }
    }
    let ctx = CallCtx {
        user,
        state: Arc::clone(state),
    };
    let mut out = Map::new();
    for fname in &info.functions {
        let f = api.function(fname).ok_or_else(ApiError::internal)?;
        // Each function receives only the params it declares.
        let args: Map<String, Value> = api.args[fname]
            .iter()
            .filter_map(|(a, _, _)| params.get(a).map(|v| (a.clone(), v.clone())))
            .collect();
        out.insert(fname.clone(), f.call(&ctx, Value::Object(args))?);
    }
    let body = canonical(&Value::Object(out));
    if let Some(ttl) = ttl {
        state.cache().put(key, name, &params, body.clone(), ttl);
    }
    Ok(json_response(200, body))
}

async fn session(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let mut response = json_response(200, "{}".to_owned());
    if cookie(&headers, CSRF_COOKIE).is_none() {
        let value = format!(
            "{CSRF_COOKIE}={}; Path=/; SameSite=Lax",
            auth::csrf_token(&state.secrets.session)
        );
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    response
}

async fn view(
    State(state): State<Arc<AppState>>,
    Path(params): Path<BTreeMap<String, String>>,
    request: Request,
) -> Result<Response, ApiError> {
    let path = request.uri().path().to_owned();
    let (user, _) = identify(&state, request.headers(), None)?;
    let f = state
        .api
        .registry
        .functions()
        .iter()
        .find(|f| f.route.as_deref().is_some_and(|r| route_matches(r, &path)))
        .ok_or_else(|| ApiError::not_found("no such page"))?;
    check_auth(f, user.as_ref())?;
    let args: Map<String, Value> = params
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    let ctx = CallCtx {
        user,
        state: Arc::clone(&state),
    };
    let html = f.call(&ctx, Value::Object(args))?;
    let mut r = Response::new(Body::from(html.as_str().unwrap_or_default().to_owned()));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Ok(r)
}

/// The axum path of a Django route: `/profile/<int:user_id>/` → `/profile/{user_id}/`.
pub fn axum_path(route: &str) -> String {
    let mut out = String::new();
    let mut rest = route;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('>').map_or(rest.len(), |c| open + c);
        let inner = &rest[open + 1..close];
        let name = inner.rsplit(':').next().unwrap_or(inner);
        out.push_str(&format!("{{{name}}}"));
        rest = rest.get(close + 1..).unwrap_or("");
    }
    out.push_str(rest);
    if !out.starts_with('/') {
        out.insert(0, '/');
    }
    out
}

/// Whether a request path matches a route, converters included (`int` takes digits only).
fn route_matches(route: &str, path: &str) -> bool {
    let (r, p): (Vec<&str>, Vec<&str>) = (
        route.trim_matches('/').split('/').collect(),
        path.trim_matches('/').split('/').collect(),
    );
    r.len() == p.len()
        && r.iter().zip(&p).all(|(r, p)| {
            match r.strip_prefix('<').and_then(|r| r.strip_suffix('>')) {
                Some(inner) if inner.starts_with("int:") => {
                    !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())
                }
                Some(_) => !p.is_empty(),
                None => r == p,
            }
        })
}

// ---- WebSocket -----------------------------------------------------------------------------

#[derive(serde::Deserialize)]
struct WsQuery {
    token: Option<String>,
}

async fn ws(
    State(state): State<Arc<AppState>>,
    Query(q): Query<WsQuery>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let (user, _) = identify(&state, &headers, q.token.as_deref())?;
    Ok(upgrade.on_upgrade(move |socket| serve_socket(state, user, socket)))
}

fn ws_error(id: &Value, e: &ApiError) -> Value {
    json!({ "id": id, "error": e.body()["error"] })
}

async fn serve_socket(state: Arc<AppState>, user: Option<User>, socket: WebSocket) {
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = mpsc::channel::<Value>(256);
    let writer = tokio::spawn(async move {
        while let Some(frame) = rx.recv().await {
            if sink
                .send(Message::Text(canonical(&frame).into()))
                .await
                .is_err()
            {
                break;
            }
        }
    });
    // Subscription id → (room, forwarding task).
    let mut subs: BTreeMap<u64, (String, tokio::task::JoinHandle<()>)> = BTreeMap::new();
    while let Some(Ok(message)) = stream.next().await {
        let text = match message {
            Message::Text(t) => t.to_string(),
            Message::Close(_) => break,
            _ => continue,
        };
        let frame: Value = match serde_json::from_str(&text) {
            Ok(f @ Value::Object(_)) => f,
            _ => {
                let _ = tx
                    .send(ws_error(
                        &Value::Null,
                        &ApiError::bad_request("a frame is one JSON object"),
                    ))
                    .await;
                continue;
            }
        };
        let id = frame.get("id").cloned().unwrap_or(Value::Null);
        let reply = match frame.get("op").and_then(Value::as_str) {
            Some("call") => {
                let name = frame
                    .get("fn")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let args = frame.get("args").cloned().unwrap_or(Value::Null);
                let (state, user) = (Arc::clone(&state), user.clone());
                match tokio::task::spawn_blocking(move || dispatch(&state, user, &name, args)).await
                {
                    Ok(Ok(outcome)) => {
                        let mut body = outcome_body(&outcome, None);
                        body["id"] = id.clone();
                        body
                    }
                    Ok(Err(e)) => ws_error(&id, &e),
                    Err(_) => ws_error(&id, &ApiError::internal()),
                }
            }
            Some("subscribe") => {
                let channel = frame
                    .get("channel")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let room = frame.pointer("/params/room").and_then(Value::as_str);
                match (
                    state.api.registry.channel_names().any(|c| c == channel),
                    room,
                    id.as_u64(),
                ) {
                    (false, _, _) => ws_error(
                        &id,
                        &ApiError::not_found(format!("unknown channel `{channel}`")),
                    ),
                    (_, None, _) => {
                        ws_error(&id, &ApiError::field("room", "This field is required."))
                    }
                    (_, _, None) => ws_error(
                        &id,
                        &ApiError::bad_request("a subscribe frame needs a numeric id"),
                    ),
                    (true, Some(room), Some(sub)) => {
                        let mut receiver = state.room(room).subscribe();
                        let tx = tx.clone();
                        let task = tokio::spawn(async move {
                            loop {
                                match receiver.recv().await {
                                    Ok(message) => {
                                        if tx
                                            .send(json!({ "sub": sub, "message": message }))
                                            .await
                                            .is_err()
                                        {
                                            break;
                                        }
                                    }
                                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                                    Err(broadcast::error::RecvError::Closed) => break,
                                }
                            }
                        });
                        if let Some((_, old)) = subs.insert(sub, (room.to_owned(), task)) {
                            old.abort();
                        }
                        json!({ "id": id, "subscribed": true })
                    }
                }
            }
            Some("send") => match frame
                .get("sub")
                .and_then(Value::as_u64)
                .and_then(|s| subs.get(&s))
            {
                None => ws_error(&id, &ApiError::bad_request("no such subscription")),
                Some((room, _)) => match fixture::chat_message(
                    user.as_ref(),
                    frame.get("message").unwrap_or(&Value::Null),
                ) {
                    Ok(message) => {
                        let _ = state.room(room).send(message);
                        json!({ "id": id })
                    }
                    Err(e) => ws_error(&id, &e),
                },
            },
            Some("unsubscribe") => {
                if let Some((_, task)) = frame
                    .get("sub")
                    .and_then(Value::as_u64)
                    .and_then(|s| subs.remove(&s))
                {
                    task.abort();
                }
                json!({ "id": id })
            }
            _ => ws_error(&id, &ApiError::bad_request("unknown op")),
        };
        if tx.send(reply).await.is_err() {
            break;
        }
    }
    for (_, (_, task)) in subs {
        task.abort();
    }
    drop(tx);
    let _ = writer.await;
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint")
}

/// Serves a file of the static directory (`serve --static DIR`): `/` is `index.html`.
async fn static_file(State(dir): State<Arc<std::path::PathBuf>>, request: Request) -> Response {
    let path = request.uri().path().trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    // Only plain relative paths: no `..`, no absolute or hidden components.
    if path.split('/').any(|c| c.is_empty() || c.starts_with('.')) {
        return ApiError::not_found("no such file").into_response();
    }
    let content_type = match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    };
    match tokio::fs::read(dir.join(path)).await {
        Ok(bytes) => {
            let mut r = Response::new(Body::from(bytes));
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            r
        }
        Err(_) => ApiError::not_found("no such file").into_response(),
    }
}

/// The whole application: the protocol under [`MOUNT`], view paths at their routes.
pub fn router(state: Arc<AppState>) -> Router {
    router_with_static(state, None)
}

/// [`router`], also serving the files of `dir` at `/` (a development front end on the same
/// origin as the API, as the browser end-to-end tests need).
pub fn router_with_static(state: Arc<AppState>, dir: Option<std::path::PathBuf>) -> Router {
    let mut app = Router::new()
        .route(&format!("{MOUNT}/call/"), post(call))
        .route(&format!("{MOUNT}/ctx/{{context}}/"), get(context))
        .route(&format!("{MOUNT}/session/"), get(session))
        .route(&format!("{MOUNT}/ws/"), get(ws));
    for f in state.api.registry.functions() {
        if let Some(route) = &f.route {
            app = app.route(&axum_path(route), get(view));
        }
    }
    let app = match dir {
        Some(dir) => app.fallback_service(
            Router::new()
                .fallback(static_file)
                .with_state(Arc::new(dir)),
        ),
        None => app.fallback(not_found),
    };
    app.layer(axum::extract::DefaultBodyLimit::max(MAX_UPLOAD_BODY))
        .layer(axum::middleware::map_response(
            |mut r: Response| async move {
                r.headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                r
            },
        ))
        .with_state(state)
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with_static(listener, state, None, shutdown).await
}

/// [`serve`], also serving static files from `dir` at `/`.
pub async fn serve_with_static(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    dir: Option<std::path::PathBuf>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router_with_static(state, dir))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Body bytes, for tests that post raw payloads.
pub fn bytes(s: &str) -> Bytes {
    Bytes::from(s.to_owned())
}
