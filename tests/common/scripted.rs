//! A scripted HTTP server on 127.0.0.1: answers each request with the next reply of its script
//! and records what it was sent. For transport tests of every store.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};

#[derive(Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub delay: Duration,
    pub retry_after: Option<&'static str>,
}

pub fn reply(status: u16, body: &str) -> Reply {
    Reply {
        status,
        body: body.into(),
        delay: Duration::ZERO,
        retry_after: None,
    }
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: String,
}

#[derive(Default)]
struct Script {
    replies: VecDeque<Reply>,
    seen: Vec<Seen>,
}

#[derive(Clone)]
pub struct Scripted {
    pub url: url::Url,
    script: Arc<Mutex<Script>>,
}

impl Scripted {
    pub fn seen(&self) -> Vec<Seen> {
        self.script.lock().expect("lock").seen.clone()
    }

    pub fn count(&self) -> usize {
        self.script.lock().expect("lock").seen.len()
    }
}

async fn handle(
    State(script): State<Arc<Mutex<Script>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, HeaderMap, String) {
    let reply = {
        let mut s = script.lock().expect("lock");
        s.seen.push(Seen {
            method,
            uri,
            headers,
            body,
        });
        s.replies
            .pop_front()
            .unwrap_or_else(|| reply(500, "script exhausted"))
    };
    tokio::time::sleep(reply.delay).await;
    let mut out = HeaderMap::new();
    if let Some(after) = reply.retry_after {
        out.insert("retry-after", after.parse().expect("header"));
    }
    (
        StatusCode::from_u16(reply.status).expect("status"),
        out,
        reply.body,
    )
}

/// Serves `replies` in order, whatever the path.
pub async fn serve(replies: Vec<Reply>) -> Scripted {
    let script = Arc::new(Mutex::new(Script {
        replies: replies.into(),
        seen: Vec::new(),
    }));
    let app = Router::new().fallback(handle).with_state(script.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    Scripted {
        url: url::Url::parse(&format!("http://{addr}/")).expect("url"),
        script,
    }
}
