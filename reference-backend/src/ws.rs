//! The WebSocket endpoint's socket (docs/PROTOCOL.md §3, WebSocket): calls, and channel
//! subscriptions with the messages sent to their rooms. One writer task owns the socket's
//! sending half; every reply and forwarded message goes through it.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::ws::{Message, WebSocket};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::{broadcast, mpsc};

use crate::error::ApiError;
use crate::fixture;
use crate::model::User;
use crate::protocol::{canonical, error_frame, outcome_body};
use crate::state::{self, AppState};

/// Subscription id → (room, forwarding task).
type Subscriptions = BTreeMap<u64, (String, tokio::task::JoinHandle<()>)>;

/// Serves one upgraded socket for `user` until the client closes it.
pub async fn serve_socket(state: Arc<AppState>, user: Option<User>, socket: WebSocket) {
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
    let mut subs = Subscriptions::new();
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
                    .send(error_frame(
                        &Value::Null,
                        &ApiError::bad_request("a frame is one JSON object"),
                    ))
                    .await;
                continue;
            }
        };
        let id = frame.get("id").cloned().unwrap_or(Value::Null);
        let reply = match frame.get("op").and_then(Value::as_str) {
            Some("call") => call(&state, &user, &frame, &id).await,
            Some("subscribe") => subscribe(&state, &tx, &mut subs, &frame, &id),
            Some("send") => match frame
                .get("sub")
                .and_then(Value::as_u64)
                .and_then(|s| subs.get(&s))
            {
                None => error_frame(&id, &ApiError::bad_request("no such subscription")),
                Some((room, _)) => match fixture::chat_message(
                    user.as_ref(),
                    frame.get("message").unwrap_or(&Value::Null),
                ) {
                    Ok(message) => {
                        let _ = state.room(room).send(message);
                        json!({ "id": id })
                    }
                    Err(e) => error_frame(&id, &e),
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
            _ => error_frame(&id, &ApiError::bad_request("unknown op")),
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

/// A `call` frame: the function runs off the socket's task; the reply is the HTTP answer's
/// body with the frame's `id`.
async fn call(state: &Arc<AppState>, user: &Option<User>, frame: &Value, id: &Value) -> Value {
    let name = frame
        .get("fn")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let args = frame.get("args").cloned().unwrap_or(Value::Null);
    let (state, user) = (Arc::clone(state), user.clone());
    match tokio::task::spawn_blocking(move || state::dispatch(&state, user, &name, args)).await {
        Ok(Ok(outcome)) => {
            let mut body = outcome_body(&outcome);
            body["id"] = id.clone();
            body
        }
        Ok(Err(e)) => error_frame(id, &e),
        Err(_) => error_frame(id, &ApiError::internal()),
    }
}

/// A `subscribe` frame: forwards the room's messages as `{sub, message}` frames until
/// unsubscribed (a second subscription with the same id replaces the first).
fn subscribe(
    state: &AppState,
    tx: &mpsc::Sender<Value>,
    subs: &mut Subscriptions,
    frame: &Value,
    id: &Value,
) -> Value {
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
        (false, _, _) => error_frame(
            id,
            &ApiError::not_found(format!("unknown channel `{channel}`")),
        ),
        (_, None, _) => error_frame(id, &ApiError::field("room", "This field is required.")),
        (_, _, None) => error_frame(
            id,
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
