//! SSE bytes -> stream events. Pure: it maps bytes the transport already read into
//! `StreamEvent`s and never touches the network, so tests drive it with canned bytes.
//!
//! Rules from the API docs: a reply is complete only at `data: [DONE]`; usage may sit at the
//! top level or inside `choices[0]`; `choices` may be empty or missing; an in-stream
//! `{"error": ...}` ends the reply.

use bytes::Bytes;
use eventsource_stream::{EventStreamError, Eventsource};
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
    for choice in chunk.choices.unwrap_or_default().into_iter().take(1) {
        if let Some(delta) = choice.delta {
            if let Some(text) = delta.reasoning_content.filter(|t| !t.is_empty()) {
                out.push(StreamEvent::Reasoning(text));
            }
            if let Some(text) = delta.content.filter(|t| !t.is_empty()) {
                out.push(StreamEvent::Content(text));
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

/// Turns a body's bytes into stream events. The stream ends after `Done` or `Failed`; a body
/// that ends without `[DONE]` yields `Failed(Interrupted)`.
pub fn events<S>(bytes: S) -> impl Stream<Item = StreamEvent>
where
    S: Stream<Item = Result<Bytes, ByteError>> + Unpin,
{
    let sse = bytes.eventsource();
    futures::stream::unfold(Some(sse), |state| async move {
        let mut sse = state?;
        loop {
            let batch = match sse.next().await {
                None => vec![StreamEvent::Failed(ApiError::Interrupted)],
                Some(Ok(event)) => map_data(&event.data),
                Some(Err(EventStreamError::Transport(ByteError::Idle(secs)))) => {
                    vec![StreamEvent::Failed(ApiError::IdleTimeout(secs))]
                }
                Some(Err(EventStreamError::Transport(ByteError::Transport(detail)))) => {
                    vec![StreamEvent::Failed(ApiError::Transport(detail))]
                }
                Some(Err(err)) => vec![StreamEvent::Malformed(err.to_string())],
            };
            if batch.is_empty() {
                continue;
            }
            let last = batch
                .iter()
                .any(|e| matches!(e, StreamEvent::Done | StreamEvent::Failed(_)));
            let next = if last { None } else { Some(sse) };
            return Some((futures::stream::iter(batch), next));
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
