//! Between the state and the store's records: a conversation from its summary, its messages
//! from their records, and the records the reducer asks the store to write. Pure.

use super::{Conversation, Message, MessageId};
use crate::ids::ConversationId;
use crate::io::store::records::{ConversationMeta, MessageRecord, MessageStatus, Summary};

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
    conv.draft = summary.draft;
    conv.web_search = summary.web_search;
    conv.loaded = false;
    conv.saved = true;
    conv
}

/// Fills a conversation with its saved messages (the whole tree; the branch chosen last is
/// shown).
pub fn fill(conv: &mut Conversation, messages: Vec<MessageRecord>, system_prompt: Option<String>) {
    conv.set_messages(messages.into_iter().map(message_from).collect());
    conv.recount_tokens();
    if let Some(prompt) = system_prompt {
        conv.system_prompt = prompt;
    }
    conv.loaded = true;
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
        draft: conv.draft.clone(),
        web_search: conv.web_search,
    }
}

/// The record of `message`, of conversation `conversation`.
pub fn record_of(conversation: ConversationId, message: &Message) -> MessageRecord {
    record_from(conversation, message, None)
}

/// The record of `message` with only its text after `from` (bytes of its text and of its
/// reasoning the store holds already): see `MessageRecord::appended`. A `from` that is not
/// a beginning of the text gives the whole record.
pub fn tail_record_of(
    conversation: ConversationId,
    message: &Message,
    from: (usize, usize),
) -> MessageRecord {
    let fits =
        message.content.is_char_boundary(from.0) && message.reasoning.is_char_boundary(from.1);
    record_from(conversation, message, fits.then_some(from))
}

fn record_from(
    conversation: ConversationId,
    message: &Message,
    appended: Option<(usize, usize)>,
) -> MessageRecord {
    let (content, reasoning) = match appended {
        Some((c, r)) => (
            message.content.get(c..).unwrap_or_default().to_string(),
            message.reasoning.get(r..).unwrap_or_default().to_string(),
        ),
        None => (message.content.clone(), message.reasoning.clone()),
    };
    MessageRecord {
        id: message.id,
        conversation_id: conversation,
        parent_id: message.parent,
        seq: message.depth,
        role: message.role,
        content,
        reasoning,
        status: message.status,
        error: message.error.clone(),
        finish_reason: message.finish_reason.clone(),
        model: message.model.clone(),
        usage: message.usage,
        created_at: message.created_at,
        updated_at: message.updated_at,
        reasoning_started_at: message.reasoning_started_at,
        reasoning_ended_at: message.reasoning_ended_at,
        chosen_at: message.chosen_at,
        uid: message.uid,
        siblings: message.siblings,
        tool_rounds: if message.tool_rounds.is_empty() {
            String::new()
        } else {
            serde_json::to_string(&message.tool_rounds).unwrap_or_default()
        },
        documents: if message.documents.is_empty() {
            String::new()
        } else {
            serde_json::to_string(&message.documents).unwrap_or_default()
        },
        images: message.images.clone(),
        appended,
    }
}

pub fn message_from(record: MessageRecord) -> Message {
    let mut message = Message::user(
        MessageId {
            id: record.id,
            uid: record.uid,
        },
        record.content,
        record.created_at,
    );
    message.role = record.role;
    message.parent = record.parent_id;
    message.depth = record.seq;
    message.chosen_at = record.chosen_at;
    // Rounds that do not read back (a damaged row) are dropped: the text stays.
    message.tool_rounds = serde_json::from_str(&record.tool_rounds).unwrap_or_default();
    // Documents that do not read back (a damaged row) are dropped: the text stays.
    message.documents = serde_json::from_str(&record.documents).unwrap_or_default();
    for doc in &mut message.documents {
        if doc.tokens.is_none() {
            doc.tokens = Some(crate::catalog::estimate_tokens(&doc.text));
        }
    }
    message.images = record.images;
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
    message.saved_text = (message.content.len(), message.reasoning.len());
    message.saved_at = record.updated_at;
    message
}
