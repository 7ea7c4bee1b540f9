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
                draft: state.message_text(),
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

/// A prompt chosen from the history search goes into the input box (what was there is kept
/// for Down to bring back).
pub fn recall(state: &mut AppState, text: &str) {
    if state.history_walk.is_none() {
        state.history_walk = Some(HistoryWalk {
            index: state.history.iter().position(|t| t == text).unwrap_or(0),
            draft: state.message_text(),
        });
    }
    replace_input(state, text);
}

/// Remembers a prompt that was sent: newest first, once.
pub fn remember(state: &mut AppState, text: &str) {
    state.history_walk = None;
    state.history.retain(|t| t != text);
    state.history.insert(0, text.to_string());
    state.history.truncate(HISTORY_KEPT);
}

pub fn replace_input(state: &mut AppState, text: &str) {
    state.input = crate::state::composer::new_textarea(&state.theme);
    state.pastes.clear();
    state.put_text(text);
}

/// A paste longer than this many lines, or characters, shows folded as one chip.
pub const FOLD_LINES: usize = 10;
pub const FOLD_CHARS: usize = 1000;

/// A paste goes into the input box; a long one as a chip (`[Paste 1: 240 lines, 9.1 KB]`),
/// which stands for the whole text when the message is sent.
pub fn paste(state: &mut AppState, text: &str) {
    let clean = crate::text::plain::clean_input(text);
    let lines = clean.lines().count();
    if lines <= FOLD_LINES && clean.chars().count() <= FOLD_CHARS {
        state.input.insert_str(clean);
        return;
    }
    state.fold(clean);
}

/// Backspace right after a chip deletes the whole chip (and the paste with it).
pub fn delete_chip(state: &mut AppState) -> bool {
    // Most Backspaces: no paste is folded, and the line is not copied.
    if state.pastes.is_empty() {
        return false;
    }
    let cursor = state.input.cursor();
    let (row, col) = (cursor.0, cursor.1);
    let Some(line) = state.input.lines().get(row) else {
        return false;
    };
    let before: String = line.chars().take(col).collect();
    let Some(i) = state
        .pastes
        .iter()
        .position(|(chip, _)| before.ends_with(chip.as_str()))
    else {
        return false;
    };
    let (chip, _) = state.pastes.remove(i);
    for _ in 0..chip.chars().count() {
        state.input.delete_char();
    }
    true
}

/// The chip before the cursor (or the last one on its line) becomes the text it stands for.
pub fn unfold(state: &mut AppState) {
    let cursor = state.input.cursor();
    let (row, col) = (cursor.0, cursor.1);
    let Some(line) = state.input.lines().get(row) else {
        return;
    };
    let before: String = line.chars().take(col).collect();
    let found = state
        .pastes
        .iter()
        .enumerate()
        .filter_map(|(i, (chip, _))| before.rfind(chip.as_str()).map(|at| (at, i)))
        .max();
    let Some((_, i)) = found else {
        state.flash = Some("No folded paste before the cursor.".into());
        return;
    };
    if crate::state::composer::too_long_for_the_box(&state.pastes[i].1) {
        state.flash = Some(format!(
            "This paste is too long to edit in the box ({}).{}",
            crate::text::plain::size_label(state.pastes[i].1.len()),
            state.editor_hint()
        ));
        return;
    }
    let (chip, pasted) = state.pastes.remove(i);
    // Rebuild the box with this chip expanded and the others kept as chips.
    let others = std::mem::take(&mut state.pastes);
    let mut shown = state.input_text();
    shown = shown.replacen(chip.as_str(), &pasted, 1);
    replace_input(state, &shown);
    state.pastes = others;
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
