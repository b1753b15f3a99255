//! The protocol over HTTP, on axum: `/call/` (JSON and multipart), `/ctx/`, `/session/`, the
//! `/ws/` upgrade, view paths and the optional static directory; who is calling, from a token
//! or the session cookie (with its CSRF check); errors as JSON answers.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::multipart::MultipartError;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::auth;
use crate::error::ApiError;
use crate::model::User;
use crate::protocol::{
    canonical, invalidate_header, outcome_body, CSRF_COOKIE, CSRF_HEADER, MAX_JSON_MESSAGE,
    MAX_UPLOAD_BODY, MOUNT, SESSION_COOKIE,
};
use crate::state::{self, AppState};
use crate::ws;

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
        .map_err(|e| bad_multipart(&e))?
    {
        let part = field.name().unwrap_or_default().to_owned();
        match part.as_str() {
            "fn" => name = Some(field.text().await.map_err(|e| bad_multipart(&e))?),
            "args" => {
                let text = field.text().await.map_err(|e| bad_multipart(&e))?;
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
                let bytes = field.bytes().await.map_err(|e| bad_multipart(&e))?;
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

fn bad_multipart(e: &MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
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
        let bytes = axum::body::to_bytes(request.into_body(), MAX_JSON_MESSAGE)
            .await
            .map_err(|_| ApiError::too_large(MAX_JSON_MESSAGE))?;
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
        move || state::dispatch(&state, user, &name, args)
    })
    .await
    .map_err(|_| ApiError::internal())??;
    let mut response = json_response(200, canonical(&outcome_body(&outcome)));
    if !outcome.invalidate.is_empty() {
        if let Ok(v) = HeaderValue::from_str(&invalidate_header(&outcome.invalidate)) {
            response.headers_mut().insert("x-mizan-invalidate", v);
        }
    }
    Ok(response)
}

async fn session(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let mut response = json_response(200, "{}".to_owned());
    if cookie(&headers, CSRF_COOKIE).is_none() {
        let value = format!("{CSRF_COOKIE}={}; Path=/; SameSite=Lax", state.csrf_token());
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    response
}

async fn context(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (user, _) = identify(&state, &headers, None)?;
    let body = tokio::task::spawn_blocking(move || state::bundle(&state, user, &name, &query))
        .await
        .map_err(|_| ApiError::internal())??;
    Ok(json_response(200, body))
}

async fn view(
    State(state): State<Arc<AppState>>,
    Path(params): Path<BTreeMap<String, String>>,
    request: Request,
) -> Result<Response, ApiError> {
    let path = request.uri().path().to_owned();
    let (user, _) = identify(&state, request.headers(), None)?;
    let html = state::page(&state, user, &path, params)?;
    let mut r = Response::new(Body::from(html));
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

#[derive(serde::Deserialize)]
struct WsQuery {
    token: Option<String>,
}

/// The `/ws/` upgrade: the caller is identified once, by header, cookie or `?token=`.
async fn ws(
    State(state): State<Arc<AppState>>,
    Query(q): Query<WsQuery>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let (user, _) = identify(&state, &headers, q.token.as_deref())?;
    Ok(upgrade
        .max_message_size(ws::READ_LIMIT)
        .max_frame_size(ws::READ_LIMIT)
        .on_upgrade(move |socket| ws::serve_socket(state, user, socket)))
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
