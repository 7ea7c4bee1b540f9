//! Terminal events -> Msg, by focus and mode. Pure. Keys resolve through the one key table
//! (`bindings/table.rs`): the contexts in force are stacked here (a dialog's own keys first, then, while
//! a reply streams, stopping, then the focused pane, then the global keys) and the first
//! binding that matches wins. Every mode decision is made here, so the reducer never looks at
//! raw keys (except the ones it hands to a text area).

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use crate::bindings::table::Context;
use crate::bindings::{Resolved, hints_for};
use crate::chord::{KeyPress, display_chord};
use crate::layout::panes::{self, Spot};
use crate::msg::{
    ComposerIntent, FieldEdit, FieldIntent, Focus, Intent, Msg, NavIntent, PaletteIntent,
    ScrollCmd, SidebarIntent, Step, TranscriptIntent,
};
use crate::state::{AppState, Dialog, Overlay, SidebarMode};

/// Rows one wheel notch scrolls.
const WHEEL_ROWS: usize = 3;

/// Whether typed keys go to a one-line field (rename, search, export path) right now.
fn field_active(state: &AppState) -> bool {
    matches!(
        state.dialog,
        Some(Dialog::ExportPath { .. } | Dialog::Welcome(_))
    ) || (state.dialog.is_none()
        && matches!(
            state.sidebar_mode,
            SidebarMode::Rename { .. } | SidebarMode::Search { .. }
        ))
}

/// The contexts in force, first match first.
pub fn contexts(state: &AppState) -> Vec<Context> {
    let live = state.active_conversation().phase.is_live();
    let streaming = live.then_some(Context::Streaming);
    let modal: Option<&[Context]> = if let Some(dialog) = &state.dialog {
        Some(match dialog {
            Dialog::ExportPath { .. } => &[Context::Field],
            Dialog::SystemPrompt { .. } => &[Context::PromptEditor],
            Dialog::ConfirmOverwrite { .. } => &[Context::ConfirmOverwrite],
            Dialog::ConfirmQuit => &[Context::ConfirmQuit],
            Dialog::DeleteMessage { .. } => &[Context::ConfirmPrune],
            Dialog::DeleteFiles { .. } => &[Context::ConfirmFiles],
            Dialog::ImagesNeedModel { .. } => &[Context::ImagesModel],
            Dialog::AttachDropped { .. } => &[Context::AttachDropped],
            Dialog::Welcome(_) => &[Context::Field],
        })
    } else if let Some(overlay) = state.overlay {
        Some(match overlay {
            Overlay::Models { .. } => &[Context::Picker],
            Overlay::Files { .. } => &[Context::Files],
            Overlay::Pager => &[Context::Pager],
            Overlay::Help => &[Context::Help],
            Overlay::Palette => &[Context::Palette],
        })
    } else {
        match state.sidebar_mode {
            SidebarMode::List => None,
            SidebarMode::Rename { .. } => Some(&[Context::Field]),
            SidebarMode::Search { .. } => Some(&[Context::Search, Context::Field]),
            SidebarMode::ConfirmDelete { .. } => Some(&[Context::ConfirmDelete]),
        }
    };
    let mut stack = Vec::with_capacity(5);
    match modal {
        Some(own) => {
            stack.extend_from_slice(own);
            stack.extend(streaming);
        }
        None => {
            // Esc while editing cancels the edit before it would stop a reply.
            if state.editing.is_some() && state.focus == Focus::Input {
                stack.push(Context::Editing);
            }
            stack.extend(streaming);
            stack.push(match state.focus {
                Focus::Input => Context::Input,
                Focus::Sidebar => Context::Sidebar,
                Focus::Scrollback => Context::Scrollback,
            });
            stack.push(Context::Global);
        }
    }
    stack.push(Context::Anywhere);
    stack
}

pub fn to_msg(state: &AppState, event: &Event) -> Option<Msg> {
    let intent = match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => key_intent(state, *key)?,
        Event::Paste(text) if state.overlay == Some(Overlay::Palette) => {
            Intent::Palette(PaletteIntent::Edit(FieldEdit::Paste(text.clone())))
        }
        Event::Paste(text) if field_active(state) => {
            Intent::Field(FieldIntent::Edit(FieldEdit::Paste(text.clone())))
        }
        Event::Paste(text) if matches!(state.dialog, Some(Dialog::SystemPrompt { .. })) => {
            Intent::Field(FieldIntent::PromptPaste(text.clone()))
        }
        Event::Paste(text) => Intent::Composer(ComposerIntent::Paste(text.clone())),
        Event::Resize(width, height) => {
            return Some(Msg::Resize {
                width: *width,
                height: *height,
            });
        }
        Event::Mouse(mouse) => mouse_intent(state, mouse)?,
        _ => return None,
    };
    Some(Msg::Intent(intent))
}

/// The wheel scrolls what is under the pointer; a click opens the conversation or outlines
/// the message under it. Overlays and dialogs take the wheel and ignore clicks.
fn mouse_intent(state: &AppState, mouse: &MouseEvent) -> Option<Intent> {
    let up = match mouse.kind {
        MouseEventKind::ScrollUp => Some(true),
        MouseEventKind::ScrollDown => Some(false),
        _ => None,
    };
    let step = |up: bool| if up { Step::Up } else { Step::Down };
    let cmd = |up: bool| {
        if up {
            ScrollCmd::Up(WHEEL_ROWS)
        } else {
            ScrollCmd::Down(WHEEL_ROWS)
        }
    };
    match (state.overlay, up) {
        (Some(Overlay::Help), Some(up)) => {
            return Some(Intent::Nav(NavIntent::ScrollHelp(cmd(up))));
        }
        (Some(Overlay::Palette), Some(up)) => {
            return Some(Intent::Palette(PaletteIntent::Move(step(up))));
        }
        (Some(Overlay::Models { .. }), Some(up)) => {
            return Some(Intent::Picker(crate::msg::PickerIntent::Move(step(up))));
        }
        (Some(Overlay::Pager), Some(up)) => {
            return Some(Intent::Nav(NavIntent::ScrollPager(cmd(up))));
        }
        (Some(Overlay::Files { .. }), Some(up)) => {
            return Some(Intent::Files(crate::msg::FilesIntent::Move(step(up))));
        }
        (Some(_), None) => return None,
        (None, _) => {}
    }
    if state.dialog.is_some() {
        return None;
    }
    let spot = panes::spot(state, mouse.column, mouse.row);
    let list = matches!(state.sidebar_mode, SidebarMode::List);
    match (spot, up) {
        (Spot::Conversation(_) | Spot::Sidebar, Some(up)) if list => {
            Some(Intent::Sidebar(SidebarIntent::Select(step(up))))
        }
        (_, Some(up)) => Some(Intent::Nav(NavIntent::Scroll(cmd(up)))),
        (Spot::Conversation(index), None)
            if list && matches!(mouse.kind, MouseEventKind::Down(MouseButton::Left)) =>
        {
            Some(Intent::Sidebar(SidebarIntent::Click(index)))
        }
        (Spot::Transcript(row), None)
            if matches!(mouse.kind, MouseEventKind::Down(MouseButton::Left)) =>
        {
            let area = panes::areas(state).transcript;
            let conv = state.active_conversation();
            let index = crate::layout::transcript::item_at(
                conv,
                area.width,
                usize::from(area.height),
                state.now,
                &state.theme,
                row,
            )?;
            (index < conv.messages.len())
                .then_some(Intent::Transcript(TranscriptIntent::Click(index)))
        }
        _ => None,
    }
}

fn key_intent(state: &AppState, key: KeyEvent) -> Option<Intent> {
    let press = KeyPress::from_event(&key);
    let mut pressed = state.pending_keys.clone();
    pressed.push(press);
    let stack = contexts(state);
    match state.keys.resolve(&stack, &pressed) {
        Resolved::Intent(intent) => Some(intent),
        Resolved::Prefix => Some(Intent::Nav(NavIntent::KeyPrefix(pressed))),
        // Esc gives up a chord that was started, quietly.
        Resolved::Unbound if pressed.len() > 1 && key.code == KeyCode::Esc => {
            Some(Intent::Nav(NavIntent::KeyPrefix(Vec::new())))
        }
        Resolved::Unbound if pressed.len() > 1 => {
            Some(Intent::Nav(NavIntent::Unbound(display_chord(&pressed))))
        }
        // Text goes where it is typed: the dialog's or pane's own context, not the layers
        // stacked above it (typing goes on while a reply streams, or while editing).
        Resolved::Unbound => stack
            .iter()
            .find(|&&c| !matches!(c, Context::Streaming | Context::Editing))
            .and_then(|&context| unbound_key(context, key)),
    }
}

/// What a key no binding names does: text goes where text is typed.
fn unbound_key(context: Context, key: KeyEvent) -> Option<Intent> {
    let plain = !key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match context {
        // Esc with nothing to stop or close does nothing (the text area would not either).
        Context::Input if key.code == KeyCode::Esc => None,
        Context::Input => Some(Intent::Composer(ComposerIntent::Key(key))),
        Context::PromptEditor => Some(Intent::Field(FieldIntent::PromptKey(key))),
        Context::Palette => match key.code {
            KeyCode::Char(c) if plain => {
                Some(Intent::Palette(PaletteIntent::Edit(FieldEdit::Insert(c))))
            }
            _ => None,
        },
        Context::Field | Context::Search => match key.code {
            KeyCode::Char(c) if plain => {
                Some(Intent::Field(FieldIntent::Edit(FieldEdit::Insert(c))))
            }
            _ => None,
        },
        // A plain character typed while another pane has focus goes to the input box, so
        // typing never silently does nothing.
        Context::Sidebar | Context::Scrollback => match key.code {
            KeyCode::Char(_) if plain => Some(Intent::Composer(ComposerIntent::Key(key))),
            _ => None,
        },
        Context::Anywhere
        | Context::Streaming
        | Context::Global
        | Context::Help
        | Context::Picker
        | Context::ConfirmDelete
        | Context::ConfirmOverwrite
        | Context::ConfirmQuit
        | Context::ConfirmPrune
        | Context::Files
        | Context::ConfirmFiles
        | Context::ImagesModel
        | Context::AttachDropped
        | Context::Pager
        | Context::Editing => None,
    }
}

/// Status-bar hints for what is in force now (stopping is said by the activity text).
pub fn hints(state: &AppState) -> Vec<String> {
    let stack: Vec<Context> = contexts(state)
        .into_iter()
        .filter(|&c| c != Context::Streaming && c != Context::Pager)
        .collect();
    let mut hints = if state.overlay == Some(Overlay::Pager) {
        pager_hints(state)
    } else {
        Vec::new()
    };
    hints.extend(hints_for(&state.keys, &stack));
    hints
}

/// The pager's keys that do something on the page shown: no scrolling on an image, no next
/// page on the last.
pub fn pager_hints(state: &AppState) -> Vec<String> {
    let (table, pager) = (&state.keys, &state.pager);
    let image = pager.image().is_some();
    [
        Some(("close", "close")),
        (!image).then_some(("page_down", "page")),
        (pager.page > 0).then_some(("previous_attachment", "back")),
        (pager.page + 1 < pager.pages()).then_some(("next_attachment", "next")),
    ]
    .into_iter()
    .flatten()
    .filter_map(|(name, word)| crate::bindings::hint_of(table, Context::Pager, name, word))
    .collect()
}
