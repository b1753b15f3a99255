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

/// Reads until the server's close frame, then checks that the connection ends cleanly: no
/// reset before the close frame or after it.
async fn close_frame(ws: &mut Socket) -> (u16, String) {
    loop {
        let m = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a frame in time");
        match m {
            Some(Ok(Message::Close(Some(frame)))) => {
                // The client answered the close frame; the server now ends the connection.
                let end = tokio::time::timeout(Duration::from_secs(10), ws.next()).await;
                assert!(
                    matches!(end, Ok(None)),
                    "the connection ends cleanly after the close frame: {end:?}"
                );
                return (u16::from(frame.code), frame.reason.to_string());
            }
            Some(Ok(Message::Close(None))) => panic!("a close frame without a code"),
            Some(Ok(_)) => continue,
            Some(Err(e)) => panic!("the socket failed before a close frame: {e}"),
            None => panic!("the socket ended without a close frame"),
        }
    }
}

/// A call of `echo` exactly `size` bytes long, and the text it echoes.
fn echo_frame(id: u64, size: usize) -> (String, String) {
    let empty = json!({"id": id, "op": "call", "fn": "echo", "args": {"text": ""}}).to_string();
    let text = "x".repeat(size - empty.len());
    let frame = json!({"id": id, "op": "call", "fn": "echo", "args": {"text": text}}).to_string();
    assert_eq!(frame.len(), size);
    (frame, text)
}

#[tokio::test]
async fn a_binary_frame_is_answered_with_an_error_and_the_socket_stays_open() {
    let s = TestServer::start().await;
    let mut ws = connect(&s, "").await;
    ws.send(Message::Binary(
        br#"{"id": 1, "op": "call", "fn": "echo"}"#.to_vec().into(),
    ))
    .await
    .expect("send");
    let reply = recv(&mut ws).await;
    assert_eq!(reply["id"], Value::Null, "{reply}");
    assert_eq!(reply["error"]["code"], "BAD_REQUEST", "{reply}");
    assert!(
        reply["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("binary")),
        "the message says why: {reply}"
    );
    send(
        &mut ws,
        json!({"id": 2, "op": "call", "fn": "echo", "args": {"text": "still here"}}),
    )
    .await;
    assert_eq!(
        recv(&mut ws).await,
        json!({"id": 2, "result": {"message": "still here"}})
    );
    s.stop().await;
}

#[tokio::test]
async fn messages_share_the_http_body_cap_and_larger_ones_close_with_1009() {
    let cap = mizan_reference_backend::protocol::MAX_JSON_MESSAGE;
    assert_eq!(cap, 1 << 20);
    let s = TestServer::start().await;
    let mut ws = connect(&s, "").await;
    let (frame, text) = echo_frame(1, cap);
    ws.send(Message::Text(frame.into())).await.expect("send");
    assert_eq!(
        recv(&mut ws).await,
        json!({"id": 1, "result": {"message": text}}),
        "a message of exactly the cap is taken"
    );
    for size in [cap + 1, 3_000_000] {
        let mut ws = connect(&s, "").await;
        send(
            &mut ws,
            json!({"id": 1, "op": "call", "fn": "echo", "args": {"text": "before"}}),
        )
        .await;
        ws.send(Message::Text(echo_frame(2, size).0.into()))
            .await
            .expect("send");
        assert_eq!(
            recv(&mut ws).await,
            json!({"id": 1, "result": {"message": "before"}}),
            "earlier answers go out before the close frame"
        );
        let (code, reason) = close_frame(&mut ws).await;
        assert_eq!(code, 1009, "{size} bytes: {reason}");
        assert_eq!(reason, format!("a message is at most {cap} bytes"));
    }
    s.stop().await;
}

#[tokio::test]
async fn a_20_mb_frame_gets_a_close_frame_not_a_reset() {
    let s = TestServer::start().await;
    let mut ws = connect(&s, "").await;
    ws.send(Message::Binary(vec![b'x'; 20 << 20].into()))
        .await
        .expect("the server reads the whole frame: sending it is not cut off");
    let (code, reason) = close_frame(&mut ws).await;
    assert_eq!(
        (code, reason.as_str()),
        (1009, "a message is at most 1048576 bytes")
    );
    s.stop().await;
}

#[tokio::test]
async fn frames_that_break_the_websocket_protocol_close_with_its_codes() {
    use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
    use tokio_tungstenite::tungstenite::protocol::frame::Frame;
    let s = TestServer::start().await;
    let cases = [
        (
            OpCode::Data(Data::Text),
            vec![0xff, 0xfe],
            1007,
            "text is not UTF-8",
        ),
        (
            OpCode::Data(Data::Reserved(3)),
            b"{}".to_vec(),
            1002,
            // tungstenite's words for the breach.
            "opcode",
        ),
    ];
    for (opcode, payload, code, says) in cases {
        let mut ws = connect(&s, "").await;
        ws.send(Message::Frame(Frame::message(payload, opcode, true)))
            .await
            .expect("send");
        let (got, reason) = close_frame(&mut ws).await;
        assert_eq!(got, code, "{reason}");
        assert!(reason.contains(says), "{code}: {reason}");
    }
    s.stop().await;
}
