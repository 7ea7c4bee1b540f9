//! Terminal events -> Msg, by focus and mode. Pure: one meaning per key is decided here so
//! that `update` never looks at raw keys (except the ones it passes to the textarea).

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind};

use crate::msg::{Focus, Msg, ScrollCmd, Step};
use crate::state::AppState;

/// Rows one wheel notch scrolls.
const WHEEL_ROWS: usize = 3;

pub fn to_msg(state: &AppState, event: &Event) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => key_to_msg(state, *key),
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
    if state.overlay.is_some() {
        return match key.code {
            KeyCode::Esc | KeyCode::F(1) | KeyCode::Char('?') | KeyCode::Char('q') => {
                Some(Msg::CloseOverlay)
            }
            _ => None,
        };
    }
    match key.code {
        KeyCode::Char('n') if ctrl => return Some(Msg::NewConversation),
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
            _ => typed_elsewhere(key),
        },
        Focus::Scrollback => match key.code {
            KeyCode::Up | KeyCode::Char('k') => Some(Msg::Scroll(ScrollCmd::Up(1))),
            KeyCode::Down | KeyCode::Char('j') => Some(Msg::Scroll(ScrollCmd::Down(1))),
            KeyCode::Home | KeyCode::Char('g') => Some(Msg::Scroll(ScrollCmd::Top)),
            KeyCode::End | KeyCode::Char('G') => Some(Msg::Scroll(ScrollCmd::Bottom)),
            KeyCode::Char('?') => Some(Msg::ToggleHelp),
            KeyCode::Enter => Some(Msg::SetFocus(Focus::Input)),
            _ => typed_elsewhere(key),
        },
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
