//! One message of a conversation: its text, reasoning, status and timings, and its render
//! cache.

use crate::api::Usage;
use crate::ids::Millis;
use crate::io::store::records::{MessageStatus, Role};
use crate::text::rows::MessageLayout;

/// A new message's two names: its key in this database and its name everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageId {
    pub id: u64,
    pub uid: uuid::Uuid,
}

#[derive(Debug, Clone)]
pub struct Message {
    /// Unique across runs (see `AppState::next_id`); the store's primary key.
    pub id: u64,
    /// Its name across databases (UUIDv7): exports and imports know it by this.
    pub uid: uuid::Uuid,
    /// The message it follows (`None`: one of the conversation's first messages).
    pub parent: Option<u64>,
    /// How many messages are above it.
    pub depth: u32,
    /// When it was last chosen among its versions (the branch shown follows the newest).
    pub chosen_at: Millis,
    /// How many other versions of it there were when it was made here (see
    /// `MessageRecord::siblings`).
    pub siblings: u32,
    pub role: Role,
    pub content: String,
    pub reasoning: String,
    pub status: MessageStatus,
    pub error: Option<String>,
    pub usage: Option<Usage>,
    pub finish_reason: Option<String>,
    pub model: Option<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub reasoning_started_at: Option<Millis>,
    pub reasoning_ended_at: Option<Millis>,
    /// Events that were not valid JSON and were skipped.
    pub malformed_events: u32,
    /// Bytes of the reply that were not UTF-8, replaced by U+FFFD.
    pub invalid_bytes: usize,
    /// How many times the request for this reply was sent again after a failure.
    pub retries: u32,
    /// What the server's `Retry-After` asked for on the last failure, in seconds.
    pub retry_after: Option<u64>,
    /// The user's choice to fold (`Some(true)`) or unfold the reasoning; `None` follows the
    /// default: the newest rows while thinking, folded once the answer starts.
    pub reasoning_folded: Option<bool>,
    /// A long message of yours shown whole (it shows its first rows until Enter unfolds it).
    pub unfolded: bool,
    /// When the store was last asked to save this message, and how much text it had then.
    pub saved_at: Millis,
    pub saved_bytes: usize,
    /// How much of its text and reasoning the store holds: a long reply's next save sends
    /// only what came after (`MessageRecord::appended`).
    pub saved_text: (usize, usize),
    /// Rendered, wrapped lines; a cache keyed by width and text length.
    pub layout: MessageLayout,
    /// The tool calls of this reply's earlier rounds (web searches), each where the reply's
    /// text and reasoning stood when it asked; saved with it.
    pub tool_rounds: Vec<ToolRound>,
    /// The tool calls of the round arriving now, as their pieces come in.
    pub pending_calls: Vec<crate::api::ToolCall>,
    /// Documents sent with this message of yours (their extracted text goes before it in
    /// each request); saved with it.
    pub documents: Vec<crate::api::Document>,
    /// Images sent with this message of yours; saved with it.
    pub images: Vec<crate::api::Image>,
}

/// One round of a tool loop: where the reply stood, and what it asked for.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ToolRound {
    pub content_end: usize,
    pub reasoning_end: usize,
    pub calls: Vec<crate::api::ToolCall>,
}

impl ToolRound {
    /// The size of each web search's results, as the model reported it in the arguments.
    pub fn searches(&self) -> impl Iterator<Item = Option<u64>> + '_ {
        self.calls
            .iter()
            .filter(|c| c.function.name == crate::api::WEB_SEARCH)
            .map(|c| {
                serde_json::from_str::<serde_json::Value>(&c.function.arguments)
                    .ok()
                    .and_then(|v| v["usage"]["total_tokens"].as_u64())
            })
    }
}

impl Message {
    pub fn user(id: MessageId, content: String, at: Millis) -> Self {
        Self::new(id, Role::User, content, MessageStatus::Complete, None, at)
    }

    pub fn assistant_streaming(id: MessageId, model: String, at: Millis) -> Self {
        Self::new(
            id,
            Role::Assistant,
            String::new(),
            MessageStatus::Streaming,
            Some(model),
            at,
        )
    }

    fn new(
        id: MessageId,
        role: Role,
        content: String,
        status: MessageStatus,
        model: Option<String>,
        at: Millis,
    ) -> Self {
        Message {
            id: id.id,
            uid: id.uid,
            parent: None,
            depth: 0,
            chosen_at: at,
            siblings: 0,
            role,
            content,
            reasoning: String::new(),
            status,
            error: None,
            usage: None,
            finish_reason: None,
            model,
            created_at: at,
            updated_at: at,
            reasoning_started_at: None,
            reasoning_ended_at: None,
            malformed_events: 0,
            invalid_bytes: 0,
            reasoning_folded: None,
            unfolded: false,
            retries: 0,
            retry_after: None,
            saved_at: at,
            saved_bytes: 0,
            saved_text: (0, 0),
            layout: MessageLayout::default(),
            tool_rounds: Vec::new(),
            pending_calls: Vec::new(),
            documents: Vec::new(),
            images: Vec::new(),
        }
    }

    /// Whether this reply stopped short (cut at the token limit, interrupted, stopped,
    /// failed with text) and can be continued where it ended.
    pub fn can_continue(&self) -> bool {
        self.role == Role::Assistant
            && !self.content.is_empty()
            && match self.status {
                MessageStatus::Interrupted | MessageStatus::Stopped | MessageStatus::Failed => true,
                MessageStatus::Complete => self.finish_reason.as_deref() == Some("length"),
                MessageStatus::Streaming => false,
            }
    }

    /// How long the model thought, once it has stopped thinking.
    pub fn thinking_millis(&self, now: Millis) -> Option<Millis> {
        let start = self.reasoning_started_at?;
        let end = self.reasoning_ended_at.unwrap_or(now);
        Some(end.saturating_sub(start))
    }
}
