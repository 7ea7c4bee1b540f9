//! The conversation as a tree, from the scrollback: edit one of your messages and send it as
//! a new version, switch between the versions of a message, fork a conversation at a message,
//! delete a message and what follows it. Regenerating a reply (another version of it) is in
//! `turns.rs`.

use crate::effect::Effect;
use crate::ids::{ConversationId, Millis};
use crate::io::store::records::Role;
use crate::msg::Focus;
use crate::state::saved::{message_from, meta_of, record_of};
use crate::state::{AppState, Dialog, Editing, Message, PendingDocument, Scroll};

use super::chat::save;

/// The message outlined in the scrollback, if any.
fn outlined(state: &AppState) -> Option<usize> {
    let conv = state.active_conversation();
    conv.focus.filter(|&i| i < conv.messages.len())
}

/// `e`: loads the outlined message of yours into the input box; Enter sends it as a new
/// version of it, Esc puts back what the input box held.
pub fn edit(state: &mut AppState) -> Vec<Effect> {
    let Some(index) = outlined(state) else {
        state.flash = Some("Outline one of your messages (↑/↓), then press e to edit it.".into());
        return Vec::new();
    };
    let conv = state.active_conversation();
    let message = &conv.messages[index];
    if message.role != Role::User {
        state.flash = Some(
            "Only your messages can be edited; Ctrl+R asks again for the outlined reply.".into(),
        );
        return Vec::new();
    }
    let (conversation, id, text) = (conv.id, message.id, message.content.clone());
    // The new version goes with the documents the message had (Backspace in the empty box
    // takes one off).
    let documents: Vec<PendingDocument> = message
        .documents
        .iter()
        .map(|doc| PendingDocument {
            upload: 0,
            name: doc.name.clone(),
            bytes: doc.bytes,
            sent: doc.bytes,
            document: Some(doc.clone()),
        })
        .collect();
    let attached = std::mem::replace(&mut state.active_conversation_mut().documents, documents);
    let (before, before_documents) = match state.editing.take() {
        Some(editing) if editing.conversation == conversation => {
            (editing.before, editing.before_documents)
        }
        _ => (state.message_text(), attached),
    };
    state.editing = Some(Editing {
        conversation,
        id,
        before,
        before_documents,
    });
    state.pastes.clear();
    state.history_walk = None;
    state.input = crate::state::composer::new_textarea(&state.theme);
    state.put_text(&text);
    state.focus = Focus::Input;
    Vec::new()
}

/// Esc while editing: the input box gets back what it held before.
pub fn cancel_edit(state: &mut AppState) -> Vec<Effect> {
    if let Some(editing) = state.editing.take() {
        state.input = crate::state::composer::new_textarea(&state.theme);
        state.pastes.clear();
        state.put_text(&editing.before);
        if let Some(conv) = state.conversations.get_mut(editing.conversation) {
            conv.documents = editing.before_documents;
        }
        state.flash = Some("Edit cancelled; the message is unchanged.".into());
    }
    Vec::new()
}

/// ←/→: shows the version before or after the outlined message (or the last message), and
/// below it the branch chosen there last. The choice is saved.
pub fn switch_version(state: &mut AppState, step: isize, now: Millis) -> Vec<Effect> {
    let conv = state.active_conversation();
    let Some(index) = outlined(state).or(conv.messages.len().checked_sub(1)) else {
        return Vec::new();
    };
    let Some(versions) = conv.versions(index) else {
        state.flash = Some(
            "This message has no other versions (e edits yours, Ctrl+R asks again for a reply)."
                .into(),
        );
        return Vec::new();
    };
    let Some(id) = conv.sibling(index, step) else {
        state.flash = Some(if step < 0 {
            format!("This is the first of {} versions.", versions.of)
        } else {
            format!("This is the last of {} versions.", versions.of)
        });
        return Vec::new();
    };
    let conv = state.active_conversation_mut();
    let chosen = conv.show(id, now);
    conv.focus = Some(index);
    conv.scroll = Scroll::Anchored {
        item: index,
        row: 0,
    };
    chosen
        .into_iter()
        .filter_map(|id| save(conv, id, now))
        .collect()
}

/// `m` on a reply: the model picker; the model picked asks again for that reply (a new
/// version of it, its header naming the model).
pub fn regenerate_with(state: &mut AppState) -> Vec<Effect> {
    let conv = state.active_conversation();
    let reply = outlined(state)
        .and_then(|i| conv.messages.get(i))
        .filter(|m| m.role == Role::Assistant)
        .map(|m| m.id);
    match reply {
        Some(id) => super::picker::open(state, Some(id)),
        None => {
            state.flash = Some(
                "Outline a reply (↑/↓), then press m to ask for it again with another model."
                    .into(),
            );
            Vec::new()
        }
    }
}

/// `f`: a new conversation holding the branch down to the outlined message (copies, with
/// ids of their own), titled "Fork of …", opened at once. The original is untouched.
pub fn fork(state: &mut AppState, now: Millis) -> Vec<Effect> {
    let Some(index) = outlined(state) else {
        state.flash =
            Some("Outline a message (↑/↓), then press f to fork the conversation there.".into());
        return Vec::new();
    };
    let source = state.active_conversation();
    let title = format!("Fork of {}", source.display_title());
    let (model, prompt, thinking, effort) = (
        source.model.clone(),
        source.system_prompt.clone(),
        source.thinking,
        source.effort,
    );
    let copies: Vec<Message> = source.messages[..=index].to_vec();
    let mut conv = state.fresh_conversation(now);
    conv.title = title;
    conv.model = model;
    conv.system_prompt = prompt;
    conv.thinking = thinking;
    conv.effort = effort;
    conv.saved = true;
    conv.updated_at = now;
    for old in copies {
        // A copy with ids of its own; one still streaming is copied as far as it got.
        let mut record = record_of(conv.id, &old);
        let id = state.next_message_id();
        (record.id, record.uid, record.chosen_at) = (id.id, id.uid, now);
        conv.push(message_from(record));
    }
    conv.recount_tokens();
    let id = conv.id;
    let mut effects = vec![Effect::SaveConversation(meta_of(&conv))];
    effects.extend(
        conv.messages
            .iter()
            .map(|m| Effect::SaveMessage(record_of(id, m))),
    );
    let count = conv.messages.len();
    state.conversations.push_top(conv);
    if let Some(left) = state.switch_to(id)
        && let Some(conv) = state.conversations.get_mut(left)
    {
        conv.saved = true;
        effects.push(Effect::SaveConversation(meta_of(conv)));
    }
    state.conversations.select(0);
    state.focus = Focus::Input;
    state.flash = Some(format!(
        "Forked: a new conversation with the {count} message(s) down to the one outlined."
    ));
    effects
}

/// `x`: asks whether to delete the outlined message and everything under it.
pub fn ask_delete(state: &mut AppState) -> Vec<Effect> {
    let Some(index) = outlined(state) else {
        state.flash = Some("Outline a message (↑/↓), then press x to delete it.".into());
        return Vec::new();
    };
    let conv = state.active_conversation();
    let id = conv.messages[index].id;
    let below = subtree_size(conv, id).saturating_sub(1);
    state.dialog = Some(Dialog::DeleteMessage {
        conversation: conv.id,
        id,
        below,
    });
    Vec::new()
}

/// How many messages message `id` and everything under it hold.
fn subtree_size(conv: &crate::state::Conversation, id: u64) -> usize {
    let mut count = 0;
    let mut stack = vec![id];
    while let Some(current) = stack.pop() {
        count += 1;
        stack.extend_from_slice(conv.tree.children(Some(current)));
    }
    count
}

/// The answer to "delete?": yes deletes the message and everything under it (stopping a
/// reply streaming there first); the version beside it, if any, takes its place.
pub fn confirm_delete(state: &mut AppState, yes: bool) -> Vec<Effect> {
    let Some(Dialog::DeleteMessage {
        conversation, id, ..
    }) = state.dialog.take()
    else {
        return Vec::new();
    };
    if !yes {
        return Vec::new();
    }
    delete(state, conversation, id)
}

fn delete(state: &mut AppState, conversation: ConversationId, id: u64) -> Vec<Effect> {
    let mut effects = Vec::new();
    let Some(conv) = state.conversations.get(conversation) else {
        return effects;
    };
    // Whether message `message` is `id` or under it.
    let below = |message: u64| conv.branch_to(message).iter().any(|m| m.id == id);
    let streams_below = conv
        .live_reply
        .filter(|_| conv.phase.is_live())
        .is_some_and(below);
    let editing_below = state
        .editing
        .as_ref()
        .is_some_and(|e| e.conversation == conversation && below(e.id));
    if streams_below {
        effects.extend(super::chat::stop(state, conversation));
    }
    if editing_below {
        cancel_edit(state);
    }
    let Some(conv) = state.conversations.get_mut(conversation) else {
        return effects;
    };
    let removed = conv.remove_subtree(id);
    if removed == 0 {
        return effects;
    }
    if conv
        .live_reply
        .is_some_and(|reply| conv.message(reply).is_none())
    {
        conv.live_reply = None;
    }
    conv.focus = conv
        .focus
        .map(|f| f.min(conv.messages.len().saturating_sub(1)))
        .filter(|_| !conv.messages.is_empty());
    if let Scroll::Anchored { item, .. } = conv.scroll
        && item >= conv.messages.len()
    {
        conv.scroll = Scroll::Follow;
    }
    effects.push(Effect::DeleteMessages { conversation, id });
    state.flash = Some(if removed == 1 {
        "Deleted the message.".to_string()
    } else {
        format!("Deleted the message and the {} under it.", removed - 1)
    });
    effects
}
