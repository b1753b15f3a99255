//! A real server on an ephemeral loopback port, per test.
#![allow(dead_code)]

use std::sync::Arc;

use mizan_reference_backend::auth::Secrets;
use mizan_reference_backend::http;
use mizan_reference_backend::state::AppState;
use tokio::sync::oneshot;

pub struct TestServer {
    pub url: String,
    pub state: Arc<AppState>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

pub fn secrets() -> Secrets {
    Secrets {
        mwt: b"test-mwt".to_vec(),
        jwt: b"test-jwt".to_vec(),
        cache: b"test-cache".to_vec(),
        session: b"test-session".to_vec(),
    }
}

impl TestServer {
    pub async fn start() -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let state = AppState::new(secrets());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(http::serve(listener, Arc::clone(&state), async {
            let _ = stopped.await;
        }));
        TestServer {
            url,
            state,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub fn api(&self, path: &str) -> String {
        format!("{}/api/mizan{path}", self.url)
    }

    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}
