//! The scrollback's message focus: moving the outline, folding reasoning, copying.

use crate::effect::Effect;
use crate::ids::Millis;
use crate::io::store::records::Role;
use crate::layout::panes;
use crate::layout::transcript;
use crate::msg::{Step, TranscriptIntent};
use crate::state::{AppState, Scroll};
use crate::text::markdown::code_blocks;

pub fn update(state: &mut AppState, intent: TranscriptIntent, now: Millis) -> Vec<Effect> {
    match intent {
        TranscriptIntent::Edit => super::branches::edit(state),
        TranscriptIntent::PrevVersion => super::branches::switch_version(state, -1, now),
        TranscriptIntent::NextVersion => super::branches::switch_version(state, 1, now),
        TranscriptIntent::Fork => super::branches::fork(state, now),
        TranscriptIntent::RegenerateWith => super::branches::regenerate_with(state),
        TranscriptIntent::Delete => super::branches::ask_delete(state),
        TranscriptIntent::ConfirmDelete(yes) => super::branches::confirm_delete(state, yes),
        TranscriptIntent::FocusMessage(step) => {
            focus(state, step);
            Vec::new()
        }
        TranscriptIntent::Click(index) => {
            state.focus = crate::msg::Focus::Scrollback;
            let conv = state.active_conversation_mut();
            if index < conv.messages.len() {
                conv.focus = Some(index);
            }
            Vec::new()
        }
        TranscriptIntent::ToggleReasoning => {
            let conv = state.active_conversation_mut();
            let Some(index) = conv.focus.or(conv.messages.len().checked_sub(1)) else {
                return Vec::new();
            };
            if let Some(message) = conv.messages.get(index)
                && message.role == crate::io::store::records::Role::User
                && (!message.documents.is_empty() || !message.images.is_empty())
            {
                // Its documents' text, and its images named, over the screen.
                let pager = super::documents::pager_of(message);
                state.pager = pager;
                state.overlay = Some(crate::state::Overlay::Pager);
                return super::pictures::wanted(state);
            } else if let Some(message) = conv.messages.get_mut(index)
                && message.role == crate::io::store::records::Role::User
            {
                message.unfolded = !message.unfolded;
            } else if let Some(message) = conv.messages.get_mut(index)
                && !message.reasoning.is_empty()
            {
                let thinking = message.reasoning_ended_at.is_none()
                    && message.status == crate::io::store::records::MessageStatus::Streaming;
                let folded_now = message.reasoning_folded.unwrap_or(!thinking);
                message.reasoning_folded = Some(!folded_now);
            }
            Vec::new()
        }
        TranscriptIntent::CopyMessage => {
            let conv = state.active_conversation();
            let index = conv.focus.or_else(|| last_reply(state));
            match index.and_then(|i| conv.messages.get(i)) {
                Some(message) if !message.content.is_empty() => vec![Effect::Copy {
                    text: message.content.clone(),
                    what: match message.role {
                        Role::User => "your message".into(),
                        Role::Assistant => "the reply".into(),
                    },
                }],
                _ => nothing(state),
            }
        }
        TranscriptIntent::CopyLastReply => match last_reply(state) {
            Some(index) => vec![Effect::Copy {
                text: state.active_conversation().messages[index].content.clone(),
                what: "the last reply".into(),
            }],
            None => nothing(state),
        },
        TranscriptIntent::CopyCodeBlock(n) => {
            let conv = state.active_conversation();
            let index = conv
                .focus
                .filter(|&i| {
                    conv.messages
                        .get(i)
                        .is_some_and(|m| m.role == Role::Assistant)
                })
                .or_else(|| last_reply(state));
            let block = index
                .and_then(|i| conv.messages.get(i))
                .and_then(|m| code_blocks(&m.content).into_iter().nth(n.saturating_sub(1)));
            match block {
                Some(text) => {
                    let lines = text.lines().count();
                    vec![Effect::Copy {
                        text,
                        what: format!("code block {n} ({lines} lines)"),
                    }]
                }
                None => {
                    state.flash = Some(format!("There is no code block {n} in that reply."));
                    Vec::new()
                }
            }
        }
    }
}

/// The clipboard took `what`.
pub fn copied(state: &mut AppState, what: &str, native: bool) -> Vec<Effect> {
    state.flash = Some(if native {
        format!("Copied {what}.")
    } else {
        format!("Copied {what} (through the terminal, OSC 52).")
    });
    Vec::new()
}

fn nothing(state: &mut AppState) -> Vec<Effect> {
    state.flash = Some("Nothing to copy yet.".into());
    Vec::new()
}

fn last_reply(state: &AppState) -> Option<usize> {
    state
        .active_conversation()
        .messages
        .iter()
        .rposition(|m| m.role == Role::Assistant && !m.content.is_empty())
}

fn focus(state: &mut AppState, step: Step) {
    let count = state.active_conversation().messages.len();
    if count == 0 {
        return;
    }
    let current = state.active_conversation().focus;
    // With nothing outlined yet, any step starts from the newest message.
    let next = match (current, step) {
        (None, Step::First) => 0,
        (None, _) => count - 1,
        (Some(i), _) => crate::state::cursor::stepped(i, step, count),
    };
    state.active_conversation_mut().focus = Some(next);
    reveal(state, next);
}

/// Scrolls so that the top of item `index` is in view, if it is not already.
pub fn reveal(state: &mut AppState, index: usize) {
    let area = panes::areas(state).transcript;
    let (width, height, now) = (area.width, area.height as usize, state.now);
    let conv = state.active_conversation();
    let ((top, row), _) =
        transcript::resolve_top(conv, conv.scroll, width, height, now, &state.theme);
    let visible = if index < top || (index == top && row > 0) {
        false
    } else {
        let mut distance = 0usize;
        for i in top..index {
            let h = transcript::item(conv, i, width, now, &state.theme).height();
            distance += if i == top { h.saturating_sub(row) } else { h };
            if distance >= height {
                break;
            }
        }
        distance < height
    };
    if !visible {
        let wanted = Scroll::Anchored {
            item: index,
            row: 0,
        };
        let anchored = transcript::resolve_top(conv, wanted, width, height, now, &state.theme).1;
        state.active_conversation_mut().scroll = if anchored { wanted } else { Scroll::Follow };
    }
}
