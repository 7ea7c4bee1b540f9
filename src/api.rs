//! Wire types of the Chat Completions API: what a request carries and what usage looks like.
//! Pure data with serde; nothing here sends or receives anything.

use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// One message of the history as the API wants it. With `images`, its content is sent as
/// an array of parts (the text, then each image as a data URL), never as a JSON string.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: String,
    /// Left out when empty (an assistant message that only asked for tools: the API refuses
    /// an empty text).
    #[serde(
        skip_serializing_if = "String::is_empty",
        default,
        serialize_with = "text_only"
    )]
    pub content: String,
    /// A message of yours with images: its text and images, sent as `content` parts (its
    /// `content` is then empty).
    #[serde(
        rename = "content",
        skip_serializing_if = "Option::is_none",
        skip_deserializing,
        serialize_with = "with_images"
    )]
    pub images: Option<ImageParts>,
    /// Thinking models require the reasoning of earlier assistant turns to be sent back.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reasoning_content: Option<String>,
    /// Partial Mode: on the last assistant message, the reply continues this text.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub partial: Option<bool>,
    /// An assistant message that asked for tools (sent back unchanged in a tool loop).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tool_calls: Option<Vec<ToolCall>>,
    /// A tool message: the call it answers, and the tool's name.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tool_call_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
}

/// A message's text and images, sent as `content` parts: one text part (if there is text)
/// and an `image_url` part per image.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageParts {
    pub text: String,
    /// `data:image/png;base64,…` URLs.
    pub urls: Vec<String>,
}

/// `content` as a string; a message with images has its text in the parts instead.
fn text_only<S: serde::Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(text)
}

fn with_images<S: serde::Serializer>(parts: &Option<ImageParts>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(None)?;
    if let Some(part) = parts {
        if !part.text.is_empty() {
            seq.serialize_element(&serde_json::json!({"type": "text", "text": part.text}))?;
        }
        for url in &part.urls {
            seq.serialize_element(
                &serde_json::json!({"type": "image_url", "image_url": {"url": url}}),
            )?;
        }
    }
    seq.end()
}

/// A tool the model asked for, assembled from the stream's pieces.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolCall {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub function: ToolFunction,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolFunction {
    pub name: String,
    /// JSON, as the model wrote it (echoed back unchanged for `$web_search`).
    pub arguments: String,
}

/// Kimi's built-in web search, as a request declares it.
pub const WEB_SEARCH: &str = "$web_search";

/// Options a user may set in the config. Kimi's current models reject sampling values other
/// than their fixed ones, so every field here is sent only when the user set it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SamplingOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_completion_tokens: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreamOptions {
    pub include_usage: bool,
}

/// The body of `POST {base}/chat/completions`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChatRequest {
    pub model: String,
    pub messages: Vec<ChatMessage>,
    pub stream: bool,
    pub stream_options: StreamOptions,
    #[serde(flatten)]
    pub sampling: SamplingOptions,
    /// kimi-k2.6's switch, sent only to models that take it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thinking: Option<ThinkingParam>,
    /// kimi-k3's effort (low, high, max), sent only to models that take it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning_effort: Option<String>,
    /// Tools the model may call: Kimi's `$web_search` when the conversation has it on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<serde_json::Value>>,
    /// Kimi's prefix cache hits more often when the requests of one conversation say so: the
    /// conversation's id (Kimi profiles only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt_cache_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThinkingParam {
    #[serde(rename = "type")]
    pub kind: String,
}

/// Token counts of one reply. Kimi reports cached prompt tokens either flat or, like OpenAI,
/// nested in `prompt_tokens_details`; both are read into `cached_tokens`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub cached_tokens: Option<u64>,
}

/// What one SSE event means for a reply (mapped by `io::sse`).
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// The server accepted the request and the body started.
    Opened,
    Reasoning(String),
    Content(String),
    Usage(Usage),
    Finish(String),
    /// A piece of a tool call: its index among the reply's calls, and its id and name (in the
    /// first piece) or more of its JSON arguments.
    ToolCall {
        index: usize,
        id: Option<String>,
        name: Option<String>,
        arguments: String,
    },
    /// The server asked to wait this many seconds before trying again (`Retry-After`).
    RetryAfter(u64),
    /// `data: [DONE]`: the reply is complete.
    Done,
    /// The reply ended with an error; nothing follows.
    Failed(ApiError),
    /// An event that was not valid JSON. It is skipped and counted, never fatal.
    Malformed(String),
    /// This many bytes that were not UTF-8 were replaced (with U+FFFD) in the events before.
    InvalidBytes(usize),
}

/// A document attached to one of your messages: uploaded for Kimi's file extraction
/// (`purpose=file-extract`), and the text the API extracted from it. The text goes into each
/// request as a `system` message right before the message it belongs to (the API's document
/// pattern: a chat cannot refer to a file by id). Kept with the message, so the conversation
/// resends, reloads and exports without uploading again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// The file's name (no directories).
    pub name: String,
    /// The file's size.
    pub bytes: u64,
    /// Its id on the account (`file_…`): `/files` deletes it by this.
    pub file_id: String,
    /// What `GET /files/{id}/content` answered: the extracted text, as the API gives it.
    pub text: String,
    /// Its size in the model's tokens: the token-estimate endpoint's count once it answered,
    /// the local estimate until then (set when the text arrives or is read back, so that no
    /// frame counts a long text again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<u64>,
}

/// A file stored on the account, as `GET /files` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FileInfo {
    pub id: String,
    #[serde(default)]
    pub filename: String,
    #[serde(default)]
    pub bytes: u64,
    /// Seconds since 1970.
    #[serde(default)]
    pub created_at: u64,
    #[serde(default)]
    pub purpose: String,
    /// `ok` once extracted; `error` with `status_details` saying why.
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub status_details: String,
}

/// The files of `GET /files`'s answer.
pub fn parse_files(body: &str) -> Result<Vec<FileInfo>, String> {
    #[derive(Deserialize)]
    struct List {
        data: Vec<FileInfo>,
    }
    serde_json::from_str::<List>(body)
        .map(|l| l.data)
        .map_err(|e| format!("the list of files could not be read: {e}"))
}

/// An image attached to one of your messages (`/image`): PNG, JPEG, WebP or GIF as sniffed
/// from its bytes, downscaled when larger than a model takes. Its bytes are kept once per
/// hash in the store, beside the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    /// The file's name (no directories).
    pub name: String,
    /// `image/png`, `image/jpeg`, `image/webp` or `image/gif`.
    pub mime: String,
    pub width: u32,
    pub height: u32,
    /// The size of the file, before any downscaling.
    #[serde(default)]
    pub original_width: u32,
    #[serde(default)]
    pub original_height: u32,
    /// SHA-256 of `data`, hex: its name in the store.
    pub hash: String,
    /// The bytes sent (base64 in the request). Not in the message's own JSON: the store keeps
    /// them by hash.
    #[serde(skip)]
    pub data: std::sync::Arc<Vec<u8>>,
}

impl Document {
    /// Its size in tokens: as counted, or else estimated from its length (never by reading
    /// the text on a frame).
    pub fn token_size(&self) -> u64 {
        self.tokens
            .unwrap_or_else(|| u64::try_from(self.text.len() / 4).unwrap_or(u64::MAX))
    }
}

impl Image {
    /// The image as the API takes it: `data:image/png;base64,…`.
    pub fn data_url(&self) -> String {
        use base64::Engine as _;
        format!(
            "data:{};base64,{}",
            self.mime,
            base64::engine::general_purpose::STANDARD.encode(self.data.as_slice())
        )
    }

    /// Whether it was made smaller to fit what a model takes.
    pub fn downscaled(&self) -> bool {
        self.original_width > self.width || self.original_height > self.height
    }
}
