//! Continuing a cut-off reply (Partial Mode: the partial text goes back as an assistant
//! prefix and what comes back is appended) and regenerating the last reply (the old one stays
//! in the store as a branch beside the new one).

use crate::effect::Effect;
use crate::error::ApiError;
use crate::ids::{Millis, StreamId};
use crate::io::store::records::{MessageStatus, Role};
use crate::state::saved::record_of;
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
    let index = conv.messages.len() - 1;
    if let Some(message) = conv.messages.last_mut() {
        message.status = MessageStatus::Streaming;
        message.error = None;
        message.finish_reason = None;
        message.usage = None;
        message.retries = 0;
        message.updated_at = now;
    }
    conv.scroll = Scroll::Follow;
    conv.updated_at = now;
    state.conversations.start_stream(active, stream, now);
    let mut effects: Vec<Effect> = state
        .conversations
        .get_mut(active)
        .and_then(|conv| save(conv, index, now))
        .into_iter()
        .collect();
    effects.push(Effect::StartStream {
        stream,
        conversation: active,
        request,
    });
    effects
}

pub fn regenerate(state: &mut AppState, now: Millis) -> Vec<Effect> {
    if blocked(state) {
        return Vec::new();
    }
    let active = state.conversations.active_id();
    let stream = StreamId(state.next_id());
    let reply_id = state.next_id();
    let Some(conv) = state.conversations.get_mut(active) else {
        return Vec::new();
    };
    let model = conv.model.clone();
    let n = conv.messages.len();
    let asks_again = n >= 2
        && conv.messages[n - 1].role == Role::Assistant
        && conv.messages[n - 2].role == Role::User;
    if !asks_again {
        state.flash = Some("Nothing to regenerate yet.".into());
        return Vec::new();
    }
    // The old reply is kept in the store as a branch of the same question, no longer shown.
    let mut effects = Vec::new();
    if let Some(mut old) = record_of(conv, n - 1) {
        old.superseded = true;
        effects.push(Effect::SaveMessage(old));
    }
    conv.messages.pop();
    let request = build_request(conv, &state.settings, &state.models);
    conv.messages
        .push(Message::assistant_streaming(reply_id, model, now));
    conv.scroll = Scroll::Follow;
    conv.focus = None;
    conv.updated_at = now;
    effects.extend(save(conv, n - 1, now));
    state.conversations.start_stream(active, stream, now);
    effects.push(Effect::StartStream {
        stream,
        conversation: active,
        request,
    });
    effects
}
