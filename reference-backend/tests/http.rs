//! The protocol over real HTTP on a loopback port: every endpoint and error code, headers,
//! auth, CSRF, caching, uploads, limits and concurrency.

mod common;

use std::sync::Arc;

use common::{secrets, TestServer};
use mizan_reference_backend::auth;
use mizan_reference_backend::model::User;
use mizan_reference_backend::protocol::{invalidate_header, CSRF_COOKIE, SESSION_COOKIE};
use percent_encoding::percent_decode_str;
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};

fn client() -> Client {
    Client::new()
}

async fn call_with(req: reqwest::RequestBuilder, fn_name: &str, args: Value) -> Response {
    req.json(&json!({ "fn": fn_name, "args": args }))
        .send()
        .await
        .expect("request")
}

/// Checks the protocol's invariants of every answer, then returns status and JSON body.
async fn read(r: Response) -> (StatusCode, Value, reqwest::header::HeaderMap) {
    let status = r.status();
    let headers = r.headers().clone();
    assert_eq!(
        headers
            .get("cache-control")
            .map(|v| v.to_str().unwrap_or("")),
        Some("no-store"),
        "every answer is no-store"
    );
    let text = r.text().await.expect("body");
    let body: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    if !status.is_success() {
        let e = &body["error"];
        assert!(
            e["code"].is_string() && e["message"].is_string(),
            "error envelope: {body}"
        );
    }
    (status, body, headers)
}

async fn call(
    s: &TestServer,
    fn_name: &str,
    args: Value,
) -> (StatusCode, Value, reqwest::header::HeaderMap) {
    read(call_with(client().post(s.api("/call/")), fn_name, args).await).await
}

fn user(id: i64, name: &str, staff: bool) -> User {
    User {
        id,
        username: name.into(),
        email: format!("{name}@example.com"),
        is_staff: staff,
        is_superuser: false,
    }
}

fn mwt(id: i64, name: &str, staff: bool) -> String {
    auth::mwt_for(&secrets().mwt, &user(id, name, staff), auth::now(), 300)
}

#[tokio::test]
async fn calls_answer_results_and_every_error_code() {
    let s = TestServer::start().await;
    assert_eq!(
        call(&s, "echo", json!({"text": "hi"})).await.1,
        json!({"result": {"message": "hi"}})
    );
    assert_eq!(
        call(&s, "add", json!({"a": 2, "b": 3})).await.1["result"],
        json!({"total": 5})
    );
    assert_eq!(
        call(&s, "find_user", json!({"user_id": 99_999})).await.1,
        json!({"result": null})
    );

    let expect = |(status, body, _): (StatusCode, Value, _), code: u16, error: &str| {
        assert_eq!(
            (status.as_u16(), body["error"]["code"].as_str()),
            (code, Some(error)),
            "{body}"
        );
        body
    };
    expect(call(&s, "no_such_fn", json!({})).await, 400, "BAD_REQUEST");
    let wrong = expect(
        call(&s, "add", json!({"a": "two", "b": 3})).await,
        422,
        "VALIDATION_FAILED",
    );
    assert!(
        wrong["error"]["details"]["a"].is_array(),
        "details name the field: {wrong}"
    );
    let missing = expect(call(&s, "echo", json!({})).await, 422, "VALIDATION_FAILED");
    assert!(missing["error"]["details"]["text"].is_array(), "{missing}");
    expect(call(&s, "whoami", json!({})).await, 401, "UNAUTHORIZED");
    expect(
        call(&s, "internal_stats", json!({})).await,
        403,
        "FORBIDDEN",
    );
    expect(
        call(&s, "not_implemented_fn", json!({})).await,
        501,
        "NOT_IMPLEMENTED",
    );
    expect(
        call(&s, "set_item_name", json!({"id": 404, "name": "x"})).await,
        404,
        "NOT_FOUND",
    );
    let bug = expect(call(&s, "buggy_fn", json!({})).await, 500, "INTERNAL_ERROR");
    assert_eq!(
        bug["error"]["message"], "internal server error",
        "no internals in the message"
    );
    expect(
        call(&s, "profile_page", json!({"user_id": 1})).await,
        400,
        "BAD_REQUEST",
    );

    let staff = client()
        .post(s.api("/call/"))
        .header("X-Mizan-Token", mwt(2, "grace", true));
    assert_eq!(
        read(call_with(staff, "staff_only", json!({})).await)
            .await
            .0,
        200
    );
    let not_staff = client()
        .post(s.api("/call/"))
        .header("X-Mizan-Token", mwt(1, "ada", false));
    expect(
        read(call_with(not_staff, "staff_only", json!({})).await).await,
        403,
        "FORBIDDEN",
    );
    s.stop().await;
}

#[tokio::test]
async fn malformed_and_oversized_bodies_get_clean_4xx() {
    let s = TestServer::start().await;
    for body in [
        "",
        "{",
        "[1,2]",
        "{\"args\": {}}",
        "{\"fn\": 5}",
        "{\"fn\": \"echo\", \"args\": [1]}",
    ] {
        let r = client()
            .post(s.api("/call/"))
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .expect("send");
        let (status, b, _) = read(r).await;
        assert_eq!(
            (status.as_u16(), b["error"]["code"].as_str()),
            (400, Some("BAD_REQUEST")),
            "{body:?}: {b}"
        );
    }
    let r = client()
        .get(format!("{}/nowhere", s.url))
        .send()
        .await
        .expect("send");
    assert_eq!(read(r).await.0, 404);
    s.stop().await;
}

/// Parses `X-Mizan-Invalidate` back into body entries (scoped ones with string values).
fn parse_header(h: &str) -> Vec<Value> {
    h.split(", ")
        .map(|part| {
            let mut pieces = part.split(';');
            let context = pieces.next().unwrap_or_default();
            let params: serde_json::Map<String, Value> = pieces
                .filter_map(|p| p.split_once('='))
                .map(|(k, v)| {
                    (
                        k.to_owned(),
                        json!(percent_decode_str(v).decode_utf8_lossy()),
                    )
                })
                .collect();
            if params.is_empty() {
                json!(context)
            } else {
                json!({ "context": context, "params": params })
            }
        })
        .collect()
}

fn stringify_params(entries: &[Value]) -> Vec<Value> {
    entries
        .iter()
        .map(|e| match e.get("params").and_then(Value::as_object) {
            Some(p) if e.get("function").is_none() => json!({
                "context": e["context"],
                "params": p.iter().map(|(k, v)| (k.clone(), json!(v.as_str().map_or_else(|| v.to_string(), str::to_owned)))).collect::<serde_json::Map<_, _>>(),
            }),
            _ => json!(e.get("context").unwrap_or(e)),
        })
        .collect()
}

#[test]
fn the_invalidate_header_round_trips_twenty_contexts_with_awkward_values() {
    let entries: Vec<Value> = (0..20)
        .map(|i| match i % 3 {
            0 => json!(format!("ctx{i}")),
            1 => json!({"context": format!("ctx{i}"), "params": {"q": format!("a;b, c={i} %é"), "n": i}}),
            _ => json!({"function": "f", "context": format!("ctx{i}")}),
        })
        .collect();
    let header = invalidate_header(&entries);
    assert!(
        header.contains("ctx1;n=1;q=a%3Bb%2C%20c%3D1%20%25%C3%A9"),
        "{header}"
    );
    assert_eq!(parse_header(&header), stringify_params(&entries));
}

#[tokio::test]
async fn invalidations_agree_between_header_and_body() {
    let s = TestServer::start().await;
    let (_, body, headers) = call(
        &s,
        "update_profile",
        json!({"user_id": 5, "name": "Ada, Countess; of Lovelace"}),
    )
    .await;
    assert_eq!(
        body["invalidate"],
        json!([{"context": "user", "params": {"user_id": 5}}]),
        "scoped by the argument"
    );
    let header = headers
        .get("x-mizan-invalidate")
        .expect("header")
        .to_str()
        .expect("ascii");
    assert_eq!(header, "user;user_id=5");
    assert_eq!(
        parse_header(header),
        stringify_params(body["invalidate"].as_array().expect("list"))
    );

    let (_, body, headers) = call(&s, "set_item_name", json!({"id": 1, "name": "Big lamp"})).await;
    assert_eq!(
        body["invalidate"],
        json!(["items"]),
        "items has no required params: broad"
    );
    assert_eq!(headers["x-mizan-invalidate"], "items");

    let token = client()
        .post(s.api("/call/"))
        .header("X-Mizan-Token", mwt(1, "ada", false));
    let (_, body, headers) =
        read(call_with(token, "update_email", json!({"email": "ada@lovelace.org"})).await).await;
    assert_eq!(
        body["invalidate"],
        json!([{"function": "current_user", "context": "global"}])
    );
    assert_eq!(headers["x-mizan-invalidate"], "global");

    let (_, body, headers) = call(&s, "echo", json!({"text": "x"})).await;
    assert!(
        body.get("invalidate").is_none()
            && body.get("merge").is_none()
            && headers.get("x-mizan-invalidate").is_none()
    );
    s.stop().await;
}

#[tokio::test]
async fn merges_name_their_slot_and_scope() {
    let s = TestServer::start().await;
    let (_, body, headers) = call(&s, "rename_user", json!({"user_id": 7, "name": "Grace"})).await;
    assert_eq!(
        body,
        json!({"result": {"user_id": 7, "name": "Grace"}, "merge": [{"context": "user", "slot": "user_profile", "value": {"user_id": 7, "name": "Grace"}, "params": {"user_id": 7}}]})
    );
    assert!(
        headers.get("x-mizan-invalidate").is_none(),
        "a merge is not an invalidation"
    );
    s.stop().await;
}

async fn get_text(url: &str) -> (StatusCode, String) {
    let r = client().get(url).send().await.expect("get");
    let status = r.status();
    assert_eq!(
        r.headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap_or("")),
        Some("no-store")
    );
    (status, r.text().await.expect("text"))
}

#[tokio::test]
async fn context_bundles_are_sorted_byte_identical_and_validated() {
    let s = TestServer::start().await;
    let (status, a) = get_text(&s.api("/ctx/user/?user_id=5&limit=2")).await;
    assert_eq!(status, 200, "{a}");
    let (_, b) = get_text(&s.api("/ctx/user/?limit=2&user_id=5")).await;
    assert_eq!(a, b, "same params in another order: same bytes");
    assert!(
        a.starts_with("{\"user_orders\":[{\"created_at\":"),
        "keys sorted at every depth: {a}"
    );
    let bundle: Value = serde_json::from_str(&a).expect("json");
    assert_eq!(
        bundle["user_orders"].as_array().map(Vec::len),
        Some(2),
        "each function gets its own params (limit)"
    );
    assert_eq!(
        bundle["user_profile"],
        json!({"user_id": 5, "name": "User 5"})
    );

    let (status, global) = get_text(&s.api("/ctx/global/")).await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&global).expect("json")["current_user"],
        Value::Null
    );

    for (url, status, code) in [
        ("/ctx/nope/", 404, "NOT_FOUND"),
        ("/ctx/user/", 422, "VALIDATION_FAILED"),
        ("/ctx/user/?user_id=abc", 422, "VALIDATION_FAILED"),
        ("/ctx/user/?user_id=999999", 404, "NOT_FOUND"),
    ] {
        let (got, text) = get_text(&s.api(url)).await;
        let body: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(
            (got.as_u16(), body["error"]["code"].as_str()),
            (status, Some(code)),
            "{url}: {text}"
        );
    }
    s.stop().await;
}

#[tokio::test]
async fn the_bundle_cache_is_used_and_purged_by_invalidations_and_merges() {
    let s = TestServer::start().await;
    let url = s.api("/ctx/user/?user_id=8");
    get_text(&url).await;
    assert_eq!(s.state.cache().len(), 1, "a cacheable context is cached");
    // Change the data behind the cache's back: a cached answer must still be served.
    s.state.store().names.insert(8, "behind the cache".into());
    assert!(
        get_text(&url).await.1.contains("User 8"),
        "served from the cache"
    );
    let other = s.api("/ctx/user/?user_id=9");
    get_text(&other).await;
    assert_eq!(s.state.cache().len(), 2);

    call(&s, "rename_user", json!({"user_id": 8, "name": "Renamed"})).await;
    assert_eq!(
        s.state.cache().len(),
        1,
        "the merge purged user 8's bundle only"
    );
    assert!(get_text(&url).await.1.contains("Renamed"));
    call(
        &s,
        "update_profile",
        json!({"user_id": 9, "name": "Updated"}),
    )
    .await;
    assert!(
        get_text(&other).await.1.contains("Updated"),
        "a scoped invalidation purged user 9's bundle"
    );

    get_text(&s.api("/ctx/items/")).await;
    call(
        &s,
        "set_item_name",
        json!({"id": 2, "name": "Standing desk"}),
    )
    .await;
    assert!(
        get_text(&s.api("/ctx/items/"))
            .await
            .1
            .contains("Standing desk"),
        "a broad invalidation purged the context"
    );
    s.stop().await;
}

#[tokio::test]
async fn tokens_authenticate_and_an_invalid_token_never_falls_back_to_the_session() {
    let s = TestServer::start().await;
    let session = format!(
        "{SESSION_COOKIE}={}; {CSRF_COOKIE}=t0k",
        auth::session_value(&secrets().session, 1)
    );
    let who = |r: reqwest::RequestBuilder| async move {
        read(call_with(r, "whoami", json!({})).await).await
    };

    let (status, body, _) = who(client()
        .post(s.api("/call/"))
        .header("X-Mizan-Token", mwt(3, "root", true)))
    .await;
    assert_eq!(
        (status.as_u16(), body["result"]["username"].as_str()),
        (200, Some("root"))
    );
    let bearer = auth::sign_jwt(
        &secrets().jwt,
        None,
        &json!({"sub": "2", "exp": auth::now() + 60}),
    );
    let (_, body, _) = who(client().post(s.api("/call/")).bearer_auth(bearer)).await;
    assert_eq!(body["result"]["username"], "grace");
    let (_, body, _) = who(client()
        .post(s.api("/call/"))
        .header("Cookie", &session)
        .header("X-CSRFToken", "t0k"))
    .await;
    assert_eq!(
        body["result"]["username"], "ada",
        "the session cookie alone authenticates"
    );

    let expired = auth::mwt_for(
        &secrets().mwt,
        &user(1, "ada", false),
        auth::now() - 1000,
        300,
    );
    let forged = auth::mwt_for(b"not-the-secret", &user(1, "ada", false), auth::now(), 300);
    let wrong_aud = auth::sign_jwt(
        &secrets().mwt,
        Some(auth::MWT_KID),
        &json!({"sub": "1", "exp": auth::now() + 60, "aud": "other"}),
    );
    for bad in [expired, forged, wrong_aud, "garbage".to_owned()] {
        let r = client()
            .post(s.api("/call/"))
            .header("X-Mizan-Token", &bad)
            .header("Cookie", &session)
            .header("X-CSRFToken", "t0k");
        let (status, body, _) = who(r).await;
        assert_eq!(
            (status.as_u16(), body["error"]["code"].as_str()),
            (401, Some("UNAUTHORIZED")),
            "{bad}: {body}"
        );
    }
    let (status, _, _) = who(client()
        .post(s.api("/call/"))
        .header("Authorization", "Bearer nope")
        .header("Cookie", &session))
    .await;
    assert_eq!(status, 401);
    s.stop().await;
}

#[tokio::test]
async fn session_posts_need_the_csrf_header() {
    let s = TestServer::start().await;
    let r = client()
        .get(s.api("/session/"))
        .send()
        .await
        .expect("session");
    let set = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(set.starts_with("csrftoken="), "{set}");
    let token = set
        .trim_start_matches("csrftoken=")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(read(r).await.1, json!({}));

    let cookie = format!(
        "{SESSION_COOKIE}={}; {CSRF_COOKIE}={token}",
        auth::session_value(&secrets().session, 1)
    );
    let post = |header: Option<&str>| {
        let mut r = client().post(s.api("/call/")).header("Cookie", &cookie);
        if let Some(h) = header {
            r = r.header("X-CSRFToken", h);
        }
        r
    };
    assert_eq!(
        read(call_with(post(None), "echo", json!({"text": "x"})).await)
            .await
            .0,
        403
    );
    assert_eq!(
        read(call_with(post(Some("wrong")), "echo", json!({"text": "x"})).await)
            .await
            .0,
        403
    );
    assert_eq!(
        read(call_with(post(Some(&token)), "echo", json!({"text": "x"})).await)
            .await
            .0,
        200
    );
    // Without a session there is nothing to forge: anonymous posts need no token.
    assert_eq!(call(&s, "echo", json!({"text": "x"})).await.0, 200);
    s.stop().await;
}

/// An `echo` call body exactly `size` bytes long, and the text it echoes.
fn echo_body(size: usize) -> (String, String) {
    let empty = json!({"fn": "echo", "args": {"text": ""}}).to_string();
    let text = "x".repeat(size - empty.len());
    let body = json!({"fn": "echo", "args": {"text": text}}).to_string();
    assert_eq!(body.len(), size);
    (body, text)
}

#[tokio::test]
async fn bodies_over_their_cap_are_413_payload_too_large() {
    let cap = mizan_reference_backend::protocol::MAX_JSON_MESSAGE;
    let s = TestServer::start().await;
    let post = |body: String| {
        client()
            .post(s.api("/call/"))
            .header("Content-Type", "application/json")
            .body(body)
            .send()
    };
    let (body, text) = echo_body(cap);
    let (status, b, _) = read(post(body).await.expect("send")).await;
    assert_eq!(
        (status.as_u16(), b),
        (200, json!({"result": {"message": text}})),
        "a body of exactly the cap is taken"
    );
    for size in [cap + 1, 2 << 20] {
        let (status, b, _) = read(post(echo_body(size).0).await.expect("send")).await;
        assert_eq!(
            (status.as_u16(), &b["error"]["code"]),
            (413, &json!("PAYLOAD_TOO_LARGE")),
            "{size} bytes: {b}"
        );
        assert_eq!(
            b["error"]["message"],
            format!("the request body is larger than {cap} bytes")
        );
    }
    // Uploads have their own, larger cap, and the same answer beyond it.
    let upload = mizan_reference_backend::protocol::MAX_UPLOAD_BODY;
    let form = reqwest::multipart::Form::new()
        .text("fn", "upload_avatar")
        .text("args", "{\"user_id\": 4}")
        .part(
            "file",
            reqwest::multipart::Part::bytes(vec![0_u8; upload + 1]).file_name("big.png"),
        );
    let (status, b, _) = post_multipart(&s, form).await;
    assert_eq!(
        (status.as_u16(), &b["error"]["code"]),
        (413, &json!("PAYLOAD_TOO_LARGE")),
        "{b}"
    );
    s.stop().await;
}

async fn post_multipart(
    s: &TestServer,
    form: reqwest::multipart::Form,
) -> (StatusCode, Value, reqwest::header::HeaderMap) {
    read(
        client()
            .post(s.api("/call/"))
            .multipart(form)
            .send()
            .await
            .expect("upload"),
    )
    .await
}

#[tokio::test]
async fn uploads_arrive_as_files_and_view_paths_render() {
    let s = TestServer::start().await;
    let png = vec![0x89_u8, b'P', b'N', b'G', 0, 1, 2, 3];
    let form = reqwest::multipart::Form::new()
        .text("fn", "upload_avatar")
        .text("args", "{\"user_id\": 4}")
        .part(
            "file",
            reqwest::multipart::Part::bytes(png.clone())
                .file_name("me.png")
                .mime_str("image/png")
                .expect("mime"),
        );
    let (status, body, _) = post_multipart(&s, form).await;
    assert_eq!(
        (status.as_u16(), &body),
        (200, &json!({"result": {"ok": true}}))
    );
    let stored = s.state.store().avatars.get(&4).cloned().expect("stored");
    assert_eq!(
        (
            stored.filename.as_str(),
            stored.content_type.as_str(),
            stored.size
        ),
        ("me.png", "image/png", png.len())
    );

    let form = reqwest::multipart::Form::new()
        .text("fn", "upload_avatar")
        .text("args", "{\"user_id\": 4}");
    let (status, body, _) = post_multipart(&s, form).await;
    assert_eq!(
        (status.as_u16(), body["error"]["details"]["file"].is_array()),
        (422, true),
        "a missing file is a field error: {body}"
    );

    let (status, html) = get_text(&format!("{}/profile/3/", s.url)).await;
    assert_eq!(
        (status.as_u16(), html.contains("<h1>root</h1>")),
        (200, true),
        "{html}"
    );
    assert_eq!(get_text(&format!("{}/profile/abc/", s.url)).await.0, 404);
    assert_eq!(get_text(&format!("{}/profile/999999/", s.url)).await.0, 404);
    s.stop().await;
}

#[tokio::test]
async fn contact_form_validates_and_submits() {
    let s = TestServer::start().await;
    let bad =
        json!({"data": {"name": "", "email": "not-an-email", "message": "short", "topic": "spam"}});
    let (_, body, _) = call(&s, "contact.validate", bad.clone()).await;
    let errors = body["result"]["errors"]
        .as_object()
        .expect("errors")
        .clone();
    let mut fields: Vec<&str> = errors.keys().map(String::as_str).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["email", "message", "name", "topic"]);
    let (status, body, _) = call(&s, "contact.submit", bad).await;
    assert_eq!(
        (status.as_u16(), body["error"]["code"].as_str()),
        (422, Some("VALIDATION_FAILED"))
    );
    // The same field errors as `contact.validate`'s, as `FieldError`s with Django's codes.
    assert_eq!(
        body["error"]["details"],
        json!({
            "email": [{"message": "Enter a valid email address.", "code": "invalid"}],
            "message": [{"message": "Ensure this value has at least 10 characters.", "code": "min_length"}],
            "name": [{"message": "This field is required.", "code": "required"}],
            "topic": [{"message": "Select a valid choice.", "code": "invalid_choice"}],
        })
    );
    assert_eq!(body["error"]["details"], Value::Object(errors));
    // A rule about no one field: its error is under `__all__`, from both functions.
    let repeated = json!({"data": {"name": "Hello there", "email": "ada@example.com", "message": "hello THERE "}});
    let non_field =
        json!({"__all__": [{"message": "The message only repeats the name.", "code": "repeated"}]});
    let (_, body, _) = call(&s, "contact.validate", repeated.clone()).await;
    assert_eq!(body["result"]["errors"], non_field);
    let (status, body, _) = call(&s, "contact.submit", repeated).await;
    assert_eq!(
        (status.as_u16(), &body["error"]["details"]),
        (422, &non_field)
    );
    assert!(s.state.store().contact_messages.is_empty());
    let good = json!({"data": {"name": "Ada", "email": "ada@example.com", "message": "Hello there, Mizan!"}});
    assert_eq!(
        call(&s, "contact.submit", good).await.1,
        json!({"result": {"ok": true}})
    );
    assert_eq!(s.state.store().contact_messages.len(), 1);
    assert_eq!(
        call(&s, "contact.schema", json!({})).await.1["result"]["fields"]
            .as_array()
            .map(Vec::len),
        Some(4)
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_calls_lose_no_update() {
    let s = TestServer::start().await;
    let c = client();
    let limit = Arc::new(tokio::sync::Semaphore::new(32));
    let mut tasks = Vec::new();
    for id in 1000..1300_i64 {
        let (c, url, limit) = (c.clone(), s.api("/call/"), Arc::clone(&limit));
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire().await.expect("permit");
            let r = c.post(url).json(&json!({"fn": "update_profile", "args": {"user_id": id, "name": format!("n{id}")}})).send().await.expect("send");
            r.status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.expect("task"), 200);
    }
    let names = s.state.store().names.clone();
    for id in 1000..1300_i64 {
        assert_eq!(
            names.get(&id).map(String::as_str),
            Some(format!("n{id}").as_str())
        );
    }
    s.stop().await;
}
