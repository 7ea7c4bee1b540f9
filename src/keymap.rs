//! Terminal events -> Msg, by focus and mode. Pure: one meaning per key is decided here so
//! that `update` never looks at raw keys (except the ones it passes to the textarea).

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind};

use crate::msg::{FieldEdit, Focus, Msg, ScrollCmd, Step};
use crate::state::{AppState, Dialog, Overlay, SidebarMode};

/// Rows one wheel notch scrolls.
const WHEEL_ROWS: usize = 3;

/// Whether typed keys go to a one-line field (rename, search, export path) right now.
fn field_active(state: &AppState) -> bool {
    matches!(state.dialog, Some(Dialog::ExportPath { .. }))
        || (state.dialog.is_none()
            && matches!(
                state.sidebar_mode,
                SidebarMode::Rename { .. } | SidebarMode::Search { .. }
            ))
}

pub fn to_msg(state: &AppState, event: &Event) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => key_to_msg(state, *key),
        Event::Paste(text) if field_active(state) => {
            Some(Msg::EditField(FieldEdit::Paste(text.clone())))
        }
        Event::Paste(text) => Some(Msg::Paste(text.clone())),
        Event::Resize(width, height) => Some(Msg::Resize {
            width: *width,
            height: *height,
        }),
        Event::Mouse(mouse) => match mouse.kind {
            MouseEventKind::ScrollUp => Some(Msg::Scroll(ScrollCmd::Up(WHEEL_ROWS))),
            MouseEventKind::ScrollDown => Some(Msg::Scroll(ScrollCmd::Down(WHEEL_ROWS))),
            _ => None,
        },
        _ => None,
    }
}

fn key_to_msg(state: &AppState, key: KeyEvent) -> Option<Msg> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let shift = key.modifiers.contains(KeyModifiers::SHIFT);
    // Keys that mean the same everywhere.
    match key.code {
        KeyCode::Char('q') if ctrl => return Some(Msg::Quit),
        KeyCode::Char('c') if ctrl => return Some(Msg::Interrupt),
        _ => {}
    }
    if let Some(dialog) = &state.dialog {
        return match dialog {
            Dialog::ExportPath { .. } => field_key(key),
            Dialog::SystemPrompt { .. } => match key.code {
                KeyCode::Esc => Some(Msg::CancelField),
                KeyCode::Enter if shift || alt => Some(Msg::PromptNewline),
                KeyCode::Char('j') if ctrl => Some(Msg::PromptNewline),
                KeyCode::Enter => Some(Msg::SubmitField),
                _ => Some(Msg::PromptKey(key)),
            },
            Dialog::ConfirmOverwrite { .. } => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => Some(Msg::ConfirmOverwrite(true)),
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {
                    Some(Msg::ConfirmOverwrite(false))
                }
                _ => None,
            },
        };
    }
    if let Some(Overlay::Models { .. }) = state.overlay {
        return match key.code {
            KeyCode::Esc | KeyCode::Char('q') => Some(Msg::CloseOverlay),
            KeyCode::Up | KeyCode::Char('k') => Some(Msg::MovePicker(Step::Up)),
            KeyCode::Down | KeyCode::Char('j') => Some(Msg::MovePicker(Step::Down)),
            KeyCode::Home | KeyCode::Char('g') => Some(Msg::MovePicker(Step::First)),
            KeyCode::End | KeyCode::Char('G') => Some(Msg::MovePicker(Step::Last)),
            KeyCode::Enter => Some(Msg::PickModel),
            _ => None,
        };
    }
    if state.overlay.is_some() {
        return match key.code {
            KeyCode::Esc | KeyCode::F(1) | KeyCode::Char('?') | KeyCode::Char('q') => {
                Some(Msg::CloseOverlay)
            }
            KeyCode::Up | KeyCode::Char('k') => Some(Msg::Scroll(ScrollCmd::Up(1))),
            KeyCode::Down | KeyCode::Char('j') => Some(Msg::Scroll(ScrollCmd::Down(1))),
            _ => None,
        };
    }
    match &state.sidebar_mode {
        SidebarMode::List => {}
        SidebarMode::Rename { .. } => return field_key(key),
        SidebarMode::ConfirmDelete { .. } => {
            return match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => Some(Msg::ConfirmDelete(true)),
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {
                    Some(Msg::ConfirmDelete(false))
                }
                _ => None,
            };
        }
        SidebarMode::Search { .. } => {
            return match key.code {
                KeyCode::Up => Some(Msg::SelectConversation(Step::Up)),
                KeyCode::Down => Some(Msg::SelectConversation(Step::Down)),
                _ => field_key(key),
            };
        }
    }
    match key.code {
        KeyCode::Char('n') if ctrl => return Some(Msg::NewConversation),
        KeyCode::Char('f') if ctrl => return Some(Msg::StartSearch),
        KeyCode::Char('e') if ctrl => return Some(Msg::StartExport),
        KeyCode::Char('y') if ctrl => return Some(Msg::CopyLastReply),
        KeyCode::Char('g') if ctrl => return Some(Msg::ContinueReply),
        KeyCode::Char('r') if ctrl => return Some(Msg::Regenerate),
        KeyCode::Char('o') if ctrl => return Some(Msg::OpenModelPicker),
        KeyCode::Char('t') if ctrl => return Some(Msg::ToggleThinking),
        KeyCode::F(2) => return Some(Msg::StartRename),
        KeyCode::F(3) => return Some(Msg::EditSystemPrompt),
        KeyCode::Char('b') if ctrl => return Some(Msg::ToggleSidebar),
        KeyCode::F(1) => return Some(Msg::ToggleHelp),
        KeyCode::Tab => return Some(Msg::FocusNext),
        KeyCode::BackTab => return Some(Msg::FocusPrev),
        KeyCode::PageUp => return Some(Msg::Scroll(ScrollCmd::PageUp)),
        KeyCode::PageDown => return Some(Msg::Scroll(ScrollCmd::PageDown)),
        KeyCode::Esc => {
            return if state.active_conversation().phase.is_live() {
                Some(Msg::Stop)
            } else if state.focus != Focus::Input {
                Some(Msg::SetFocus(Focus::Input))
            } else {
                None
            };
        }
        _ => {}
    }
    match state.focus {
        Focus::Input => match key.code {
            KeyCode::Enter if shift || alt => Some(Msg::InsertNewline),
            KeyCode::Enter => Some(Msg::Submit),
            KeyCode::Char('j') if ctrl => Some(Msg::InsertNewline),
            _ => Some(Msg::InputKey(key)),
        },
        Focus::Sidebar => match key.code {
            KeyCode::Up | KeyCode::Char('k') => Some(Msg::SelectConversation(Step::Up)),
            KeyCode::Down | KeyCode::Char('j') => Some(Msg::SelectConversation(Step::Down)),
            KeyCode::Home | KeyCode::Char('g') => Some(Msg::SelectConversation(Step::First)),
            KeyCode::End | KeyCode::Char('G') => Some(Msg::SelectConversation(Step::Last)),
            KeyCode::Enter => Some(Msg::OpenSelectedConversation),
            KeyCode::Char('?') => Some(Msg::ToggleHelp),
            KeyCode::Char('/') => Some(Msg::StartSearch),
            KeyCode::Char('r') => Some(Msg::StartRename),
            KeyCode::Char('d') | KeyCode::Delete => Some(Msg::StartDelete),
            KeyCode::Char('e') => Some(Msg::StartExport),
            _ => typed_elsewhere(key),
        },
        Focus::Scrollback => match key.code {
            KeyCode::Up | KeyCode::Char('k') => Some(Msg::FocusMessage(Step::Up)),
            KeyCode::Down | KeyCode::Char('j') => Some(Msg::FocusMessage(Step::Down)),
            KeyCode::Home | KeyCode::Char('g') => Some(Msg::Scroll(ScrollCmd::Top)),
            KeyCode::End | KeyCode::Char('G') => Some(Msg::Scroll(ScrollCmd::Bottom)),
            KeyCode::Char('?') => Some(Msg::ToggleHelp),
            KeyCode::Enter => Some(Msg::ToggleReasoning),
            KeyCode::Char('y') => Some(Msg::CopyMessage),
            KeyCode::Char(c @ '1'..='9') => Some(Msg::CopyCodeBlock(c as usize - '0' as usize)),
            _ => typed_elsewhere(key),
        },
    }
}

/// Keys while typing in a one-line field.
fn field_key(key: KeyEvent) -> Option<Msg> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Enter => Some(Msg::SubmitField),
        KeyCode::Esc => Some(Msg::CancelField),
        KeyCode::Backspace => Some(Msg::EditField(FieldEdit::Backspace)),
        KeyCode::Char('u') if ctrl => Some(Msg::EditField(FieldEdit::Clear)),
        KeyCode::Char(c) if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) => {
            Some(Msg::EditField(FieldEdit::Insert(c)))
        }
        _ => None,
    }
}

/// A plain character typed while another pane has focus goes to the input box, so typing
/// never silently does nothing.
fn typed_elsewhere(key: KeyEvent) -> Option<Msg> {
    let plain = !key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match key.code {
        KeyCode::Char(_) if plain => Some(Msg::InputKey(key)),
        _ => None,
    }
}
