//! The Chat Completions client: sends a request, streams the reply as `StreamEvent`s through
//! a callback. Timeouts: one to connect, and an idle timeout on every read (including the wait
//! for the response headers), so a silent server is given up on but a slow thinker is not.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use futures::{Stream, StreamExt};

use super::sse::{self, ByteError};
use crate::api::ChatRequest;
use crate::api::StreamEvent;
use crate::config::{ApiKey, Config};
use crate::error::ApiError;

/// Error bodies are read up to this size; the rest is not needed to say what went wrong.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// JSON answers (models, balance, files) are read up to this size.
const MAX_JSON: usize = 8 * 1024 * 1024;

#[derive(Clone)]
pub struct LlmClient {
    /// Made on a thread of its own: loading the system's certificates takes about 10 ms,
    /// which the first frame must not wait for. The first request waits for it if it must.
    http: Arc<OnceLock<Result<reqwest::Client, String>>>,
    base_url: String,
    api_key: Option<ApiKey>,
    idle_timeout: Duration,
}

fn is_loopback(base_url: &str) -> bool {
    let host = crate::config::endpoint_label(base_url);
    let host = host.rsplit_once(':').map_or(host.as_str(), |(h, _)| h);
    host == "localhost" || host.starts_with("127.") || host == "[::1]"
}

impl LlmClient {
    pub fn new(config: &Config) -> Result<Self, ApiError> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("kimi-tui/", env!("CARGO_PKG_VERSION")));
        // Proxies come from the resolved config (which read HTTPS_PROXY, HTTP_PROXY,
        // ALL_PROXY and NO_PROXY), not from reqwest's own look at the environment.
        builder = builder.no_proxy();
        if let Some(url) = config
            .proxy
            .as_deref()
            .filter(|_| !is_loopback(&config.base_url))
        {
            let proxy = reqwest::Proxy::all(url)
                .map_err(|e| {
                    // The proxy URL may hold a password: it is not repeated here.
                    ApiError::Transport(format!(
                        "the proxy from HTTPS_PROXY/HTTP_PROXY/ALL_PROXY is not usable: {e}"
                    ))
                })?
                .no_proxy(
                    config
                        .no_proxy
                        .as_deref()
                        .and_then(reqwest::NoProxy::from_string),
                );
            builder = builder.proxy(proxy);
        }
        let http = Arc::new(OnceLock::new());
        let ready = http.clone();
        let build = move || {
            ready.get_or_init(|| {
                builder
                    .build()
                    .map_err(|e| format!("cannot set up HTTP: {e}"))
            });
        };
        #[allow(
            clippy::disallowed_methods,
            reason = "the client's edge: its TLS set-up runs beside the first frame"
        )]
        let spawned = std::thread::Builder::new()
            .name("kimi-http-setup".into())
            .spawn(build);
        if let Err(err) = spawned {
            return Err(ApiError::Transport(format!("cannot set up HTTP: {err}")));
        }
        Ok(LlmClient {
            http,
            base_url: config.base_url.clone(),
            api_key: config.api_key.clone(),
            idle_timeout: config.idle_timeout,
        })
    }

    /// Streams one reply. `emit` gets every event in order; the last one is `Done` or `Failed`.
    pub async fn stream_chat(&self, request: &ChatRequest, mut emit: impl FnMut(StreamEvent)) {
        let started = std::time::Instant::now();
        tracing::debug!(
            model = %request.model,
            messages = request.messages.len(),
            "chat request"
        );
        let mut events = 0usize;
        let mut failed = None;
        self.stream_chat_inner(request, |event| {
            events += 1;
            if let StreamEvent::Failed(error) = &event {
                failed = Some(error.to_string());
            }
            emit(event);
        })
        .await;
        let ms = started.elapsed().as_millis();
        match failed {
            Some(error) => tracing::warn!(events, ms, %error, "chat request failed"),
            None => tracing::debug!(events, ms, "chat stream ended"),
        }
    }

    async fn stream_chat_inner(&self, request: &ChatRequest, mut emit: impl FnMut(StreamEvent)) {
        let Some(key) = &self.api_key else {
            emit(StreamEvent::Failed(ApiError::NoKey));
            return;
        };
        let url = format!("{}/chat/completions", self.base_url);
        let http = match self.http() {
            Ok(http) => http,
            Err(err) => return emit(StreamEvent::Failed(err)),
        };
        let send = http
            .post(&url)
            .bearer_auth(key.expose())
            .json(request)
            .send();
        let idle_secs = self.idle_timeout.as_secs();
        let response = match tokio::time::timeout(self.idle_timeout, send).await {
            Err(_) => return emit(StreamEvent::Failed(ApiError::IdleTimeout(idle_secs))),
            Ok(Err(err)) => return emit(StreamEvent::Failed(transport_error(&url, &err))),
            Ok(Ok(response)) => response,
        };
        let status = response.status();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        tracing::debug!(
            status = status.as_u16(),
            request_id = header("x-request-id").as_deref().unwrap_or("-"),
            trace_id = header("x-trace-id").as_deref().unwrap_or("-"),
            "chat response"
        );
        if let Some(secs) = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
        {
            emit(StreamEvent::RetryAfter(secs));
        }
        if !status.is_success() {
            let body = read_capped(response, self.idle_timeout).await;
            return emit(StreamEvent::Failed(http_error(
                status.as_u16(),
                status.canonical_reason().unwrap_or(""),
                &body,
            )));
        }
        emit(StreamEvent::Opened);
        let bytes = idle_limited(response.bytes_stream(), self.idle_timeout);
        let mut events = std::pin::pin!(sse::events(bytes));
        while let Some(event) = events.next().await {
            emit(event);
        }
    }
}

impl LlmClient {
    /// The HTTP client, once its set-up thread made it (waiting for it if it has not yet).
    fn http(&self) -> Result<&reqwest::Client, ApiError> {
        let made = match self.http.get() {
            Some(made) => made,
            // Not ready: wait for the set-up thread (it holds the cell's lock while it builds).
            None => self.http.wait(),
        };
        made.as_ref().map_err(|e| ApiError::Transport(e.clone()))
    }

    /// Sends `method` to `path` with the key, `with` adding the body; the answer's headers are
    /// waited for at most `allowed`. Answers that are not a success are errors, said from
    /// their bodies.
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        allowed: Duration,
        with: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, ApiError> {
        let key = self.api_key.as_ref().ok_or(ApiError::NoKey)?;
        let url = format!("{}{path}", self.base_url);
        let send = with(self.http()?.request(method, &url).bearer_auth(key.expose())).send();
        let response = tokio::time::timeout(allowed, send)
            .await
            .map_err(|_| ApiError::IdleTimeout(allowed.as_secs()))?
            .map_err(|e| transport_error(&url, &e))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let body = read_capped(response, self.idle_timeout).await;
        Err(http_error(
            status.as_u16(),
            status.canonical_reason().unwrap_or(""),
            &body,
        ))
    }

    async fn get_json(&self, path: &str) -> Result<String, ApiError> {
        let response = self
            .call(reqwest::Method::GET, path, self.idle_timeout, |r| r)
            .await?;
        // Answers are small, but the list of 1,000 files is some 200 KB.
        Ok(read_up_to(response, self.idle_timeout, MAX_JSON).await)
    }

    /// POST /tokenizers/estimate-token-count: the prompt's size in the model's tokens.
    pub async fn count_tokens(&self, request: &ChatRequest) -> Result<u64, ApiError> {
        let body = serde_json::json!({"model": request.model, "messages": request.messages});
        let response = self
            .call(
                reqwest::Method::POST,
                "/tokenizers/estimate-token-count",
                self.idle_timeout,
                |r| r.json(&body),
            )
            .await?;
        let text = read_capped(response, self.idle_timeout).await;
        serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v["data"]["total_tokens"].as_u64())
            .ok_or_else(|| ApiError::BadAnswer("no token count in the answer".into()))
    }

    /// GET /models, with Kimi's capability fields.
    pub async fn list_models(&self) -> Result<Vec<crate::catalog::ModelInfo>, ApiError> {
        crate::catalog::parse_models(&self.get_json("/models").await?).map_err(ApiError::BadAnswer)
    }

    /// GET /users/me/balance, as one line for the UI.
    pub async fn balance(&self) -> Result<String, ApiError> {
        let body = self.get_json("/users/me/balance").await?;
        parse_balance(&body).map_err(ApiError::BadAnswer)
    }
}

/// The most of a document's extracted text read (far more than any model's context).
const MAX_EXTRACTED: usize = 64 * 1024 * 1024;

/// How long extraction is waited for once the file is up, checking every half second.
const EXTRACTION_WAIT: Duration = Duration::from_secs(120);

impl LlmClient {
    /// Uploads the file at `path` for extraction (`POST /files`, `purpose=file-extract`,
    /// multipart), waits until the API has extracted it, and fetches its text. `progress` is
    /// told the bytes sent so far and the total, as the upload goes.
    pub async fn upload_document(
        &self,
        path: &std::path::Path,
        name: &str,
        progress: impl Fn(u64, u64) + Send + Sync + 'static,
    ) -> Result<crate::api::Document, ApiError> {
        // Without a key, nothing is read or sent.
        self.api_key.as_ref().ok_or(ApiError::NoKey)?;
        let file = tokio::fs::File::open(path)
            .await
            .map_err(|e| ApiError::Transport(format!("cannot read {name}: {e}")))?;
        let total = file
            .metadata()
            .await
            .map_err(|e| ApiError::Transport(format!("cannot read {name}: {e}")))?
            .len();
        let progress = Arc::new(progress);
        let chunks = futures::stream::unfold((file, 0u64), move |(mut file, sent)| {
            let progress = progress.clone();
            async move {
                let mut buf = vec![0; 256 * 1024];
                match tokio::io::AsyncReadExt::read(&mut file, &mut buf).await {
                    Ok(0) => None,
                    Ok(n) => {
                        buf.truncate(n);
                        let sent = sent + n as u64;
                        progress(sent, total);
                        Some((Ok::<_, std::io::Error>(Bytes::from(buf)), (file, sent)))
                    }
                    Err(err) => Some((Err(err), (file, sent))),
                }
            }
        });
        let part =
            reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(chunks), total)
                .file_name(name.to_string());
        let form = reqwest::multipart::Form::new()
            .text("purpose", "file-extract")
            .part("file", part);
        // The body takes as long as the link needs; the answer after it, the idle timeout.
        let allowed = self.idle_timeout + Duration::from_secs(total / (32 * 1024));
        let response = self
            .call(reqwest::Method::POST, "/files", allowed, |r| {
                r.multipart(form)
            })
            .await?;
        let body = read_capped(response, self.idle_timeout).await;
        let mut info: crate::api::FileInfo = serde_json::from_str(&body).map_err(|e| {
            ApiError::BadAnswer(format!("the upload's answer could not be read: {e}"))
        })?;
        let waited = std::time::Instant::now();
        loop {
            match info.status.as_str() {
                // Older answers say "processed"; an empty status is taken as done.
                "ok" | "processed" | "" => break,
                "error" => {
                    return Err(ApiError::BadAnswer(format!(
                        "the API could not extract {name}: {}",
                        if info.status_details.is_empty() {
                            "no reason given"
                        } else {
                            &info.status_details
                        }
                    )));
                }
                _ if waited.elapsed() > EXTRACTION_WAIT => {
                    return Err(ApiError::BadAnswer(format!(
                        "{name} was not extracted after {} s",
                        EXTRACTION_WAIT.as_secs()
                    )));
                }
                _ => {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    let body = self.get_json(&format!("/files/{}", info.id)).await?;
                    info = serde_json::from_str(&body).map_err(|e| {
                        ApiError::BadAnswer(format!("the file's state could not be read: {e}"))
                    })?;
                }
            }
        }
        let text = self.file_content(&info.id).await?;
        Ok(crate::api::Document {
            name: name.to_string(),
            bytes: total,
            file_id: info.id,
            text,
            tokens: None,
        })
    }

    /// GET /files/{id}/content: the text extracted from a file.
    async fn file_content(&self, id: &str) -> Result<String, ApiError> {
        let path = format!("/files/{id}/content");
        let url = format!("{}{path}", self.base_url);
        let response = self
            .call(reqwest::Method::GET, &path, self.idle_timeout, |r| r)
            .await?;
        let mut body = Vec::new();
        let mut stream = response.bytes_stream();
        loop {
            match tokio::time::timeout(self.idle_timeout, stream.next()).await {
                Err(_) => return Err(ApiError::IdleTimeout(self.idle_timeout.as_secs())),
                Ok(None) => break,
                Ok(Some(Err(err))) => return Err(transport_error(&url, &err)),
                Ok(Some(Ok(chunk))) => {
                    if body.len() + chunk.len() > MAX_EXTRACTED {
                        return Err(ApiError::BadAnswer(
                            "the extracted text is over 64 MB, far more than a model reads".into(),
                        ));
                    }
                    body.extend_from_slice(&chunk);
                }
            }
        }
        Ok(String::from_utf8_lossy(&body).into_owned())
    }

    /// GET /files: the files stored on the account.
    pub async fn list_files(&self) -> Result<Vec<crate::api::FileInfo>, ApiError> {
        let body = self.get_json("/files").await?;
        crate::api::parse_files(&body).map_err(ApiError::BadAnswer)
    }

    /// DELETE /files/{id}.
    pub async fn delete_file(&self, id: &str) -> Result<(), ApiError> {
        let path = format!("/files/{id}");
        match self
            .call(reqwest::Method::DELETE, &path, self.idle_timeout, |r| r)
            .await
        {
            // Gone already is what was asked for.
            Ok(_)
            | Err(
                ApiError::Http { status: 404, .. }
                | ApiError::Api {
                    status: Some(404), ..
                },
            ) => Ok(()),
            Err(err) => Err(err),
        }
    }
}

/// "$49.58 available (voucher 46.58, cash 3.00)" from the balance endpoint's body.
pub fn parse_balance(body: &str) -> Result<String, String> {
    let value: serde_json::Value =
        serde_json::from_str(body).map_err(|e| format!("the balance could not be read: {e}"))?;
    let data = &value["data"];
    let amount = |key: &str| data.get(key).and_then(serde_json::Value::as_f64);
    match amount("available_balance") {
        Some(available) => Ok(format!(
            "{available:.2} available (voucher {:.2}, cash {:.2})",
            amount("voucher_balance").unwrap_or(0.0),
            amount("cash_balance").unwrap_or(0.0)
        )),
        None => Err("this endpoint does not report a balance".into()),
    }
}

fn transport_error(url: &str, err: &reqwest::Error) -> ApiError {
    // The error text never holds the key: it is sent in a header, not the URL.
    let mut detail = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        detail = format!("{detail}: {inner}");
        source = inner.source();
    }
    // A URL may carry a user name and password (a proxy's, say): never shown or logged.
    let detail = crate::config::redact_urls(&detail);
    if err.is_connect() {
        ApiError::Connect {
            url: crate::config::redact_urls(url),
            detail,
        }
    } else if err.is_timeout() {
        ApiError::Transport(format!("timed out: {detail}"))
    } else {
        ApiError::Transport(detail)
    }
}

/// Maps an error response to what the user reads: the API's JSON error if it is one, else a
/// sentence about the status with a short, cleaned excerpt of the body.
pub fn http_error(status: u16, reason: &str, body: &str) -> ApiError {
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(body)
        && let Some(error) = value.get("error").filter(|e| !e.is_null())
    {
        return sse::api_error_from_value(Some(status), error);
    }
    ApiError::Http {
        status,
        reason: reason.to_string(),
        snippet: excerpt(body),
    }
}

/// The first words of a body with HTML tags and runs of white space removed.
fn excerpt(body: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    crate::text::plain::truncate(&words.join(" "), 80)
}

async fn read_capped(response: reqwest::Response, idle: Duration) -> String {
    read_up_to(response, idle, MAX_ERROR_BODY).await
}

/// A body, cut at `limit` bytes.
async fn read_up_to(response: reqwest::Response, idle: Duration, limit: usize) -> String {
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while let Ok(Some(Ok(chunk))) = tokio::time::timeout(idle, stream.next()).await {
        body.extend_from_slice(&chunk);
        if body.len() >= limit {
            body.truncate(limit);
            break;
        }
    }
    String::from_utf8_lossy(&body).into_owned()
}

/// Ends the byte stream with `ByteError::Idle` when no bytes come for `idle`.
fn idle_limited<S>(bytes: S, idle: Duration) -> impl Stream<Item = Result<Bytes, ByteError>> + Unpin
where
    S: Stream<Item = Result<Bytes, reqwest::Error>> + Send + 'static,
{
    let secs = idle.as_secs();
    Box::pin(futures::stream::unfold(
        Some(Box::pin(bytes)),
        move |state| async move {
            let mut bytes = state?;
            match tokio::time::timeout(idle, bytes.next()).await {
                Err(_) => Some((Err(ByteError::Idle(secs)), None)),
                Ok(None) => None,
                Ok(Some(Ok(chunk))) => Some((Ok(chunk), Some(bytes))),
                Ok(Some(Err(err))) => Some((Err(ByteError::Transport(err.to_string())), None)),
            }
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_error_pages_become_a_plain_sentence() {
        let err = http_error(
            504,
            "Gateway Timeout",
            "<html><body><h1>504 Gateway Time-out</h1></body></html>",
        );
        let text = err.to_string();
        assert!(text.contains("HTTP 504"), "{text}");
        assert!(text.contains("504 Gateway Time-out"), "{text}");
        assert!(!text.contains('<'), "{text}");
    }

    #[test]
    fn json_error_bodies_keep_type_and_message() {
        let err = http_error(
            429,
            "Too Many Requests",
            r#"{"error":{"type":"engine_overloaded_error","message":"The engine is currently overloaded"}}"#,
        );
        assert_eq!(
            err,
            ApiError::Api {
                status: Some(429),
                kind: "engine_overloaded_error".into(),
                message: "The engine is currently overloaded".into()
            }
        );
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        assert!(is_loopback("http://127.0.0.1:4000/v1"));
        assert!(is_loopback("http://localhost:8080/v1"));
        assert!(!is_loopback("https://api.moonshot.ai/v1"));
    }
}
