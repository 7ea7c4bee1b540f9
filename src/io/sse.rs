//! SSE bytes -> stream events. Pure: it maps bytes the transport already read into
//! `StreamEvent`s and never touches the network, so tests drive it with canned bytes.
//!
//! Rules from the API docs: a reply is complete only at `data: [DONE]`; usage may sit at the
//! top level or inside `choices[0]`; `choices` may be empty or missing; an in-stream
//! `{"error": ...}` ends the reply. kimi-tui asks for one choice: only `index` 0 is read.
//!
//! The SSE framing is decoded here (`SseDecoder`) rather than by `eventsource-stream`, which
//! stops parsing for good at one byte that is not UTF-8, keeps an unending line in memory
//! without a bound, and scans its whole buffer again for every chunk. This decoder looks at
//! each byte once, replaces invalid bytes (and counts them), and gives up on an event past
//! `EVENT_CAP` bytes.

use bytes::Bytes;
use futures::{Stream, StreamExt};
use serde::Deserialize;
use serde_json::Value;

pub use crate::api::StreamEvent;
use crate::api::Usage;
use crate::error::ApiError;

/// A failure below the SSE layer, as the transport reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum ByteError {
    Idle(u64),
    Transport(String),
}

impl std::fmt::Display for ByteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ByteError::Idle(secs) => write!(f, "idle for {secs} s"),
            ByteError::Transport(detail) => f.write_str(detail),
        }
    }
}

#[derive(Deserialize)]
struct Chunk {
    #[serde(default)]
    choices: Option<Vec<Choice>>,
    #[serde(default)]
    usage: Option<RawUsage>,
    #[serde(default)]
    error: Option<Value>,
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    index: Option<u64>,
    #[serde(default)]
    delta: Option<Delta>,
    #[serde(default)]
    finish_reason: Option<String>,
    #[serde(default)]
    usage: Option<RawUsage>,
}

#[derive(Deserialize)]
struct Delta {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    reasoning_content: Option<String>,
    #[serde(default)]
    tool_calls: Option<Vec<RawToolCall>>,
}

/// A piece of a tool call in a delta (OpenAI's shape; `type` is not checked: the docs
/// disagree on it for `$web_search`).
#[derive(Deserialize)]
struct RawToolCall {
    #[serde(default)]
    index: Option<u64>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    function: Option<RawFunction>,
}

#[derive(Deserialize)]
struct RawFunction {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    arguments: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct RawUsage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
    #[serde(default)]
    cached_tokens: Option<u64>,
    #[serde(default)]
    prompt_tokens_details: Option<Details>,
}

#[derive(Deserialize)]
struct Details {
    #[serde(default)]
    cached_tokens: Option<u64>,
}

impl From<RawUsage> for Usage {
    fn from(raw: RawUsage) -> Self {
        Usage {
            prompt_tokens: raw.prompt_tokens,
            completion_tokens: raw.completion_tokens,
            cached_tokens: raw
                .cached_tokens
                .or_else(|| raw.prompt_tokens_details.and_then(|d| d.cached_tokens)),
        }
    }
}

/// Reads the API's error object (`{"type", "message"}`, or a bare string) into an ApiError.
pub fn api_error_from_value(status: Option<u16>, error: &Value) -> ApiError {
    let text = |key: &str| {
        error
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    match error {
        Value::String(message) => ApiError::Api {
            status,
            kind: "error".into(),
            message: message.clone(),
        },
        _ => {
            let kind = text("type");
            ApiError::Api {
                status,
                kind: if kind.is_empty() {
                    "error".into()
                } else {
                    kind
                },
                message: text("message"),
            }
        }
    }
}

/// Maps the data of one SSE event to what it means, in order.
pub fn map_data(data: &str) -> Vec<StreamEvent> {
    let data = data.trim();
    if data == "[DONE]" {
        return vec![StreamEvent::Done];
    }
    if data.is_empty() {
        return Vec::new();
    }
    let chunk: Chunk = match serde_json::from_str(data) {
        Ok(chunk) => chunk,
        Err(err) => return vec![StreamEvent::Malformed(err.to_string())],
    };
    if let Some(error) = chunk.error.as_ref().filter(|e| !e.is_null()) {
        return vec![StreamEvent::Failed(api_error_from_value(None, error))];
    }
    let mut out = Vec::new();
    let mut usage = chunk.usage.map(Usage::from);
    let first = chunk
        .choices
        .unwrap_or_default()
        .into_iter()
        .find(|c| c.index.unwrap_or(0) == 0);
    if let Some(choice) = first {
        if let Some(delta) = choice.delta {
            if let Some(text) = delta.reasoning_content.filter(|t| !t.is_empty()) {
                out.push(StreamEvent::Reasoning(text));
            }
            if let Some(text) = delta.content.filter(|t| !t.is_empty()) {
                out.push(StreamEvent::Content(text));
            }
            for (i, call) in delta.tool_calls.unwrap_or_default().into_iter().enumerate() {
                let function = call.function;
                out.push(StreamEvent::ToolCall {
                    index: call
                        .index
                        .and_then(|n| usize::try_from(n).ok())
                        .unwrap_or(i),
                    id: call.id.filter(|id| !id.is_empty()),
                    name: function
                        .as_ref()
                        .and_then(|f| f.name.clone())
                        .filter(|n| !n.is_empty()),
                    arguments: function.and_then(|f| f.arguments).unwrap_or_default(),
                });
            }
        }
        if usage.is_none() {
            usage = choice.usage.map(Usage::from);
        }
        if let Some(reason) = choice.finish_reason {
            out.push(StreamEvent::Finish(reason));
        }
    }
    if let Some(usage) = usage {
        out.push(StreamEvent::Usage(usage));
    }
    out
}

/// The most one event may hold. A line that never ends fails the reply here instead of
/// growing without a bound.
pub const EVENT_CAP: usize = 16 * 1024 * 1024;

/// What the decoder found in the bytes.
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    /// The data of one event, and how many invalid bytes in it were replaced.
    Data { data: String, replaced: usize },
    /// An event passed the cap; nothing more is read.
    TooLong(usize),
}

/// The SSE framing (lines; `data:` fields; a blank line ends an event; comments and other
/// fields ignored), fed chunk by chunk. Each byte is looked at once.
#[derive(Debug)]
pub struct SseDecoder {
    cap: usize,
    /// The current line, not yet ended.
    line: Vec<u8>,
    /// The data of the event being read.
    data: String,
    has_data: bool,
    replaced: usize,
    /// The last byte was a CR: a LF right after it ends nothing more.
    after_cr: bool,
    failed: bool,
}

impl SseDecoder {
    pub fn new(cap: usize) -> SseDecoder {
        SseDecoder {
            cap,
            line: Vec::new(),
            data: String::new(),
            has_data: false,
            replaced: 0,
            after_cr: false,
            failed: false,
        }
    }

    /// Reads `chunk`, appending what it completes to `out`.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<Decoded>) {
        let mut rest = chunk;
        while !self.failed && !rest.is_empty() {
            if self.after_cr && rest[0] == b'\n' {
                rest = &rest[1..];
                self.after_cr = false;
                continue;
            }
            self.after_cr = false;
            match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
                Some(end) => {
                    self.line.extend_from_slice(&rest[..end]);
                    self.after_cr = rest[end] == b'\r';
                    rest = &rest[end + 1..];
                    // The whole line is measured before it is taken apart, as it is when it
                    // arrives in pieces (found by fuzzing: a line just under the cap whose
                    // field name pushed the pieces over it decoded differently).
                    if self.line.len() + self.data.len() > self.cap {
                        self.failed = true;
                        out.push(Decoded::TooLong(self.cap));
                        break;
                    }
                    self.end_line(out);
                }
                None => {
                    self.line.extend_from_slice(rest);
                    rest = &[];
                }
            }
            if self.line.len() + self.data.len() > self.cap {
                self.failed = true;
                out.push(Decoded::TooLong(self.cap));
            }
        }
    }

    fn end_line(&mut self, out: &mut Vec<Decoded>) {
        let line = std::mem::take(&mut self.line);
        if line.is_empty() {
            if self.has_data {
                if self.data.ends_with('\n') {
                    self.data.pop();
                }
                out.push(Decoded::Data {
                    data: std::mem::take(&mut self.data),
                    replaced: std::mem::take(&mut self.replaced),
                });
                self.has_data = false;
            }
            return;
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(0) => return, // a comment
            Some(at) => {
                let value = &line[at + 1..];
                (&line[..at], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (&line[..], &b""[..]),
        };
        if field == b"data" {
            self.replaced += push_lossy(&mut self.data, value);
            self.data.push('\n');
            self.has_data = true;
        }
    }
}

/// Appends `bytes` to `out` as UTF-8, each invalid sequence replaced by U+FFFD; returns how
/// many invalid bytes there were.
fn push_lossy(out: &mut String, mut bytes: &[u8]) -> usize {
    let mut replaced = 0;
    loop {
        match std::str::from_utf8(bytes) {
            Ok(text) => {
                out.push_str(text);
                return replaced;
            }
            Err(err) => {
                let (good, bad) = bytes.split_at(err.valid_up_to());
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                out.push(char::REPLACEMENT_CHARACTER);
                // An incomplete sequence at the very end of a line is invalid too.
                let skip = err.error_len().unwrap_or(bad.len()).max(1);
                replaced += skip;
                bytes = &bad[skip.min(bad.len())..];
            }
        }
    }
}

/// Turns a body's bytes into stream events. The stream ends after `Done` or `Failed`; a body
/// that ends without `[DONE]` yields `Failed(Interrupted)`.
pub fn events<S>(bytes: S) -> impl Stream<Item = StreamEvent>
where
    S: Stream<Item = Result<Bytes, ByteError>> + Unpin,
{
    let start = (bytes, SseDecoder::new(EVENT_CAP));
    futures::stream::unfold(Some(start), |state| async move {
        let (mut bytes, mut decoder) = state?;
        let mut decoded = Vec::new();
        loop {
            let mut batch = Vec::new();
            match bytes.next().await {
                None => batch.push(StreamEvent::Failed(ApiError::Interrupted)),
                Some(Err(ByteError::Idle(secs))) => {
                    batch.push(StreamEvent::Failed(ApiError::IdleTimeout(secs)));
                }
                Some(Err(ByteError::Transport(detail))) => {
                    batch.push(StreamEvent::Failed(ApiError::Transport(detail)));
                }
                Some(Ok(chunk)) => {
                    decoder.push(&chunk, &mut decoded);
                    for item in decoded.drain(..) {
                        match item {
                            Decoded::Data { data, replaced } => {
                                if replaced > 0 {
                                    batch.push(StreamEvent::InvalidBytes(replaced));
                                }
                                batch.extend(map_data(&data));
                            }
                            Decoded::TooLong(cap) => {
                                batch.push(StreamEvent::Failed(ApiError::EventTooLong(cap)));
                            }
                        }
                    }
                }
            }
            if batch.is_empty() {
                continue;
            }
            // Nothing after the end counts.
            if let Some(end) = batch
                .iter()
                .position(|e| matches!(e, StreamEvent::Done | StreamEvent::Failed(_)))
            {
                batch.truncate(end + 1);
                return Some((futures::stream::iter(batch), None));
            }
            return Some((futures::stream::iter(batch), Some((bytes, decoder))));
        }
    })
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_reads_nested_cached_tokens() {
        let events = map_data(
            r#"{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":4}}}"#,
        );
        assert_eq!(
            events,
            vec![StreamEvent::Usage(Usage {
                prompt_tokens: 5,
                completion_tokens: 2,
                cached_tokens: Some(4)
            })]
        );
    }
}
