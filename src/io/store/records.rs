//! What is saved, as plain records: a conversation's meta, its messages, the sidebar's
//! summaries, search hits, and the role and status names the database uses. Pure data; the
//! conversions to and from the state are in `state/saved.rs`.

use crate::api::Usage;
use crate::ids::{ConversationId, Millis};

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ConversationMeta {
    pub id: ConversationId,
    pub title: String,
    pub model: String,
    /// `None` keeps the saved one: a conversation whose messages (and prompt) are not read yet
    /// must not write its empty placeholder over it.
    pub system_prompt: Option<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub thinking: Option<bool>,
    pub effort: Option<String>,
    /// The unsent text of the input box, kept while the conversation is not open.
    pub draft: String,
    /// Kimi's web search is on for it (`/web on`).
    pub web_search: bool,
}

/// One stored message, a node of its conversation's tree: `parent_id` is the message it
/// answers or follows (none for the first ones), and its siblings are other versions of it
/// (edits, regenerations). `seq` is its depth.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MessageRecord {
    pub id: u64,
    pub conversation_id: ConversationId,
    pub parent_id: Option<u64>,
    pub seq: u32,
    pub role: Role,
    pub content: String,
    pub reasoning: String,
    pub status: MessageStatus,
    pub error: Option<String>,
    pub finish_reason: Option<String>,
    pub model: Option<String>,
    pub usage: Option<Usage>,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub reasoning_started_at: Option<Millis>,
    pub reasoning_ended_at: Option<Millis>,
    /// When this message was last chosen among its siblings: the branch shown follows the
    /// child chosen last.
    pub chosen_at: Millis,
    /// Its name across databases (UUIDv7), kept through export and import.
    pub uid: uuid::Uuid,
    /// How many other versions of it (children of its parent) the window that made it knew
    /// of. Not stored: a new message is refused when the store holds another number, since
    /// another window wrote to the conversation first (`StoreError::ChangedElsewhere`).
    #[serde(skip)]
    pub siblings: u32,
    /// A reply's web searches (its tool rounds), as JSON; empty when it made none.
    pub tool_rounds: String,
    /// The documents sent with a message of yours (`api::Document`s), as JSON; empty when
    /// none.
    pub documents: String,
    /// The images sent with a message of yours (their bytes in the `images` table, by hash).
    pub images: Vec<crate::api::Image>,
    /// `Some((c, r))`: `content` and `reasoning` are only what follows byte `c` of the
    /// message's text and byte `r` of its reasoning, which the store holds already (a long
    /// reply saved as it streams: a save must not copy 20 MB each second). The store refuses
    /// it (`StoreError::Diverged`) if it holds another length.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appended: Option<(usize, usize)>,
}

/// A conversation as the sidebar lists it (its messages are read when it is opened).
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub id: ConversationId,
    pub title: String,
    pub model: String,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub thinking: Option<bool>,
    pub effort: Option<String>,
    /// The unsent text of the input box, kept while the conversation is not open.
    pub draft: String,
    pub web_search: bool,
}

/// A search result: the conversation, and the first message that matched (if the match was
/// in a message rather than the title) with a snippet around it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub conversation_id: ConversationId,
    pub title: String,
    pub message: Option<u64>,
    pub snippet: String,
}

pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::User => "user",
        Role::Assistant => "assistant",
    }
}

pub fn role_from(name: &str) -> Role {
    match name {
        "user" => Role::User,
        _ => Role::Assistant,
    }
}

pub fn status_name(status: MessageStatus) -> &'static str {
    match status {
        MessageStatus::Streaming => "streaming",
        MessageStatus::Complete => "complete",
        MessageStatus::Stopped => "stopped",
        MessageStatus::Interrupted => "interrupted",
        MessageStatus::Failed => "failed",
    }
}

/// A message saved while streaming and never finished (the app was killed) reads back as
/// interrupted.
pub fn status_from(name: &str) -> MessageStatus {
    match name {
        "complete" => MessageStatus::Complete,
        "stopped" => MessageStatus::Stopped,
        "failed" => MessageStatus::Failed,
        _ => MessageStatus::Interrupted,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    User,
    Assistant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    /// Still arriving.
    Streaming,
    Complete,
    /// The user stopped it; the text is what arrived.
    Stopped,
    /// The connection ended before `[DONE]`.
    Interrupted,
    /// The request or the stream failed; `Message::error` says why.
    Failed,
}

/// A conversation read from an export (kimi-tui's own, or another app's), to be added to the
/// database: messages parents first, each named by its uid.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedConversation {
    pub title: String,
    pub model: String,
    pub system_prompt: String,
    pub created_at: Millis,
    pub updated_at: Millis,
    pub messages: Vec<ImportedMessage>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportedMessage {
    pub uid: uuid::Uuid,
    /// The uid of the message it follows; `None` for a first message.
    pub parent: Option<uuid::Uuid>,
    pub role: Role,
    pub content: String,
    pub reasoning: String,
    pub status: MessageStatus,
    pub error: Option<String>,
    pub model: Option<String>,
    pub finish_reason: Option<String>,
    pub usage: Option<Usage>,
    pub created_at: Millis,
    pub chosen_at: Millis,
    /// Documents sent with it, as stored (JSON; empty when none).
    pub documents: String,
    /// Images sent with it, with their bytes.
    pub images: Vec<crate::api::Image>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub conversations_added: usize,
    /// Conversations some of whose messages were there already (new messages joined them).
    pub conversations_merged: usize,
    pub messages_added: usize,
    /// Messages that were there already, the same.
    pub messages_present: usize,
    /// Messages whose uid is taken by a different message: kept as they are, each said.
    pub conflicts: Vec<String>,
}
