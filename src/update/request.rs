//! Building the request for a conversation: the history in order, trimmed to the model's
//! window, with only the fields the model takes. Pure.

use crate::api::{ChatMessage, ChatRequest, StreamOptions, ThinkingParam};
use crate::catalog;
use crate::catalog::{ModelInfo, ThinkingControl};
use crate::io::store::records::Role;
use crate::state::{Conversation, Message, Settings};

/// Tokens kept free for the reply when the history is trimmed to fit the window.
const MIN_REPLY_BUDGET: u64 = 4_096;

/// The request for a conversation whose last message is the user's new prompt (or a reply
/// to continue): the system prompt, then every user and assistant message in order.
/// Assistant messages carry their reasoning (thinking models require it); ones with no text
/// are left out, since the API rejects empty content. When the history would not fit the
/// model's window, the oldest turns are left out of the request (never the system prompt,
/// never the newest message); the stored conversation is never cut.
pub fn build_request(
    conv: &Conversation,
    settings: &Settings,
    models: &[ModelInfo],
) -> ChatRequest {
    request_from(conv, conv.messages.iter(), settings, models)
}

/// The request for the branch down to message `id` (a reply being sent again after the user
/// moved to another branch still asks about its own).
pub fn build_request_to(
    conv: &Conversation,
    id: u64,
    settings: &Settings,
    models: &[ModelInfo],
) -> ChatRequest {
    request_from(conv, conv.branch_to(id).into_iter(), settings, models)
}

fn request_from<'a>(
    conv: &Conversation,
    branch: impl Iterator<Item = &'a Message>,
    settings: &Settings,
    models: &[ModelInfo],
) -> ChatRequest {
    let mut history: Vec<ChatMessage> = Vec::new();
    // A model known not to read images gets none (sending asked first, for the new message).
    let images = catalog::accepts_images(&conv.model, models) != Some(false);
    for message in branch {
        match message.role {
            Role::User if !message.content.is_empty() => {
                // Each document's text as a system message right before the message it came
                // with (the API's pattern for documents).
                history.extend(message.documents.iter().map(|doc| ChatMessage {
                    role: "system".into(),
                    content: doc.text.clone(),
                    ..ChatMessage::default()
                }));
                let urls: Vec<String> = message
                    .images
                    .iter()
                    .filter(|i| images && !i.data.is_empty())
                    .map(crate::api::Image::data_url)
                    .collect();
                history.push(if urls.is_empty() {
                    ChatMessage {
                        role: "user".into(),
                        content: message.content.clone(),
                        ..ChatMessage::default()
                    }
                } else {
                    // Parts: the text, then each image (never a JSON string of them).
                    ChatMessage {
                        role: "user".into(),
                        images: Some(crate::api::ImageParts {
                            text: message.content.clone(),
                            urls,
                        }),
                        ..ChatMessage::default()
                    }
                });
            }
            Role::User => {}
            Role::Assistant => assistant_turn(message, &mut history),
        }
    }
    let system = (!conv.system_prompt.trim().is_empty()).then(|| ChatMessage {
        role: "system".into(),
        content: conv.system_prompt.clone(),
        ..ChatMessage::default()
    });
    let window = catalog::context_length(&conv.model, models);
    // The local estimate, scaled by what the tokenizer endpoint taught about this
    // conversation's text.
    let scale = conv.token_scale;
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a float to int cast saturates, and the estimate is never negative"
    )]
    let cost = |m: &ChatMessage| (message_estimate(m) as f64 * scale).ceil() as u64;
    let mut prompt: u64 = system.iter().chain(history.iter()).map(cost).sum();
    // Leave out what the user asked to on top of what the estimate says; the newest message
    // always stays.
    let mut cut = conv.trim_extra.min(history.len().saturating_sub(1));
    prompt -= history[..cut].iter().map(cost).sum::<u64>();
    if let Some(window) = window {
        let budget = window.saturating_sub(MIN_REPLY_BUDGET.min(window / 4));
        while prompt > budget && history.len() - cut > 1 {
            prompt -= cost(&history[cut]);
            cut += 1;
        }
    }
    // Start on a user turn (or the documents before one), as the API expects after the
    // system prompt.
    while cut > 0
        && cut < history.len() - 1
        && history[cut].role != "user"
        && history[cut].role != "system"
    {
        prompt -= cost(&history[cut]);
        cut += 1;
    }
    history.drain(..cut);
    let mut messages: Vec<ChatMessage> = system.into_iter().collect();
    messages.extend(history);
    let mut sampling = settings.sampling.clone();
    if settings.kimi_fields || sampling.max_completion_tokens.is_some() {
        let wanted = sampling
            .max_completion_tokens
            .map_or(catalog::DEFAULT_MAX_COMPLETION, u64::from);
        // The prompt plus the limit must fit the window, or the API refuses the request.
        let room = window.map_or(wanted, |w| w.saturating_sub(prompt).max(1_024));
        sampling.max_completion_tokens = Some(u32::try_from(wanted.min(room)).unwrap_or(u32::MAX));
    }
    let control = if settings.kimi_fields {
        catalog::thinking_control(&conv.model)
    } else {
        ThinkingControl::None
    };
    ChatRequest {
        model: conv.model.clone(),
        messages,
        stream: true,
        stream_options: StreamOptions {
            include_usage: true,
        },
        sampling,
        thinking: match (control, conv.thinking) {
            (ThinkingControl::Switch, Some(on)) => Some(ThinkingParam {
                kind: if on { "enabled" } else { "disabled" }.into(),
            }),
            _ => None,
        },
        reasoning_effort: match (control, conv.effort) {
            (ThinkingControl::Effort, Some(effort)) => Some(effort.as_str().into()),
            _ => None,
        },
        tools: (conv.web_search && settings.kimi_fields).then(|| {
            vec![serde_json::json!({
                "type": "builtin_function",
                "function": {"name": crate::api::WEB_SEARCH},
            })]
        }),
        prompt_cache_key: settings
            .kimi_fields
            .then(|| format!("kimi-tui-{}", conv.id.0)),
    }
}

/// A reply as the API wants it back: each tool round as the assistant message that asked
/// (its text and reasoning up to then, its calls) and a tool message per call echoing the
/// arguments (what `$web_search` wants), then the rest of the reply, if any. Empty text is
/// left out (the API rejects an empty content).
fn assistant_turn(message: &Message, history: &mut Vec<ChatMessage>) {
    let (mut content_at, mut reasoning_at) = (0, 0);
    for round in &message.tool_rounds {
        let content = message
            .content
            .get(content_at..round.content_end)
            .unwrap_or_default();
        let reasoning = message
            .reasoning
            .get(reasoning_at..round.reasoning_end)
            .unwrap_or_default();
        history.push(ChatMessage {
            role: "assistant".into(),
            content: content.to_string(),
            reasoning_content: Some(reasoning.to_string()).filter(|r| !r.is_empty()),
            tool_calls: Some(round.calls.clone()),
            ..ChatMessage::default()
        });
        for call in &round.calls {
            history.push(ChatMessage {
                role: "tool".into(),
                content: call.function.arguments.clone(),
                tool_call_id: Some(call.id.clone()),
                name: Some(call.function.name.clone()),
                ..ChatMessage::default()
            });
        }
        (content_at, reasoning_at) = (round.content_end, round.reasoning_end);
    }
    let content = message.content.get(content_at..).unwrap_or_default();
    if !content.is_empty() {
        let reasoning = message.reasoning.get(reasoning_at..).unwrap_or_default();
        history.push(ChatMessage {
            role: "assistant".into(),
            content: content.to_string(),
            reasoning_content: Some(reasoning.to_string()).filter(|r| !r.is_empty()),
            ..ChatMessage::default()
        });
    }
}

/// The local estimate of one message's tokens (text, reasoning, and a little framing).
fn message_estimate(m: &ChatMessage) -> u64 {
    let images = m.images.as_ref().map_or(0, |parts| {
        catalog::estimate_tokens(&parts.text)
            + catalog::IMAGE_TOKENS * u64::try_from(parts.urls.len()).unwrap_or(u64::MAX)
    });
    images
        + catalog::estimate_tokens(&m.content)
        + m.reasoning_content
            .as_deref()
            .map_or(0, catalog::estimate_tokens)
        + 4
}

/// The local estimate of a request's prompt, unscaled.
pub fn local_estimate(request: &ChatRequest) -> u64 {
    request.messages.iter().map(message_estimate).sum()
}

/// How many of a conversation's messages the request left out to fit the window.
pub fn left_out(conv: &Conversation, request: &ChatRequest) -> usize {
    let sent = request
        .messages
        .iter()
        .filter(|m| m.role != "system")
        .count();
    conv.messages
        .iter()
        .filter(|m| !m.content.is_empty())
        .count()
        .saturating_sub(sent)
}
