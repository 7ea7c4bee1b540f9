//! The input box's history: Up on the first line walks back through the prompts sent before
//! (newest first, across every conversation), Down on the last line walks forward, and past
//! the newest the text that was being typed comes back.

use tui_textarea::CursorMove;

use crate::state::{AppState, HISTORY_KEPT, HistoryWalk};

pub fn older(state: &mut AppState) {
    if state.input.cursor().0 > 0 {
        state.input.move_cursor(CursorMove::Up);
        return;
    }
    let next = state.history_walk.as_ref().map_or(0, |w| w.index + 1);
    let Some(text) = state.history.get(next).cloned() else {
        return; // the oldest: nothing further back
    };
    match &mut state.history_walk {
        Some(walk) => walk.index = next,
        None => {
            state.history_walk = Some(HistoryWalk {
                index: next,
                draft: state.input_text(),
            });
        }
    }
    replace_input(state, &text);
}

pub fn newer(state: &mut AppState) {
    let last_row = state.input.lines().len().saturating_sub(1);
    if state.input.cursor().0 < last_row {
        state.input.move_cursor(CursorMove::Down);
        return;
    }
    let Some(walk) = &mut state.history_walk else {
        return;
    };
    let text = match walk.index.checked_sub(1) {
        Some(index) => {
            walk.index = index;
            state.history.get(index).cloned().unwrap_or_default()
        }
        None => {
            let draft = std::mem::take(&mut walk.draft);
            state.history_walk = None;
            draft
        }
    };
    replace_input(state, &text);
}

/// Remembers a prompt that was sent: newest first, once.
pub fn remember(state: &mut AppState, text: &str) {
    state.history_walk = None;
    state.history.retain(|t| t != text);
    state.history.insert(0, text.to_string());
    state.history.truncate(HISTORY_KEPT);
}

fn replace_input(state: &mut AppState, text: &str) {
    state.input = crate::state::composer::new_textarea(&state.theme);
    state.input.insert_str(text);
}

/// What the editor saved replaces the input (it is not sent: Enter sends it); a failure is
/// said, and the input stays as it was.
pub fn edited(state: &mut AppState, result: Result<String, String>) -> Vec<crate::effect::Effect> {
    match result {
        Ok(text) => {
            state.history_walk = None;
            replace_input(state, &text);
        }
        Err(why) => state.flash = Some(format!("Not edited: {why}.")),
    }
    Vec::new()
}
