//! WebSocket calls and the chat channel over a real socket.

mod common;

use std::time::Duration;

use common::{secrets, TestServer};
use futures_util::{SinkExt, StreamExt};
use mizan_reference_backend::auth;
use mizan_reference_backend::model::User;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(s: &TestServer, query: &str) -> Socket {
    let url = format!("{}/api/mizan/ws/{query}", s.url.replacen("http", "ws", 1));
    tokio_tungstenite::connect_async(url)
        .await
        .expect("connect")
        .0
}

async fn send(ws: &mut Socket, frame: Value) {
    ws.send(Message::Text(frame.to_string().into()))
        .await
        .expect("send");
}

async fn recv(ws: &mut Socket) -> Value {
    loop {
        let m = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("a frame in time")
            .expect("open")
            .expect("frame");
        if let Message::Text(t) = m {
            return serde_json::from_str(&t).expect("json frame");
        }
    }
}

#[tokio::test]
async fn calls_over_the_socket() {
    let s = TestServer::start().await;
    let mut ws = connect(&s, "").await;
    send(
        &mut ws,
        json!({"id": 1, "op": "call", "fn": "ws_whoami", "args": {}}),
    )
    .await;
    assert_eq!(recv(&mut ws).await, json!({"id": 1, "result": null}));
    send(
        &mut ws,
        json!({"id": 2, "op": "call", "fn": "update_profile", "args": {"user_id": 3, "name": "x"}}),
    )
    .await;
    assert_eq!(
        recv(&mut ws).await,
        json!({"id": 2, "result": {"ok": true}, "invalidate": [{"context": "user", "params": {"user_id": 3}}]})
    );
    send(
        &mut ws,
        json!({"id": 3, "op": "call", "fn": "whoami", "args": {}}),
    )
    .await;
    assert_eq!(recv(&mut ws).await["error"]["code"], "UNAUTHORIZED");
    ws.send(Message::Text("not json".into()))
        .await
        .expect("send");
    assert_eq!(recv(&mut ws).await["error"]["code"], "BAD_REQUEST");

    let ada = User {
        id: 1,
        username: "ada".into(),
        email: String::new(),
        is_staff: false,
        is_superuser: false,
    };
    let token = auth::mwt_for(&secrets().mwt, &ada, auth::now(), 300);
    let mut authed = connect(&s, &format!("?token={token}")).await;
    send(
        &mut authed,
        json!({"id": 1, "op": "call", "fn": "ws_whoami", "args": {}}),
    )
    .await;
    assert_eq!(recv(&mut authed).await["result"]["username"], "ada");
    let bad = format!(
        "{}/api/mizan/ws/?token=forged",
        s.url.replacen("http", "ws", 1)
    );
    assert!(
        tokio_tungstenite::connect_async(bad).await.is_err(),
        "an invalid token is refused at the upgrade"
    );
    s.stop().await;
}

#[tokio::test]
async fn chat_messages_reach_every_subscriber_of_the_room() {
    let s = TestServer::start().await;
    let (mut a, mut b, mut elsewhere) = (
        connect(&s, "").await,
        connect(&s, "").await,
        connect(&s, "").await,
    );
    for (ws, room) in [
        (&mut a, "lobby"),
        (&mut b, "lobby"),
        (&mut elsewhere, "ops"),
    ] {
        send(
            ws,
            json!({"id": 10, "op": "subscribe", "channel": "chat", "params": {"room": room}}),
        )
        .await;
        assert_eq!(recv(ws).await, json!({"id": 10, "subscribed": true}));
    }
    send(
        &mut a,
        json!({"id": 11, "op": "send", "sub": 10, "message": {"text": "hello"}}),
    )
    .await;
    // The sender gets its reply and, as a subscriber, the message; order between them is free.
    let mut got = [recv(&mut a).await, recv(&mut a).await];
    got.sort_by_key(|f| f.get("sub").is_some());
    assert_eq!(
        got,
        [
            json!({"id": 11}),
            json!({"sub": 10, "message": {"text": "hello", "user": "anonymous"}})
        ]
    );
    assert_eq!(
        recv(&mut b).await,
        json!({"sub": 10, "message": {"text": "hello", "user": "anonymous"}})
    );
    send(
        &mut a,
        json!({"id": 12, "op": "send", "sub": 10, "message": {"text": "  "}}),
    )
    .await;
    assert_eq!(recv(&mut a).await["error"]["code"], "VALIDATION_FAILED");
    send(&mut b, json!({"id": 13, "op": "unsubscribe", "sub": 10})).await;
    assert_eq!(recv(&mut b).await, json!({"id": 13}));
    send(
        &mut a,
        json!({"id": 14, "op": "send", "sub": 10, "message": {"text": "again"}}),
    )
    .await;
    let mut frames = [recv(&mut a).await, recv(&mut a).await];
    frames.sort_by_key(|f| f.get("sub").is_some());
    assert_eq!(frames[1]["message"]["text"], "again");
    assert!(
        tokio::time::timeout(Duration::from_millis(300), b.next())
            .await
            .is_err(),
        "unsubscribed: nothing more"
    );
    assert!(
        tokio::time::timeout(Duration::from_millis(100), elsewhere.next())
            .await
            .is_err(),
        "another room hears nothing"
    );
    send(
        &mut a,
        json!({"id": 15, "op": "subscribe", "channel": "nope", "params": {}}),
    )
    .await;
    assert_eq!(recv(&mut a).await["error"]["code"], "NOT_FOUND");
    s.stop().await;
}
