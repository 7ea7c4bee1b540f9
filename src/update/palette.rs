//! The command palette: typing filters, Up/Down move, Enter runs the highlighted entry (an
//! action as if its key was pressed, a conversation opened, a model chosen), Esc closes.

use crate::effect::Effect;
use crate::ids::Millis;
use crate::layout::palette::{Entry, matches};
use crate::msg::{FieldEdit, Intent, PaletteIntent};
use crate::state::cursor::stepped;
use crate::state::{AppState, Overlay};

/// How many recently run actions are remembered.
const RECENT: usize = 8;

pub fn update(state: &mut AppState, intent: PaletteIntent, now: Millis) -> Vec<Effect> {
    match intent {
        PaletteIntent::Open | PaletteIntent::OpenHistory => {
            state.palette.history = intent == PaletteIntent::OpenHistory;
            state.palette.query.clear();
            state.palette.selected = 0;
            state.overlay = Some(Overlay::Palette);
        }
        PaletteIntent::Close => state.overlay = None,
        PaletteIntent::Move(step) => {
            let len = matches(state, &state.palette.query).len();
            state.palette.selected = stepped(state.palette.selected, step, len);
        }
        PaletteIntent::Edit(edit) => {
            let query = &mut state.palette.query;
            match edit {
                FieldEdit::Insert(c) => query.push(c),
                FieldEdit::Paste(text) => query.push_str(&text.replace(['\n', '\r'], " ")),
                FieldEdit::Backspace => {
                    query.pop();
                }
                FieldEdit::Clear => query.clear(),
            }
            state.palette.selected = 0;
        }
        PaletteIntent::Run => {
            let Some(entry) = matches(state, &state.palette.query)
                .into_iter()
                .nth(state.palette.selected)
            else {
                return Vec::new();
            };
            state.overlay = None;
            return match entry {
                Entry::Action { name, intent, .. } => {
                    let recent = &mut state.palette.recent;
                    recent.retain(|r| *r != name);
                    recent.insert(0, name);
                    recent.truncate(RECENT);
                    run(state, intent, now)
                }
                Entry::Conversation { id, .. } => super::sidebar::open(state, id),
                Entry::Model(row) => super::picker::choose(state, row),
                Entry::Prompt(text) => {
                    super::composer::recall(state, &text);
                    Vec::new()
                }
                Entry::SaveTheme(name) => vec![Effect::SaveTheme { name }],
                Entry::Command { name, .. } => {
                    // The command goes into the input box, to be finished and sent there; a
                    // command is a line of its own, so what was typed is not thrown away.
                    state.focus = crate::msg::Focus::Input;
                    if state.message_text().trim().is_empty() {
                        state.input = crate::state::composer::new_textarea(&state.theme);
                        state.pastes.clear();
                        state.input.insert_str(format!("{name} "));
                    } else {
                        state.flash = Some(format!(
                            "{name} is typed on a line of its own: send or clear what is in the input box first."
                        ));
                    }
                    Vec::new()
                }
                Entry::Theme(name) => {
                    if let Some(theme) = state.themes.iter().find(|t| t.name == name).cloned() {
                        state.set_theme(theme);
                        state.flash = Some(format!(
                            "Theme {name}. To keep it, choose \"Theme: keep {name}\" here (Ctrl+P)."
                        ));
                    }
                    Vec::new()
                }
            };
        }
    }
    Vec::new()
}

/// An action run from the palette does what its key does.
fn run(state: &mut AppState, intent: Intent, now: Millis) -> Vec<Effect> {
    super::update(state, crate::msg::Msg::Intent(intent), now)
}
