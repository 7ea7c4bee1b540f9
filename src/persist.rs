//! What is saved, as plain records, and the conversions between them and the state. Pure:
//! the store (io/store.rs) reads and writes these; the reducer makes and takes them.

use crate::api::Usage;
use crate::msg::{ConversationId, Millis};
use crate::state::{Conversation, Message, MessageStatus, Role};

#[derive(Debug, Clone, PartialEq)]
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
}

/// One stored message. `parent_id` links each message to the one it answers or follows, so
/// edit-and-resend and regenerate can keep old turns as branches later.
#[derive(Debug, Clone, PartialEq)]
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
    /// Replaced by a regenerated reply: kept as a branch, not shown.
    pub superseded: bool,
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
}

/// A saved conversation whose messages are not read yet.
pub fn conversation_from(summary: Summary) -> Conversation {
    let mut conv = Conversation::new(summary.id, String::new(), summary.model, summary.created_at);
    conv.title = summary.title;
    conv.updated_at = summary.updated_at;
    conv.thinking = summary.thinking;
    conv.effort = summary
        .effort
        .as_deref()
        .and_then(crate::state::Effort::parse);
    conv.loaded = false;
    conv.saved = true;
    conv
}

/// Fills a conversation with its saved messages.
pub fn fill(conv: &mut Conversation, messages: Vec<MessageRecord>, system_prompt: Option<String>) {
    conv.messages = messages.into_iter().map(message_from).collect();
    conv.total_tokens = conv
        .messages
        .iter()
        .filter_map(|m| m.usage)
        .map(|u| u.prompt_tokens + u.completion_tokens)
        .sum();
    if let Some(prompt) = system_prompt {
        conv.system_prompt = prompt;
    }
    conv.loaded = true;
}

/// A search result: the conversation, and the first message that matched (if the match was
/// in a message rather than the title) with a snippet around it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub conversation_id: ConversationId,
    pub title: String,
    pub message_seq: Option<u32>,
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

pub fn meta_of(conv: &Conversation) -> ConversationMeta {
    ConversationMeta {
        id: conv.id,
        title: conv.title.clone(),
        model: conv.model.clone(),
        system_prompt: conv.loaded.then(|| conv.system_prompt.clone()),
        created_at: conv.created_at,
        updated_at: conv.updated_at,
        thinking: conv.thinking,
        effort: conv.effort.map(|e| e.as_str().to_string()),
    }
}

/// The record of message `index` of `conv`.
pub fn record_of(conv: &Conversation, index: usize) -> Option<MessageRecord> {
    let message = conv.messages.get(index)?;
    Some(MessageRecord {
        id: message.id,
        conversation_id: conv.id,
        parent_id: index
            .checked_sub(1)
            .and_then(|i| conv.messages.get(i))
            .map(|m| m.id),
        seq: index as u32,
        role: message.role,
        content: message.content.clone(),
        reasoning: message.reasoning.clone(),
        status: message.status,
        error: message.error.clone(),
        finish_reason: message.finish_reason.clone(),
        model: message.model.clone(),
        usage: message.usage,
        created_at: message.created_at,
        updated_at: message.updated_at,
        reasoning_started_at: message.reasoning_started_at,
        reasoning_ended_at: message.reasoning_ended_at,
        superseded: false,
    })
}

pub fn message_from(record: MessageRecord) -> Message {
    let mut message = Message::user(record.id, record.content, record.created_at);
    message.role = record.role;
    message.reasoning = record.reasoning;
    message.status = match record.status {
        MessageStatus::Streaming => MessageStatus::Interrupted,
        other => other,
    };
    message.error = record.error;
    message.finish_reason = record.finish_reason;
    message.model = record.model;
    message.usage = record.usage;
    message.updated_at = record.updated_at;
    message.reasoning_started_at = record.reasoning_started_at;
    message.reasoning_ended_at = record
        .reasoning_ended_at
        .or(record.reasoning_started_at.map(|_| record.updated_at));
    message.saved_bytes = message.content.len() + message.reasoning.len();
    message.saved_at = record.updated_at;
    message
}
