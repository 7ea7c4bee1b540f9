//! Sending a prompt, applying a reply's stream events, stopping. Every stream event names its
//! stream; one that no conversation waits for any more is dropped here.

use crate::catalog;
use crate::effect::Effect;
use crate::error::ApiError;

use super::request::{build_request, left_out, local_estimate};
use super::retry::retry_delay;
use crate::api::StreamEvent;
use crate::ids::{ConversationId, Millis, StreamId};
use crate::io::store::records::{MessageStatus, Role};
use crate::state::saved::{meta_of, record_of, tail_record_of};
use crate::state::{AppState, Conversation, Message, Scroll, StreamPhase};
use crate::text::plain::shorten;

/// The next request of a tool loop: the history, the reply's rounds so far with their calls
/// echoed back, on a fresh stream into the same reply (Esc stops it like any other).
fn tool_loop(
    state: &mut AppState,
    id: ConversationId,
    old: StreamId,
    reply: u64,
    now: Millis,
) -> Vec<Effect> {
    let stream = StreamId(state.next_id());
    state.conversations.end_stream(old);
    let Some(conv) = state.conversations.get(id) else {
        return Vec::new();
    };
    let request = super::request::build_request_to(conv, reply, &state.settings, &state.models);
    state.conversations.start_stream(id, stream, now);
    let mut effects: Vec<Effect> = state
        .conversations
        .get_mut(id)
        .and_then(|conv| save(conv, reply, now))
        .into_iter()
        .collect();
    effects.push(Effect::StartStream {
        stream,
        conversation: id,
        request,
    });
    effects
}

/// Cells of the sidebar a default title may take.
const TITLE_CELLS: usize = 40;

pub fn submit(state: &mut AppState, now: Millis) -> Vec<Effect> {
    let typed = state.message_text();
    let typed = typed.trim_end();
    if typed.trim().is_empty() {
        if let Some(doc) = state.active_conversation().documents.first() {
            state.flash = Some(format!(
                "Type what to ask about {}; it goes with your message.",
                doc.name
            ));
        }
        return Vec::new();
    }
    let mut unknown = None;
    let text = match super::commands::classify(typed) {
        super::commands::Line::Run(name, arg) if state.editing.is_none() => {
            super::composer::remember(state, typed);
            return super::commands::run(state, name, arg, now);
        }
        super::commands::Line::Unknown(name) => {
            unknown = Some(name.to_string());
            typed
        }
        super::commands::Line::Send(text) => text,
        super::commands::Line::Run(..) => typed,
    };
    if !state.settings.has_key {
        let conv = state.active_conversation_mut();
        conv.notice = Some(format!(
            "Not sent: {} Your message is still in the input box.",
            ApiError::NoKey
        ));
        conv.scroll = Scroll::Follow;
        return Vec::new();
    }
    if !state.active_conversation().loaded {
        // Its saved messages are not read yet: a message sent now would be numbered from the
        // start and written over them.
        state.flash = Some(
            "This conversation is still being read; your message stays in the input box.".into(),
        );
        return Vec::new();
    }
    if state.active_conversation().phase.is_live() {
        let conv = state.active_conversation_mut();
        conv.notice = Some(
            "A reply is still streaming here. Press Esc to stop it, or wait; your message stays in the input box."
                .into(),
        );
        return Vec::new();
    }
    let model = state.active_conversation().model.clone();
    if !state.active_conversation().images.is_empty()
        && catalog::accepts_images(&model, &state.models) == Some(false)
    {
        // Never a request the API refuses: another model, or no images.
        let instead = state
            .models
            .iter()
            .find(|m| m.supports_image_in == Some(true))
            .map(|m| m.id.clone())
            .or_else(|| state.settings.kimi_fields.then(|| "kimi-k2.6".to_string()));
        state.dialog = Some(crate::state::Dialog::ImagesNeedModel { model, instead });
        return Vec::new();
    }
    let documents = match super::documents::take_for_send(state) {
        Ok(documents) => documents,
        Err(why) => {
            state.flash = Some(why);
            return Vec::new();
        }
    };
    let text = text.to_string();
    super::composer::remember(state, &text);
    let stream = StreamId(state.next_id());
    let user_id = state.next_message_id();
    let reply_id = state.next_message_id();
    let active = state.conversations.active_id();
    let editing = state.editing.take().filter(|e| e.conversation == active);
    let Some(conv) = state.conversations.get_mut(active) else {
        return Vec::new();
    };
    let model = conv.model.clone();
    conv.notice = None;
    if conv.title.is_empty() {
        conv.title = default_title(&text);
    }
    let mut effects = Vec::new();
    if let Some(editing) = editing {
        // The new text is a new version of the message edited: it goes beside it, and what
        // followed it stays on the old branch.
        let chosen = conv.show(editing.id, now);
        effects.extend(chosen.into_iter().filter_map(|id| save(conv, id, now)));
        if let Some(index) = conv.messages.iter().position(|m| m.id == editing.id) {
            conv.cut(index);
        }
    }
    let mut user = Message::user(user_id, text, now);
    user.documents = documents;
    user.images = std::mem::take(&mut conv.images);
    conv.push(user);
    let request = build_request(conv, &state.settings, &state.models);
    conv.left_out = left_out(conv, &request);
    conv.push(Message::assistant_streaming(reply_id, model.clone(), now));
    conv.live_reply = Some(reply_id.id);
    conv.scroll = Scroll::Follow;
    conv.focus = None;
    conv.updated_at = now;
    // The prompt is committed before the request leaves: the runtime starts the stream
    // only after these saves.
    conv.saved = true;
    effects.insert(0, Effect::SaveConversation(meta_of(conv)));
    effects.extend(save(conv, user_id.id, now));
    effects.extend(save(conv, reply_id.id, now));
    let local = local_estimate(&request);
    let window = catalog::context_length(&model, &state.models);
    // Rate limits count every request, so the exact count is asked for only once the history
    // is big enough for trimming to matter (half the window by the local estimate). It runs
    // alongside the reply, never before it, and teaches the estimate used to trim.
    if state.settings.kimi_fields && window.is_some_and(|w| local.saturating_mul(2) >= w) {
        effects.push(Effect::CountTokens {
            epoch: state.epoch,
            id: active,
            local,
            request: request.clone(),
        });
    }
    effects.push(Effect::StartStream {
        stream,
        conversation: active,
        request,
    });
    state.conversations.start_stream(active, stream, now);
    state.input = crate::state::composer::new_textarea(&state.theme);
    state.pastes.clear();
    state.conversations.move_to_top(active);
    if let Some(name) = unknown {
        let known: Vec<&str> = super::commands::COMMANDS.iter().map(|(c, _)| *c).collect();
        state.flash = Some(format!(
            "/{name} is not a command, so it was sent as a message (commands: {}; // sends a leading /).",
            known.join(", ")
        ));
    }
    effects
}

/// The answer to "this model does not read images": switch the conversation to the model
/// offered and send, send without the images, or go back to the input box.
pub fn images_answer(
    state: &mut AppState,
    choice: crate::msg::ImagesChoice,
    now: Millis,
) -> Vec<Effect> {
    let Some(crate::state::Dialog::ImagesNeedModel { instead, .. }) = state.dialog.take() else {
        return Vec::new();
    };
    match choice {
        crate::msg::ImagesChoice::Cancel => Vec::new(),
        crate::msg::ImagesChoice::Drop => {
            state.active_conversation_mut().images.clear();
            let effects = submit(state, now);
            if !effects.is_empty() {
                state.flash = Some("Sent without the images.".into());
            }
            effects
        }
        crate::msg::ImagesChoice::Switch => {
            let Some(model) = instead else {
                return Vec::new();
            };
            let mut effects =
                super::picker::choose(state, crate::layout::picker::PickerRow::Model(model));
            effects.extend(submit(state, now));
            effects
        }
    }
}

/// Another window wrote to conversation `id` first, so nothing was sent: read it again (with
/// the other window's turns), say so, and give the message that was not sent back to the
/// input box.
fn changed_elsewhere(state: &mut AppState, id: ConversationId, stream: StreamId) -> Vec<Effect> {
    state.conversations.end_stream(stream);
    let active = state.conversations.active_id();
    let Some(conv) = state.conversations.get_mut(id) else {
        return Vec::new();
    };
    // A message just sent (not a regenerated reply): its reply was made at the same moment.
    let unsent = match conv.messages.as_slice() {
        [.., user, reply]
            if user.role == Role::User
                && reply.role == Role::Assistant
                && reply.content.is_empty()
                && reply.created_at == user.created_at =>
        {
            Some(user.content.clone())
        }
        _ => None,
    };
    conv.set_messages(Vec::new());
    conv.live_reply = None;
    conv.loaded = false;
    conv.notice = None;
    conv.notice_after_load = Some(ApiError::ChangedElsewhere.to_string());
    if let Some(text) = unsent
        && id == active
        && state.input_text().is_empty()
    {
        state.put_text(&text);
    }
    vec![Effect::LoadConversation(id)]
}

/// Asks the store to save message `id` of `conv` and notes that it did. A long message the
/// store holds already is sent as what it gained since (the store keeps it in pieces), so a
/// 20 MB reply is not copied whole each second.
pub fn save(conv: &mut Conversation, id: u64, now: Millis) -> Option<Effect> {
    let conversation = conv.id;
    let message = conv.message_mut(id)?;
    message.saved_at = now;
    message.saved_bytes = message.content.len() + message.reasoning.len();
    let from = message.saved_text;
    message.saved_text = (message.content.len(), message.reasoning.len());
    let long = message.saved_bytes > crate::io::store::pieces::WHOLE_LIMIT;
    Some(Effect::SaveMessage(if long && from != (0, 0) {
        tail_record_of(conversation, message, from)
    } else {
        record_of(conversation, message)
    }))
}

/// How much of an error message is kept, shown and saved (a server once sent 5 MB).
pub const ERROR_KEPT: usize = 4096;

/// How far a streaming reply's saved copy may lag behind what arrived.
pub const AUTOSAVE_MILLIS: Millis = 1000;

/// A streaming reply is saved again once it gained this much, even within the second.
pub const AUTOSAVE_BYTES: usize = 4 * 1024 * 1024;

/// Saves every streaming reply that grew since its last save: once a second, or sooner once
/// it gained `AUTOSAVE_BYTES`.
pub fn autosave(state: &mut AppState, now: Millis) -> Vec<Effect> {
    let mut ids: Vec<ConversationId> = state.conversations.streams().map(|(_, id)| id).collect();
    ids.sort();
    let mut effects = Vec::new();
    for id in ids {
        let Some(conv) = state.conversations.get_mut(id) else {
            continue;
        };
        let Some(reply) = conv.live_reply.and_then(|id| conv.message(id)) else {
            continue;
        };
        let size = reply.content.len() + reply.reasoning.len();
        let grown = size.saturating_sub(reply.saved_bytes);
        // Each second; and after every few MB of a reply that streams fast, so that no save
        // holds (or copies) more than that.
        if grown > 0
            && (now.saturating_sub(reply.saved_at) >= AUTOSAVE_MILLIS || grown >= AUTOSAVE_BYTES)
        {
            let id = reply.id;
            effects.extend(save(conv, id, now));
        }
    }
    effects
}

/// The first line of the first message, cut by display cells. Files attached first (fenced
/// blocks, `/attach`) are passed over for the question after them, or named when there is
/// none.
fn default_title(text: &str) -> String {
    let mut rest = text;
    let mut files = Vec::new();
    while let Some((fence, name, after)) = leading_fence(rest) {
        let Some(end) = after.find(&format!("\n{fence}")) else {
            break;
        };
        files.push(name);
        rest = &after[end + 1 + fence.len()..];
    }
    let first = rest.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let title = if first.trim().is_empty() && !files.is_empty() {
        format!("📎 {}", files.join(", "))
    } else {
        first.trim().to_string()
    };
    crate::text::plain::truncate(&title, TITLE_CELLS)
}

/// A text's first line when it opens a backtick fence: (the fence, its info, the text after).
fn leading_fence(text: &str) -> Option<(&str, &str, &str)> {
    let text = text.trim_start_matches('\n');
    let (line, after) = text.split_once('\n')?;
    let ticks = line.len() - line.trim_start_matches('`').len();
    (ticks >= 3).then(|| (&line[..ticks], line[ticks..].trim(), after))
}

pub fn stop_active(state: &mut AppState) -> Vec<Effect> {
    let id = state.conversations.active_id();
    stop(state, id)
}

/// Stops every live reply, keeping what arrived and saving it (quitting: nothing that was on
/// screen may be lost).
pub fn stop_all(state: &mut AppState) -> Vec<Effect> {
    let ids: Vec<ConversationId> = state.conversations.streams().map(|(_, id)| id).collect();
    ids.into_iter().flat_map(|id| stop(state, id)).collect()
}

/// Stops conversation `id`'s live reply: the text that arrived stays, marked stopped (or
/// failed, if it was waiting to be sent again), and is saved.
pub fn stop(state: &mut AppState, id: ConversationId) -> Vec<Effect> {
    let now = state.now;
    let Some(conv) = state.conversations.get_mut(id) else {
        return Vec::new();
    };
    let Some(stream) = conv.phase.stream() else {
        return Vec::new();
    };
    let was_retrying = matches!(conv.phase, StreamPhase::Retrying { .. });
    let mut effects = vec![Effect::CancelStream(stream)];
    let reply = conv.live_reply;
    if let Some(message) = reply.and_then(|id| conv.message_mut(id))
        && message.status == MessageStatus::Streaming
    {
        message.status = if was_retrying {
            // What failed stays on screen; the user chose not to wait for another try.
            MessageStatus::Failed
        } else {
            MessageStatus::Stopped
        };
        message.updated_at = now;
        if message.reasoning_started_at.is_some() && message.reasoning_ended_at.is_none() {
            message.reasoning_ended_at = Some(now);
        }
        let id = message.id;
        effects.extend(save(conv, id, now));
    }
    state.conversations.end_stream(stream);
    effects
}

pub fn on_stream_event(
    state: &mut AppState,
    stream: StreamId,
    event: StreamEvent,
    now: Millis,
) -> Vec<Effect> {
    let Some(conv_id) = state.conversations.owner(stream) else {
        // Stale: stopped, or its conversation moved on. Forget it if it was still listed.
        state.conversations.end_stream(stream);
        return Vec::new();
    };
    if event == StreamEvent::Failed(ApiError::ChangedElsewhere) {
        return changed_elsewhere(state, conv_id, stream);
    }
    let Some(conv) = state.conversations.get_mut(conv_id) else {
        return Vec::new();
    };
    let reply = conv.live_reply.unwrap_or_default();
    let Some(message) = conv
        .tree
        .find_mut(&mut conv.messages, reply)
        .filter(|m| m.role == Role::Assistant && m.status == MessageStatus::Streaming)
    else {
        state.conversations.end_stream(stream);
        return Vec::new();
    };
    if let StreamPhase::Waiting { since, .. } = conv.phase
        && !matches!(event, StreamEvent::Failed(_) | StreamEvent::RetryAfter(_))
    {
        conv.phase = StreamPhase::Streaming { stream, since };
    }
    conv.updated_at = now;
    message.updated_at = now;
    let mut finished = false;
    let mut follow_up = false;
    match event {
        StreamEvent::Opened => {}
        StreamEvent::Reasoning(text) => {
            if message.reasoning_started_at.is_none() {
                message.reasoning_started_at = Some(now);
            }
            message.reasoning.push_str(&text);
        }
        StreamEvent::Content(text) => {
            if message.reasoning_started_at.is_some() && message.reasoning_ended_at.is_none() {
                message.reasoning_ended_at = Some(now);
            }
            message.content.push_str(&text);
        }
        StreamEvent::Usage(usage) => {
            let before = message
                .usage
                .map_or(0, |u| u.prompt_tokens + u.completion_tokens);
            message.usage = Some(usage);
            conv.total_tokens = conv.total_tokens - before.min(conv.total_tokens)
                + usage.prompt_tokens
                + usage.completion_tokens;
        }
        StreamEvent::Finish(reason) => message.finish_reason = Some(reason),
        StreamEvent::ToolCall {
            index,
            id,
            name,
            arguments,
        } => {
            // A call's pieces: the first brings its id and name, the rest its arguments.
            if index < 64 {
                while message.pending_calls.len() <= index {
                    message.pending_calls.push(crate::api::ToolCall::default());
                }
                let call = &mut message.pending_calls[index];
                if let Some(id) = id {
                    call.id = id;
                }
                if let Some(name) = name {
                    call.kind = if name.starts_with('$') {
                        "builtin_function"
                    } else {
                        "function"
                    }
                    .into();
                    call.function.name = name;
                }
                call.function.arguments.push_str(&arguments);
            }
        }
        StreamEvent::Malformed(_) => message.malformed_events += 1,
        StreamEvent::InvalidBytes(n) => message.invalid_bytes += n,
        StreamEvent::RetryAfter(secs) => message.retry_after = Some(secs),
        StreamEvent::Done
            if message.finish_reason.as_deref() == Some("tool_calls")
                && !message.pending_calls.is_empty() =>
        {
            let calls = std::mem::take(&mut message.pending_calls);
            let asked: Vec<&str> = calls
                .iter()
                .map(|c| c.function.name.as_str())
                .filter(|n| *n != crate::api::WEB_SEARCH)
                .collect();
            if asked.is_empty() && conv.web_search {
                // Kimi's web search: the call goes back as it came, and Kimi searches and
                // goes on (`tool_loop` below sends it).
                message.tool_rounds.push(crate::state::ToolRound {
                    content_end: message.content.len(),
                    reasoning_end: message.reasoning.len(),
                    calls,
                });
                message.finish_reason = None;
                follow_up = true;
            } else {
                let names = if asked.is_empty() {
                    crate::api::WEB_SEARCH.to_string()
                } else {
                    asked.join(", ")
                };
                message.status = MessageStatus::Failed;
                message.error = Some(format!(
                    "The model asked for a tool kimi-tui does not offer here ({}); the turn ends here. Ctrl+R asks again.",
                    shorten(&names, 200)
                ));
                finished = true;
            }
        }
        StreamEvent::Done => {
            message.status = MessageStatus::Complete;
            finished = true;
        }
        StreamEvent::Failed(error)
            if error.is_retryable()
                && message.content.is_empty()
                && message.reasoning.is_empty()
                && message.retries < state.settings.max_retries =>
        {
            // Nothing arrived, so nothing is lost by asking again: wait, then resend.
            message.retries += 1;
            let delay = retry_delay(message.retries, message.retry_after.take(), stream.0);
            message.error = Some(shorten(&error.to_string(), ERROR_KEPT));
            let since = match conv.phase {
                StreamPhase::Waiting { since, .. }
                | StreamPhase::Streaming { since, .. }
                | StreamPhase::Retrying { since, .. } => since,
                StreamPhase::Idle => now,
            };
            conv.phase = StreamPhase::Retrying {
                stream,
                since,
                at: now + delay,
            };
        }
        StreamEvent::Failed(error) => {
            if let ApiError::Api {
                kind,
                message: text,
                ..
            } = &error
                && kind == "invalid_request_error"
                && crate::error::is_context_overflow(text)
            {
                // The estimate was too low: the next try (Ctrl+R) leaves out two more.
                conv.trim_extra = conv.left_out + 2;
            }
            if error == ApiError::Interrupted {
                message.status = MessageStatus::Interrupted;
            } else {
                message.status = MessageStatus::Failed;
                message.error = Some(shorten(&error.to_string(), ERROR_KEPT));
            }
            finished = true;
        }
    }
    if follow_up {
        return tool_loop(state, conv_id, stream, reply, now);
    }
    if !finished {
        return Vec::new();
    }
    if message.reasoning_started_at.is_some() && message.reasoning_ended_at.is_none() {
        message.reasoning_ended_at = Some(now);
    }
    conv.phase = StreamPhase::Idle;
    let mut effects = Vec::new();
    effects.extend(save(conv, reply, now));
    effects.push(Effect::SaveConversation(meta_of(conv)));
    state.conversations.end_stream(stream);
    effects
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_title_passes_over_attached_files() {
        use super::default_title;
        assert_eq!(default_title("Hello there\nmore"), "Hello there");
        assert_eq!(
            default_title("````notes.md\n# N\n```x```\n````\n\nWhat is this?"),
            "What is this?"
        );
        assert_eq!(
            default_title("```a.txt\nx\n```\n\n```b.rs\ny\n```"),
            "📎 a.txt, b.rs"
        );
        // A code block someone typed first, unclosed: its first line, as before.
        assert_eq!(default_title("```rust\nfn x"), "```rust");
    }
}
