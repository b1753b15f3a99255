//! The backend's state, and what each kind of request does with it, whatever carries the
//! request: a call (run, then its effects purge the bundle cache), a context bundle (cached
//! when its functions allow), a page at a view path.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{Map, Value};
use tokio::sync::broadcast;

use crate::auth::{self, Secrets};
use crate::cache::{self, BundleCache};
use crate::call::{lock, CallCtx};
use crate::error::ApiError;
use crate::fixture;
use crate::model::{Store, User};
use crate::protocol::{self, canonical, CallOutcome};
use crate::registry::{Api, Auth, Cache, Function};

pub struct AppState {
    pub api: Api,
    pub secrets: Secrets,
    pub store: Mutex<Store>,
    pub cache: Mutex<BundleCache>,
    rooms: Mutex<BTreeMap<String, broadcast::Sender<Value>>>,
    /// How many CSRF tokens the server has handed out.
    csrf_tokens: AtomicU64,
}

impl AppState {
    pub fn new(secrets: Secrets) -> Arc<Self> {
        Arc::new(AppState {
            api: fixture::registry(),
            secrets,
            store: Mutex::new(Store::default()),
            cache: Mutex::new(BundleCache::default()),
            rooms: Mutex::new(BTreeMap::new()),
            csrf_tokens: AtomicU64::new(0),
        })
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    pub fn cache(&self) -> MutexGuard<'_, BundleCache> {
        lock(&self.cache)
    }

    /// The broadcast channel of a chat room, opened on first use.
    pub fn room(&self, name: &str) -> broadcast::Sender<Value> {
        lock(&self.rooms)
            .entry(name.to_owned())
            .or_insert_with(|| broadcast::channel(256).0)
            .clone()
    }

    /// A fresh CSRF token.
    pub fn csrf_token(&self) -> String {
        let n = self.csrf_tokens.fetch_add(1, Ordering::Relaxed);
        auth::csrf_token(&self.secrets.session, n)
    }

    fn ctx(&self, user: Option<User>) -> CallCtx<'_> {
        CallCtx::new(user, &self.store)
    }
}

/// Whether `user` may call `f`.
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

/// Runs a function for a caller, then derives its invalidations and merges and purges the
/// bundle cache accordingly. Shared by HTTP and WebSocket calls.
pub fn dispatch(
    state: &AppState,
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
    let result = f.call(&state.ctx(user), Value::Object(args.clone()))?;
    let (outcome, stale) = protocol::effects(&state.api, f, &args, result);
    let mut cache = state.cache();
    for s in &stale {
        cache.purge(&s.context, s.scope.as_ref());
    }
    Ok(outcome)
}

/// The bundle of context `name` for a caller, as its canonical JSON body: every function of
/// the context, each given only the params it declares.
pub fn bundle(
    state: &AppState,
    user: Option<User>,
    name: &str,
    query: &[(String, String)],
) -> Result<String, ApiError> {
    let api = &state.api;
    let info = api
        .contexts
        .get(name)
        .ok_or_else(|| ApiError::not_found(format!("unknown context `{name}`")))?;
    let params = protocol::context_params(info, query)?;
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
            return Ok(body);
        }
    }
    let ctx = state.ctx(user);
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
    Ok(body)
}

/// The page at `path`, from the view function whose route it matches; `params` are the
/// route's parameters.
pub fn page(
    state: &AppState,
    user: Option<User>,
    path: &str,
    params: BTreeMap<String, String>,
) -> Result<String, ApiError> {
    let f = state
        .api
        .registry
        .functions()
        .iter()
        .find(|f| f.route.as_deref().is_some_and(|r| route_matches(r, path)))
        .ok_or_else(|| ApiError::not_found("no such page"))?;
    check_auth(f, user.as_ref())?;
    let args: Map<String, Value> = params
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    let html = f.call(&state.ctx(user), Value::Object(args))?;
    Ok(html.as_str().unwrap_or_default().to_owned())
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
