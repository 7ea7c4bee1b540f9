//! Trying a failed request again: when, and sending it. Pure.

use crate::effect::Effect;
use crate::ids::{ConversationId, Millis, StreamId};
use crate::state::{AppState, StreamPhase};

use super::request::build_request_to;

/// The longest wait between tries kimi-tui chooses itself (a server's Retry-After may ask for
/// longer, up to `MAX_RETRY_AFTER`).
const MAX_BACKOFF: Millis = 30_000;
const MAX_RETRY_AFTER: Millis = 600_000;

/// How long to wait before try number `attempt + 1`: what the server asked for, else 1 s, 2 s,
/// 4 s … with up to 25% of jitter either way (drawn from `seed`, so the reducer stays pure and
/// clients started together still spread out).
pub fn retry_delay(attempt: u32, retry_after: Option<u64>, seed: u64) -> Millis {
    if let Some(secs) = retry_after {
        return (secs * 1000).min(MAX_RETRY_AFTER);
    }
    let base = (1000u64 << attempt.saturating_sub(1).min(5)).min(MAX_BACKOFF);
    let mixed = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
    // 750..=1250 per mille: the base, give or take a quarter.
    (base * (750 + mixed % 501) / 1000).max(100)
}

/// Sends again every reply whose retry time has come.
pub fn retry_due(state: &mut AppState, now: Millis) -> Vec<Effect> {
    let due: Vec<ConversationId> = state
        .conversations
        .streams()
        .filter(|&(_, id)| {
            state
                .conversations
                .get(id)
                .is_some_and(|c| matches!(c.phase, StreamPhase::Retrying { at, .. } if at <= now))
        })
        .map(|(_, id)| id)
        .collect();
    let mut effects = Vec::new();
    for id in due {
        let stream = StreamId(state.next_id());
        let Some(conv) = state.conversations.get_mut(id) else {
            continue;
        };
        let since = match conv.phase {
            StreamPhase::Retrying { since, .. } => since,
            _ => now,
        };
        let Some(reply) = conv.live_reply else {
            continue;
        };
        if let Some(message) = conv.message_mut(reply) {
            message.error = None;
        }
        let request = build_request_to(conv, reply, &state.settings, &state.models);
        state.conversations.start_stream(id, stream, since);
        effects.push(Effect::StartStream {
            stream,
            conversation: id,
            request,
        });
    }
    effects
}
