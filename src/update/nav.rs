//! Moving around: conversations, focus, the sidebar, scrolling, overlays, resizes.

use crate::effect::Effect;
use crate::msg::{ConversationId, Focus, Millis, Msg, ScrollCmd, Step};
use crate::render::transcript;
use crate::state::{AppState, Overlay, Scroll};
use crate::ui::layout;

pub fn update(state: &mut AppState, msg: Msg, now: Millis) -> Vec<Effect> {
    match msg {
        Msg::NewConversation => new_conversation(state, now),
        Msg::ToggleSidebar => {
            state.sidebar_visible = !state.sidebar_visible;
            if !state.sidebar_visible && state.focus == Focus::Sidebar {
                state.focus = Focus::Input;
            }
        }
        Msg::FocusNext => {
            state.focus = cycle(state, 1);
            outline_last(state);
        }
        Msg::FocusPrev => {
            state.focus = cycle(state, -1);
            outline_last(state);
        }
        Msg::SetFocus(focus) => {
            if focus == Focus::Sidebar && !layout::sidebar_shown(state) {
                state.sidebar_visible = true;
            }
            state.focus = focus;
            if focus == Focus::Sidebar {
                state.sidebar_selected = active_row(state);
            }
            if focus == Focus::Scrollback {
                outline_last(state);
            }
        }
        Msg::SelectConversation(step) => select(state, step),
        Msg::OpenSelectedConversation => {
            if let Some(&id) = state.order.get(state.sidebar_selected) {
                state.focus = Focus::Input;
                return open(state, id);
            }
        }
        Msg::Scroll(cmd) if state.overlay.is_some() => {
            state.help_scroll = match cmd {
                ScrollCmd::Up(n) => state.help_scroll.saturating_sub(n as u16),
                ScrollCmd::Down(n) => state
                    .help_scroll
                    .saturating_add(n as u16)
                    .min(crate::ui::help::KEYS.len() as u16 + 3),
                _ => state.help_scroll,
            };
        }
        Msg::Scroll(cmd) => scroll(state, cmd),
        Msg::ToggleHelp => {
            state.overlay = match state.overlay {
                Some(Overlay::Help) => None,
                _ => Some(Overlay::Help),
            }
        }
        Msg::CloseOverlay => {
            state.overlay = None;
            state.help_scroll = 0;
        }
        Msg::Resize { width, height } => {
            if width != state.width {
                for conv in state.conversations.values_mut() {
                    if let Scroll::Anchored { item, .. } = conv.scroll {
                        conv.scroll = Scroll::Anchored { item, row: 0 };
                    }
                }
            }
            state.width = width;
            state.height = height;
        }
        _ => {}
    }
    Vec::new()
}

fn new_conversation(state: &mut AppState, now: Millis) {
    state.focus = Focus::Input;
    state.overlay = None;
    // A blank new chat of this run is reused rather than piling up empty ones; a saved
    // conversation never is, even before its messages are read.
    let empty = state
        .order
        .iter()
        .copied()
        .find(|id| state.conversations.get(id).is_some_and(|c| c.is_blank()));
    let id = match empty {
        Some(id) => {
            state.order.retain(|&c| c != id);
            id
        }
        None => state.fresh_conversation(now),
    };
    if let Some(conv) = state.conversations.get_mut(&id) {
        conv.notice = None;
    }
    state.order.insert(0, id);
    state.active = id;
    state.sidebar_selected = 0;
}

/// Entering the scrollback with nothing outlined outlines the last message.
fn outline_last(state: &mut AppState) {
    if state.focus == Focus::Scrollback {
        let conv = state.active_conversation_mut();
        if conv.focus.is_none_or(|i| i >= conv.messages.len()) {
            conv.focus = conv.messages.len().checked_sub(1);
        }
    }
}

/// Shows conversation `id`, asking for its messages if they were not read yet.
pub fn open(state: &mut AppState, id: ConversationId) -> Vec<Effect> {
    let Some(conv) = state.conversations.get(&id) else {
        return Vec::new();
    };
    state.active = id;
    state.sidebar_selected = active_row(state);
    if conv.loaded {
        Vec::new()
    } else {
        vec![Effect::LoadConversation(id)]
    }
}

fn cycle(state: &AppState, dir: isize) -> Focus {
    let mut ring = Vec::with_capacity(3);
    if layout::sidebar_shown(state) {
        ring.push(Focus::Sidebar);
    }
    ring.push(Focus::Scrollback);
    ring.push(Focus::Input);
    let here = ring.iter().position(|&f| f == state.focus).unwrap_or(0) as isize;
    let len = ring.len() as isize;
    ring[((here + dir).rem_euclid(len)) as usize]
}

fn active_row(state: &AppState) -> usize {
    state
        .order
        .iter()
        .position(|&id| id == state.active)
        .unwrap_or(0)
}

fn select(state: &mut AppState, step: Step) {
    let last = state.order.len().saturating_sub(1);
    state.sidebar_selected = match step {
        Step::Up => state.sidebar_selected.saturating_sub(1),
        Step::Down => (state.sidebar_selected + 1).min(last),
        Step::First => 0,
        Step::Last => last,
    };
}

fn scroll(state: &mut AppState, cmd: ScrollCmd) {
    let area = layout::areas(state).transcript;
    let (width, height, now) = (area.width, area.height as usize, state.now);
    let page = height.saturating_sub(2).max(1) as isize;
    let conv = state.active_conversation();
    let next = match cmd {
        ScrollCmd::Up(n) => transcript::scrolled(conv, -(n as isize), width, height, now),
        ScrollCmd::Down(n) => transcript::scrolled(conv, n as isize, width, height, now),
        ScrollCmd::PageUp => transcript::scrolled(conv, -page, width, height, now),
        ScrollCmd::PageDown => transcript::scrolled(conv, page, width, height, now),
        ScrollCmd::Top => {
            let top = Scroll::Anchored { item: 0, row: 0 };
            if transcript::resolve_top(conv, top, width, height, now).1 {
                top
            } else {
                Scroll::Follow
            }
        }
        ScrollCmd::Bottom => Scroll::Follow,
    };
    state.active_conversation_mut().scroll = next;
}
