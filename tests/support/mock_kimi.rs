//! A mock of Kimi's Chat Completions API on 127.0.0.1 with port 0, streaming real SSE.
//!
//! Tests queue `Reply`s (chunks with delays, reasoning, usage in either place, HTTP error
//! bodies, in-stream errors, cut-offs); with none queued it echoes the last user message with
//! a little reasoning first. Every request body is recorded with the time it arrived, so tests
//! check what the client sent. It runs on its own thread and runtime, so sync tests (the pty
//! ones) and async ones use it alike; dropping it stops the server.
//! `cargo run --example mock-kimi` runs it on its own for trying the app by hand.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::post;
use serde_json::{Value, json};

/// A file stored on the mock's account (`/v1/files`).
#[derive(Debug, Clone)]
pub struct MockFile {
    pub id: String,
    pub filename: String,
    pub bytes: usize,
    pub purpose: String,
    pub created_at: u64,
    /// The text "extracted" from it: the bytes as UTF-8 (lossy), a `%PDF-…` first line left
    /// out.
    pub text: String,
    /// `ok`, `error` (a file starting `%PDF-broken`), or `processing` (told once more,
    /// when `slow_extraction` is on).
    pub status: String,
    /// How many more times `GET /files/{id}` says `processing`.
    pub pending_checks: u32,
}

fn file_json(f: &MockFile) -> Value {
    json!({"id": f.id, "object": "file", "bytes": f.bytes, "created_at": f.created_at,
           "filename": f.filename, "purpose": f.purpose, "status": f.status,
           "status_details": if f.status == "error" { "the file is broken" } else { "" }})
}

/// One scripted answer: a status, a content type, and body frames sent after their delays.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub frames: Vec<(Duration, String)>,
    pub headers: Vec<(String, String)>,
}

fn chunk(delta: Value, finish: Option<&str>, usage_in_choice: Option<Value>) -> String {
    let mut choice = json!({"index": 0, "delta": delta, "finish_reason": finish});
    if let Some(usage) = usage_in_choice {
        choice["usage"] = usage;
    }
    let body = json!({
        "id": "cmpl-mock", "object": "chat.completion.chunk", "created": 1_700_000_000,
        "model": "kimi-mock", "choices": [choice]
    });
    format!("data: {body}\n\n")
}

impl Reply {
    /// A streamed reply: reasoning pieces, then content pieces, each after `delay`, then a
    /// final chunk with usage inside `choices[0]`, then `[DONE]`.
    pub fn chat<R: AsRef<str>, C: AsRef<str>>(
        reasoning: &[R],
        content: &[C],
        delay: Duration,
    ) -> Self {
        let mut frames = vec![(
            Duration::ZERO,
            chunk(json!({"role": "assistant", "content": ""}), None, None),
        )];
        for piece in reasoning {
            frames.push((
                delay,
                chunk(json!({"reasoning_content": piece.as_ref()}), None, None),
            ));
        }
        for piece in content {
            frames.push((delay, chunk(json!({"content": piece.as_ref()}), None, None)));
        }
        let usage = json!({"prompt_tokens": 19, "completion_tokens": 13, "total_tokens": 32, "cached_tokens": 8});
        frames.push((Duration::ZERO, chunk(json!({}), Some("stop"), Some(usage))));
        frames.push((Duration::ZERO, "data: [DONE]\n\n".into()));
        Reply {
            status: 200,
            content_type: "text/event-stream".into(),
            frames,
            headers: Vec::new(),
        }
    }

    /// A reply that asks for a tool: the call's id and name first, then its JSON arguments in
    /// `pieces` (as Kimi streams them), then `finish_reason: "tool_calls"`.
    pub fn tool_call(id: &str, name: &str, pieces: &[&str]) -> Self {
        let mut frames = vec![(
            Duration::ZERO,
            chunk(json!({"role": "assistant", "content": ""}), None, None),
        )];
        frames.push((
            Duration::ZERO,
            chunk(
                json!({"tool_calls": [{"index": 0, "id": id, "type": "builtin_function",
                                       "function": {"name": name, "arguments": ""}}]}),
                None,
                None,
            ),
        ));
        for piece in pieces {
            frames.push((
                Duration::ZERO,
                chunk(
                    json!({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}),
                    None,
                    None,
                ),
            ));
        }
        let usage = json!({"prompt_tokens": 30, "completion_tokens": 5, "total_tokens": 35});
        frames.push((
            Duration::ZERO,
            chunk(json!({}), Some("tool_calls"), Some(usage)),
        ));
        frames.push((Duration::ZERO, "data: [DONE]\n\n".into()));
        Reply {
            status: 200,
            content_type: "text/event-stream".into(),
            frames,
            headers: Vec::new(),
        }
    }

    /// The same reply with these token counts in its usage chunk.
    pub fn with_usage(mut self, prompt: u64, completion: u64, cached: u64) -> Self {
        let usage = json!({"prompt_tokens": prompt, "completion_tokens": completion,
                           "total_tokens": prompt + completion, "cached_tokens": cached});
        if let Some(frame) = self
            .frames
            .iter_mut()
            .rev()
            .find(|(_, text)| text.contains("\"usage\""))
        {
            frame.1 = chunk(json!({}), Some("stop"), Some(usage));
        }
        self
    }

    /// Content only, no delay.
    pub fn text(content: &[&str]) -> Self {
        Self::chat::<&str, &str>(&[], content, Duration::ZERO)
    }

    /// Moves usage from `choices[0]` to a separate top-level chunk with empty `choices`.
    pub fn usage_at_top_level(mut self) -> Self {
        let usage = json!({"prompt_tokens": 21, "completion_tokens": 5, "total_tokens": 26,
                           "prompt_tokens_details": {"cached_tokens": 3}});
        let n = self.frames.len();
        if n >= 2 {
            self.frames[n - 2] = (Duration::ZERO, chunk(json!({}), Some("stop"), None));
            let top = json!({"id": "cmpl-mock", "object": "chat.completion.chunk", "choices": [], "usage": usage});
            self.frames
                .insert(n - 1, (Duration::ZERO, format!("data: {top}\n\n")));
        }
        self
    }

    /// Ends the body after the content, without usage or `[DONE]`.
    pub fn cut(mut self) -> Self {
        self.frames.truncate(self.frames.len().saturating_sub(2));
        self
    }

    /// Replaces the end with an in-stream `data: {"error": ...}` event.
    pub fn stream_error(mut self, kind: &str, message: &str) -> Self {
        self.frames.truncate(self.frames.len().saturating_sub(2));
        let error = json!({"error": {"type": kind, "message": message}});
        self.frames
            .push((Duration::ZERO, format!("data: {error}\n\n")));
        self
    }

    /// Holds the body open for `wait` after its last frame (for stop tests), then cuts.
    pub fn hang(mut self, wait: Duration) -> Self {
        self.frames.truncate(self.frames.len().saturating_sub(2));
        self.frames.push((wait, String::new()));
        self
    }

    /// Replaces every frame with raw bytes (for malformed-event tests).
    pub fn raw_sse(frames: &[&str]) -> Self {
        Reply {
            status: 200,
            content_type: "text/event-stream".into(),
            frames: frames
                .iter()
                .map(|f| (Duration::ZERO, f.to_string()))
                .collect(),
            headers: Vec::new(),
        }
    }

    /// An HTTP error with the API's JSON error body.
    pub fn error(status: u16, kind: &str, message: &str) -> Self {
        let body = json!({"error": {"type": kind, "message": message}}).to_string();
        Reply {
            status,
            content_type: "application/json".into(),
            frames: vec![(Duration::ZERO, body)],
            headers: Vec::new(),
        }
    }

    /// An HTTP error with a body that is not JSON (a gateway's HTML page).
    pub fn html(status: u16, body: &str) -> Self {
        Reply {
            status,
            content_type: "text/html".into(),
            frames: vec![(Duration::ZERO, body.into())],
            headers: Vec::new(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// One request the mock received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub body: Value,
    pub at: Instant,
    pub authorization: Option<String>,
}

impl Recorded {
    /// (role, content) of every message sent.
    pub fn messages(&self) -> Vec<(String, String)> {
        self.body["messages"]
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|m| {
                        (
                            m["role"].as_str().unwrap_or_default().to_string(),
                            // Parts: their text.
                            match &m["content"] {
                                Value::Array(parts) => parts
                                    .iter()
                                    .filter_map(|p| p["text"].as_str())
                                    .collect::<Vec<_>>()
                                    .join(""),
                                other => other.as_str().unwrap_or_default().to_string(),
                            },
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Recorded {
    /// The image URLs of each message (empty for a message without image parts).
    pub fn images(&self) -> Vec<Vec<String>> {
        self.body["messages"]
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|m| {
                        m["content"]
                            .as_array()
                            .map(|parts| {
                                parts
                                    .iter()
                                    .filter_map(|p| p["image_url"]["url"].as_str())
                                    .map(String::from)
                                    .collect()
                            })
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// What the API would say about a request's content parts: image parts must be objects in
/// an array with a data URL (a JSON-encoded string of parts is what makes the real API answer
/// "exceeded model token limit").
fn bad_parts(body: &Value) -> Option<Response> {
    for m in body["messages"].as_array()? {
        match &m["content"] {
            Value::String(text)
                if text.trim_start().starts_with("[{") && text.contains("image_url") =>
            {
                return Some(api_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request_error",
                    "Invalid request: Your request exceeded model token limit",
                ));
            }
            Value::Array(parts) => {
                for part in parts {
                    let ok = match part["type"].as_str() {
                        Some("text") => part["text"].is_string(),
                        Some("image_url") => part["image_url"]["url"]
                            .as_str()
                            .and_then(|u| u.strip_prefix("data:image/"))
                            .and_then(|u| u.split_once(";base64,"))
                            .is_some_and(|(_, data)| {
                                use base64::Engine as _;
                                base64::engine::general_purpose::STANDARD
                                    .decode(data)
                                    .is_ok()
                            }),
                        _ => false,
                    };
                    if !ok {
                        return Some(api_error(
                            StatusCode::BAD_REQUEST,
                            "invalid_request_error",
                            "Invalid request: a content part is not a text or a data URL image",
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    None
}

#[derive(Default)]
struct Shared {
    replies: Mutex<VecDeque<Reply>>,
    log: Mutex<Vec<Recorded>>,
    /// Delay between pieces of the default echo reply.
    echo_delay: Mutex<Duration>,
    /// When the last frame of the latest reply was handed to the connection.
    last_sent: Mutex<Option<Instant>>,
    /// Keys answered 401 on every endpoint, as the API answers a key of the other region.
    rejected: Mutex<Vec<String>>,
    /// The prompt cache: the last request's messages (as JSON) for each `prompt_cache_key`.
    cache: Mutex<std::collections::HashMap<String, String>>,
    /// The account's files, oldest first.
    files: Mutex<Vec<MockFile>>,
    /// Uploads say `processing` this many times before `ok`.
    slow_extraction: Mutex<u32>,
    /// The next upload is answered with this error (status, type, message).
    upload_error: Mutex<Option<(u16, String, String)>>,
    /// Every file id ever deleted, in order.
    deleted: Mutex<Vec<String>>,
}

/// The echo reply's usage, as Kimi's prefix cache would count it: a token per three bytes of
/// the messages' JSON, and as cached the bytes this request shares from the start with the
/// last one of the same `prompt_cache_key` (none without a key).
fn cache_usage(shared: &Shared, body: &Value) -> (u64, u64) {
    let messages = body["messages"].to_string();
    let prompt = (messages.len() / 3) as u64;
    let Some(key) = body["prompt_cache_key"].as_str() else {
        return (prompt, 0);
    };
    let previous = lock(&shared.cache).insert(key.to_string(), messages.clone());
    let shared_bytes = previous.map_or(0, |before| {
        before
            .bytes()
            .zip(messages.bytes())
            .take_while(|(a, b)| a == b)
            .count()
    });
    (prompt, (shared_bytes / 3) as u64)
}

/// The API's answer to a key it does not know, if `headers` carry one of those.
fn refused(shared: &Shared, headers: &HeaderMap) -> Option<Response> {
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())?
        .strip_prefix("Bearer ")?;
    if !lock(&shared.rejected).iter().any(|k| k == key) {
        return None;
    }
    let body = json!({"error": {"type": "invalid_authentication_error",
                                "message": "Invalid Authentication"}});
    Response::builder()
        .status(StatusCode::UNAUTHORIZED)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .ok()
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub struct MockKimi {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl MockKimi {
    pub fn start() -> Self {
        Self::start_on("127.0.0.1:0")
    }

    pub fn start_on(bind: &str) -> Self {
        let shared = Arc::new(Shared::default());
        *lock(&shared.echo_delay) = Duration::from_millis(15);
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let app_shared = shared.clone();
        let bind = bind.to_string();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("mock runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind(&bind)
                    .await
                    .expect("bind mock");
                addr_tx
                    .send(listener.local_addr().expect("mock addr"))
                    .expect("report addr");
                let app = Router::new()
                    .route("/v1/chat/completions", post(chat))
                    .route("/v1/models", axum::routing::get(models))
                    .route("/v1/tokenizers/estimate-token-count", post(count_tokens))
                    .route("/v1/users/me/balance", axum::routing::get(balance))
                    .route("/v1/files", post(upload_file).get(list_files))
                    .route(
                        "/v1/files/{id}",
                        axum::routing::get(file_info).delete(delete_file),
                    )
                    .route("/v1/files/{id}/content", axum::routing::get(file_content))
                    .layer(axum::extract::DefaultBodyLimit::max(200 * 1024 * 1024))
                    .with_state(app_shared);
                // Stopping drops open connections at once instead of waiting for them.
                tokio::select! {
                    _ = axum::serve(listener, app) => {}
                    _ = stop_rx => {}
                }
            });
            rt.shutdown_timeout(Duration::from_millis(100));
        });
        let addr = addr_rx.recv().expect("mock started");
        MockKimi {
            addr,
            shared,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Every request with this key is answered 401 (a key of the other region, or revoked).
    pub fn reject_key(&self, key: &str) {
        lock(&self.shared.rejected).push(key.to_string());
    }

    /// The files on the account now, oldest first.
    pub fn files(&self) -> Vec<MockFile> {
        lock(&self.shared.files).clone()
    }

    /// Puts a file on the account as if uploaded elsewhere.
    pub fn add_file(&self, filename: &str, bytes: usize, created_at: u64) -> String {
        let mut files = lock(&self.shared.files);
        let id = format!(
            "file_{:04}",
            files.len() + lock(&self.shared.deleted).len() + 1
        );
        files.push(MockFile {
            id: id.clone(),
            filename: filename.into(),
            bytes,
            purpose: "file-extract".into(),
            created_at,
            text: String::new(),
            status: "ok".into(),
            pending_checks: 0,
        });
        id
    }

    /// The ids deleted so far.
    pub fn deleted_files(&self) -> Vec<String> {
        lock(&self.shared.deleted).clone()
    }

    /// Uploads say `processing` `times` times before `ok`.
    pub fn slow_extraction(&self, times: u32) {
        *lock(&self.shared.slow_extraction) = times;
    }

    /// The next upload fails with this status and API error.
    pub fn fail_next_upload(&self, status: u16, kind: &str, message: &str) {
        *lock(&self.shared.upload_error) = Some((status, kind.into(), message.into()));
    }

    pub fn push(&self, reply: Reply) {
        lock(&self.shared.replies).push_back(reply);
    }

    pub fn set_echo_delay(&self, delay: Duration) {
        *lock(&self.shared.echo_delay) = delay;
    }

    /// When the last frame of the latest reply was handed to the connection.
    pub fn last_sent(&self) -> Option<Instant> {
        *lock(&self.shared.last_sent)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.shared.log).clone()
    }

    /// Waits (polling, up to `limit`) until `n` requests have arrived.
    pub fn wait_for_requests(&self, n: usize, limit: Duration) -> Vec<Recorded> {
        let start = Instant::now();
        loop {
            let log = self.requests();
            if log.len() >= n || start.elapsed() > limit {
                return log;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for MockKimi {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What the echo adds when the prompt mentions markdown: one of each element.
pub const MARKDOWN_SAMPLE: &str = "# Heading one\n\n## Heading two\n\nA paragraph with **bold**, *italic*, ~~struck~~, `inline code` and a [link](https://example.com).\n\n- a bullet\n  - a nested bullet\n- [x] a done task\n- [ ] an open task\n\n1. first\n2. second\n\n> a quoted line\n\n```rust\nfn main() {\n    println!(\"hello, 世界\");\n}\n```\n\n| left | center | right |\n|:-----|:------:|------:|\n| a | 中文 | 1.5 |\n| longer cell | b | 22 |\n\n---\n\nThe end.";

/// The default reply: a little reasoning, then the prompt echoed back word by word.
fn echo(body: &Value, delay: Duration) -> Reply {
    let last = body["messages"]
        .as_array()
        .and_then(|m| m.iter().rev().find(|m| m["role"] == "user"));
    let prompt = match last.map(|m| &m["content"]) {
        // Parts: the text, and how many images came with it.
        Some(Value::Array(parts)) => {
            let text: String = parts.iter().filter_map(|p| p["text"].as_str()).collect();
            let images = parts.iter().filter(|p| p["type"] == "image_url").count();
            format!("{text} (with {images} image(s))")
        }
        Some(other) => other.as_str().unwrap_or("").to_string(),
        None => String::new(),
    };
    let turns = body["messages"].as_array().map_or(0, std::vec::Vec::len);
    let reasoning = ["The user wrote something. ", "I will echo it back."];
    let answer = if prompt.contains("markdown") {
        format!("Echo #{turns}: {prompt}\n\n{MARKDOWN_SAMPLE}")
    } else {
        format!("Echo #{turns}: {prompt}")
    };
    let words: Vec<String> = answer.split_inclusive(' ').map(String::from).collect();
    Reply::chat(&reasoning, &words, delay)
}

/// GET /v1/models with Kimi's capability fields.
async fn models(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if let Some(refusal) = refused(&shared, &headers) {
        return refusal;
    }
    let body = json!({"object": "list", "data": [
        {"id": "kimi-k2.6", "object": "model", "created": 1, "owned_by": "moonshot",
         "context_length": 262144, "supports_reasoning": true, "supports_image_in": true,
         "supports_video_in": true},
        {"id": "kimi-k3", "object": "model", "created": 1, "owned_by": "moonshot",
         "context_length": 1048576, "supports_reasoning": true, "supports_image_in": true,
         "supports_video_in": false, "display_name": "Kimi K3"},
        {"id": "kimi-k2.7-code", "object": "model", "created": 1, "owned_by": "moonshot",
         "context_length": 262144, "supports_reasoning": true}
    ]});
    Response::builder()
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

/// POST /v1/tokenizers/estimate-token-count: one token per three bytes of message text.
async fn count_tokens(body: Bytes) -> Response {
    let value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let bytes: usize = value["messages"].as_array().map_or(0, |list| {
        list.iter()
            .map(|m| m["content"].as_str().map_or(0, str::len))
            .sum()
    });
    let body = json!({"data": {"total_tokens": bytes / 3}});
    Response::builder()
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

async fn balance(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if let Some(refusal) = refused(&shared, &headers) {
        return refusal;
    }
    let body = json!({"code": 0, "data": {"available_balance": 49.58, "voucher_balance": 46.58,
                      "cash_balance": 3.0}, "scode": "0x0", "status": true});
    Response::builder()
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

async fn chat(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(refusal) = refused(&shared, &headers) {
        return refusal;
    }
    let value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    lock(&shared.log).push(Recorded {
        body: value.clone(),
        at: Instant::now(),
        authorization: headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(String::from),
    });
    if let Some(refusal) = bad_parts(&value) {
        return refusal;
    }
    let (prompt, cached) = cache_usage(&shared, &value);
    let queued = lock(&shared.replies).pop_front();
    let reply = queued
        .unwrap_or_else(|| echo(&value, *lock(&shared.echo_delay)).with_usage(prompt, 13, cached));
    let frames = reply.frames.clone();
    let done = shared.clone();
    let stream = futures::stream::unfold(frames.into_iter(), move |mut frames| {
        let done = done.clone();
        async move {
            let Some((delay, text)) = frames.next() else {
                *lock(&done.last_sent) = Some(Instant::now());
                return None;
            };
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            Some((Ok::<_, std::io::Error>(Bytes::from(text)), frames))
        }
    });
    let mut response = Response::builder()
        .status(StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header(header::CONTENT_TYPE, reply.content_type.as_str());
    for (name, value) in &reply.headers {
        response = response.header(name.as_str(), value.as_str());
    }
    response
        .body(Body::from_stream(stream))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

fn api_error(status: StatusCode, kind: &str, message: &str) -> Response {
    json_response(
        status,
        &json!({"error": {"type": kind, "message": message}}),
    )
}

/// POST /v1/files (multipart: `purpose` and `file`), as Kimi's: 1,000 files at most, 100 MB
/// each, `file-extract` files extracted at once (or after `slow_extraction` checks).
async fn upload_file(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    mut form: axum::extract::Multipart,
) -> Response {
    if let Some(refusal) = refused(&shared, &headers) {
        return refusal;
    }
    let (mut purpose, mut file) = (None, None);
    while let Ok(Some(field)) = form.next_field().await {
        match field.name() {
            Some("purpose") => purpose = field.text().await.ok(),
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_string();
                file = field.bytes().await.ok().map(|b| (name, b));
            }
            _ => {}
        }
    }
    if let Some((status, kind, message)) = lock(&shared.upload_error).take() {
        return api_error(
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            &kind,
            &message,
        );
    }
    let (Some(purpose), Some((filename, bytes))) = (purpose, file) else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "purpose and file are required",
        );
    };
    if bytes.len() > 100 * 1024 * 1024 {
        return api_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "file size exceeds 100MB",
        );
    }
    let mut files = lock(&shared.files);
    if files.len() >= 1000 {
        return api_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "file count exceeds the limit of 1000, please delete some files",
        );
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (status, text) = if text.starts_with("%PDF-broken") {
        ("error", String::new())
    } else if text.starts_with("%PDF-") {
        (
            "ok",
            text.split_once('\n')
                .map_or("", |(_, rest)| rest)
                .to_string(),
        )
    } else {
        ("ok", text)
    };
    let slow = *lock(&shared.slow_extraction);
    let id = format!("file_{:04}", files.len() + lock(&shared.deleted).len() + 1);
    let file = MockFile {
        id,
        filename,
        bytes: bytes.len(),
        purpose,
        created_at: 1_790_000_000 + files.len() as u64,
        text,
        status: if slow > 0 && status == "ok" {
            "processing".into()
        } else {
            status.into()
        },
        pending_checks: slow,
    };
    let body = file_json(&file);
    files.push(file);
    json_response(StatusCode::OK, &body)
}

async fn list_files(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if let Some(refusal) = refused(&shared, &headers) {
        return refusal;
    }
    let data: Vec<Value> = lock(&shared.files).iter().map(file_json).collect();
    json_response(StatusCode::OK, &json!({"object": "list", "data": data}))
}

async fn file_info(
    State(shared): State<Arc<Shared>>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Response {
    let mut files = lock(&shared.files);
    let Some(file) = files.iter_mut().find(|f| f.id == id) else {
        return api_error(
            StatusCode::NOT_FOUND,
            "resource_not_found_error",
            "no such file",
        );
    };
    if file.status == "processing" {
        file.pending_checks = file.pending_checks.saturating_sub(1);
        if file.pending_checks == 0 {
            file.status = "ok".into();
        }
    }
    json_response(StatusCode::OK, &file_json(file))
}

/// GET /v1/files/{id}/content: Kimi answers a JSON object with the text in `content`.
async fn file_content(
    State(shared): State<Arc<Shared>>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Response {
    let files = lock(&shared.files);
    let Some(file) = files.iter().find(|f| f.id == id) else {
        return api_error(
            StatusCode::NOT_FOUND,
            "resource_not_found_error",
            "no such file",
        );
    };
    json_response(
        StatusCode::OK,
        &json!({"content": file.text, "file_type": "text/plain", "filename": file.filename,
                "title": "", "type": "file"}),
    )
}

async fn delete_file(
    State(shared): State<Arc<Shared>>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Response {
    let mut files = lock(&shared.files);
    let before = files.len();
    files.retain(|f| f.id != id);
    if files.len() == before {
        return api_error(
            StatusCode::NOT_FOUND,
            "resource_not_found_error",
            "no such file",
        );
    }
    lock(&shared.deleted).push(id.clone());
    json_response(
        StatusCode::OK,
        &json!({"id": id, "object": "file", "deleted": true}),
    )
}
