//! The WebSocket endpoint's socket (docs/PROTOCOL.md §3, WebSocket): calls, and channel
//! subscriptions with the messages sent to their rooms. One writer task owns the socket's
//! sending half; every reply and forwarded message goes through it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{close_code, CloseFrame, Message, WebSocket};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::{broadcast, mpsc};

use crate::error::ApiError;
use crate::fixture;
use crate::model::User;
use crate::protocol::{canonical, error_frame, outcome_body, MAX_JSON_MESSAGE};
use crate::state::{self, AppState};

/// Subscription id → (room, forwarding task).
type Subscriptions = BTreeMap<u64, (String, tokio::task::JoinHandle<()>)>;

/// The largest message the socket reads at all: a message over [`MAX_JSON_MESSAGE`] but within
/// this is read and dropped, so the socket can close cleanly after it; a larger one fails the
/// socket's stream at once (a frame's at its header, before its payload is buffered), leaving
/// the rest unread.
pub const READ_LIMIT: usize = 64 << 20;

/// How long a socket that the server closes waits for the client's close frame.
const CLOSING_GRACE: Duration = Duration::from_secs(5);

/// Serves one upgraded socket for `user` until the client closes it, or until the client sends
/// what the socket cannot take (see [`close_for`]).
pub async fn serve_socket(state: Arc<AppState>, user: Option<User>, socket: WebSocket) {
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = mpsc::channel::<Value>(256);
    // Gives the sink back once every sender is gone, unless the peer stopped taking frames.
    let writer = tokio::spawn(async move {
        while let Some(frame) = rx.recv().await {
            if sink
                .send(Message::Text(canonical(&frame).into()))
                .await
                .is_err()
            {
                return None;
            }
        }
        Some(sink)
    });
    let mut subs = Subscriptions::new();
    // Why the server closes the socket, and whether its stream can still be read.
    let mut close = None;
    let mut readable = true;
    while let Some(message) = stream.next().await {
        let message = match message {
            Ok(m) if message_len(&m) > MAX_JSON_MESSAGE => {
                close = Some(too_large());
                break;
            }
            Ok(m) => m,
            Err(e) => {
                close = close_for(e);
                readable = false;
                break;
            }
        };
        let frame = match message {
            Message::Text(text) => serde_json::from_str(text.as_str())
                .ok()
                .filter(Value::is_object)
                .ok_or("a frame is one JSON object"),
            Message::Binary(_) => Err("binary frames are not accepted: send one JSON object \
                 as a text frame"),
            Message::Close(_) => break,
            // Pings are answered by the socket itself.
            Message::Ping(_) | Message::Pong(_) => continue,
        };
        let frame: Value = match frame {
            Ok(frame) => frame,
            Err(why) => {
                if tx
                    .send(error_frame(&Value::Null, &ApiError::bad_request(why)))
                    .await
                    .is_err()
                {
                    break;
                }
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
    // The answers already queued go out first, then the close frame.
    if let (Some(frame), Ok(Some(mut sink))) = (close, writer.await) {
        if sink.send(Message::Close(Some(frame))).await.is_ok() && readable {
            // Read on (dropping what comes) until the client answers the close frame: closing
            // the connection with its data unread would reset it, and the client might never
            // see the close frame.
            let drain = async { while let Some(Ok(_)) = stream.next().await {} };
            let _ = tokio::time::timeout(CLOSING_GRACE, drain).await;
        }
    }
}

fn message_len(message: &Message) -> usize {
    match message {
        Message::Text(text) => text.len(),
        Message::Binary(bytes) => bytes.len(),
        _ => 0,
    }
}

fn too_large() -> CloseFrame {
    CloseFrame {
        code: close_code::SIZE,
        reason: format!("a message is at most {MAX_JSON_MESSAGE} bytes").into(),
    }
}

/// The close frame answering a message the socket could not read, when the connection itself
/// still works: 1009 for a message over [`READ_LIMIT`], 1007 for a text message that is not
/// UTF-8, 1002 for any other breach of the WebSocket protocol. `None` when the connection
/// failed.
fn close_for(e: axum::Error) -> Option<CloseFrame> {
    let e = e.into_inner();
    let (code, reason) = match e.downcast_ref::<tungstenite::Error>()? {
        tungstenite::Error::Capacity(_) => return Some(too_large()),
        tungstenite::Error::Utf8(_) => (close_code::INVALID, "text is not UTF-8".to_owned()),
        tungstenite::Error::Protocol(why) => (close_code::PROTOCOL, why.to_string()),
        _ => return None,
    };
    // A close frame's reason is at most 123 bytes.
    let reason = if reason.len() <= 123 {
        reason
    } else {
        "WebSocket protocol error".to_owned()
    };
    Some(CloseFrame {
        code,
        reason: reason.into(),
    })
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
