//! Continuing a cut-off reply (Partial Mode: the partial text goes back as an assistant
//! prefix and what comes back is appended) and regenerating a reply (the old one stays in the
//! tree as a version beside the new one).

use crate::effect::Effect;
use crate::error::ApiError;
use crate::ids::{Millis, StreamId};
use crate::io::store::records::{MessageStatus, Role};
use crate::state::{AppState, Message, Scroll};

use super::chat::save;
use super::request::build_request;

/// Why nothing can be sent now, if so (no key, a reply still streaming).
fn blocked(state: &mut AppState) -> bool {
    let note = if !state.settings.has_key {
        Some(format!("Not sent: {}", ApiError::NoKey))
    } else if state.active_conversation().phase.is_live() {
        Some("A reply is still streaming here; press Esc to stop it first.".to_string())
    } else {
        None
    };
    match note {
        Some(note) => {
            state.flash = Some(note);
            true
        }
        None => false,
    }
}

pub fn continue_reply(state: &mut AppState, now: Millis) -> Vec<Effect> {
    if blocked(state) {
        return Vec::new();
    }
    let active = state.conversations.active_id();
    let stream = StreamId(state.next_id());
    let Some(conv) = state.conversations.get_mut(active) else {
        return Vec::new();
    };
    if !conv.messages.last().is_some_and(Message::can_continue) {
        state.flash =
            Some("Nothing to continue: the last reply is complete (Ctrl+R asks again).".into());
        return Vec::new();
    }
    let mut request = build_request(conv, &state.settings, &state.models);
    if let Some(prefix) = request.messages.last_mut() {
        prefix.partial = Some(true);
    }
    let mut id = 0;
    if let Some(message) = conv.messages.last_mut() {
        id = message.id;
        message.status = MessageStatus::Streaming;
        message.error = None;
        message.finish_reason = None;
        message.usage = None;
        message.retries = 0;
        message.updated_at = now;
    }
    conv.live_reply = Some(id);
    conv.scroll = Scroll::Follow;
    conv.updated_at = now;
    state.conversations.start_stream(active, stream, now);
    let mut effects: Vec<Effect> = state
        .conversations
        .get_mut(active)
        .and_then(|conv| save(conv, id, now))
        .into_iter()
        .collect();
    effects.push(Effect::StartStream {
        stream,
        conversation: active,
        request,
    });
    effects
}

/// Asks again for the reply outlined in the scrollback (else the last one): the new reply is
/// a new version beside the old, which stays in the tree as a branch (‹ 1/2 ›).
pub fn regenerate(state: &mut AppState, now: Millis) -> Vec<Effect> {
    if blocked(state) {
        return Vec::new();
    }
    let active = state.conversations.active_id();
    let stream = StreamId(state.next_id());
    let reply_id = state.next_message_id();
    let Some(conv) = state.conversations.get_mut(active) else {
        return Vec::new();
    };
    let model = conv.model.clone();
    let index = conv
        .focus
        .filter(|&i| {
            conv.messages
                .get(i)
                .is_some_and(|m| m.role == Role::Assistant)
        })
        .or(conv.messages.len().checked_sub(1));
    let asks_again = index.is_some_and(|i| {
        i >= 1
            && conv.messages[i].role == Role::Assistant
            && conv.messages[i - 1].role == Role::User
    });
    let Some(index) = index.filter(|_| asks_again) else {
        state.flash = Some("Nothing to regenerate yet.".into());
        return Vec::new();
    };
    conv.cut(index);
    let request = build_request(conv, &state.settings, &state.models);
    conv.push(Message::assistant_streaming(reply_id, model, now));
    conv.live_reply = Some(reply_id.id);
    conv.scroll = Scroll::Follow;
    conv.focus = None;
    conv.updated_at = now;
    let mut effects: Vec<Effect> = save(conv, reply_id.id, now).into_iter().collect();
    state.conversations.start_stream(active, stream, now);
    effects.push(Effect::StartStream {
        stream,
        conversation: active,
        request,
    });
    effects
}
