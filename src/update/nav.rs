//! Moving around: conversations, focus, the sidebar, scrolling, overlays, resizes.

use crate::effect::Effect;
use crate::ids::Millis;
use crate::layout::panes;
use crate::layout::transcript;
use crate::msg::{Focus, NavIntent, ScrollCmd};
use crate::num;
use crate::state::saved::meta_of;
use crate::state::{AppState, Overlay, Scroll};

pub fn update(state: &mut AppState, intent: NavIntent, now: Millis) -> Vec<Effect> {
    match intent {
        NavIntent::NewConversation => return new_conversation(state, now),
        NavIntent::ToggleSidebar => {
            state.sidebar_visible = !state.sidebar_visible;
            if !state.sidebar_visible && state.focus == Focus::Sidebar {
                state.focus = Focus::Input;
            }
        }
        NavIntent::FocusNext => {
            state.focus = cycle(state, 1);
            outline_last(state);
        }
        NavIntent::FocusPrev => {
            state.focus = cycle(state, -1);
            outline_last(state);
        }
        NavIntent::SetFocus(focus) => {
            if focus == Focus::Sidebar && !panes::sidebar_shown(state) {
                state.sidebar_visible = true;
            }
            state.focus = focus;
            if focus == Focus::Sidebar {
                state.conversations.select_active();
            }
            if focus == Focus::Scrollback {
                outline_last(state);
            }
        }
        NavIntent::Scroll(cmd) => scroll(state, cmd),
        NavIntent::ScrollHelp(cmd) => {
            let last = num::cells(crate::layout::help::line_count(state));
            state.help_scroll = match cmd {
                ScrollCmd::Up(n) => state.help_scroll.saturating_sub(num::cells(n)),
                ScrollCmd::Down(n) => state.help_scroll.saturating_add(num::cells(n)).min(last),
                ScrollCmd::PageUp => state.help_scroll.saturating_sub(10),
                ScrollCmd::PageDown => state.help_scroll.saturating_add(10).min(last),
                ScrollCmd::Top => 0,
                ScrollCmd::Bottom => last,
            };
        }
        NavIntent::ScrollPager(cmd) => {
            // The last page fills the pager (its box is the screen less two rows, and
            // borders).
            let rows = usize::from(state.height.saturating_sub(4)).max(1);
            let pager = &mut state.pager;
            let last = pager.lines.saturating_sub(rows);
            pager.scroll = match cmd {
                ScrollCmd::Up(n) => pager.scroll.saturating_sub(n),
                ScrollCmd::Down(n) => pager.scroll.saturating_add(n).min(last),
                ScrollCmd::PageUp => pager.scroll.saturating_sub(20),
                ScrollCmd::PageDown => pager.scroll.saturating_add(20).min(last),
                ScrollCmd::Top => 0,
                ScrollCmd::Bottom => last,
            };
        }
        NavIntent::PagerPage(forward) => return super::pictures::turn(state, forward),
        NavIntent::ToggleHelp => {
            state.overlay = match state.overlay {
                Some(Overlay::Help) => None,
                _ => Some(Overlay::Help),
            }
        }
        NavIntent::CloseOverlay => {
            state.overlay = None;
            state.help_scroll = 0;
            state.pager = crate::state::Pager::default();
        }
        NavIntent::KeyPrefix(keys) => state.pending_keys = keys,
        NavIntent::Unbound(keys) => state.flash = Some(format!("{keys} is not bound to anything.")),
    }
    Vec::new()
}

/// The terminal changed size. A view anchored inside a message re-wraps, so it restarts at
/// the message's top.
pub fn resize(state: &mut AppState, width: u16, height: u16) {
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

fn new_conversation(state: &mut AppState, now: Millis) -> Vec<Effect> {
    state.focus = Focus::Input;
    state.overlay = None;
    // A blank new chat of this run is reused rather than piling up empty ones; a saved
    // conversation never is, even before its messages are read.
    let empty = state
        .conversations
        .iter()
        .find(|c| c.is_blank())
        .map(|c| c.id);
    let mut conv = match empty.and_then(|id| state.conversations.get(id)) {
        Some(blank) => blank.clone(),
        None => state.fresh_conversation(now),
    };
    conv.notice = None;
    let id = conv.id;
    state.conversations.push_top(conv);
    let mut effects = Vec::new();
    if let Some(left) = state.switch_to(id)
        && let Some(conv) = state.conversations.get_mut(left)
    {
        // The draft of the conversation left is saved, so a restart brings it back.
        conv.saved = true;
        effects.push(Effect::SaveConversation(meta_of(conv)));
    }
    state.conversations.select(0);
    effects
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

fn cycle(state: &AppState, dir: isize) -> Focus {
    let mut ring = Vec::with_capacity(3);
    if panes::sidebar_shown(state) {
        ring.push(Focus::Sidebar);
    }
    ring.push(Focus::Scrollback);
    ring.push(Focus::Input);
    let here = ring.iter().position(|&f| f == state.focus).unwrap_or(0);
    let next = if dir < 0 {
        here.checked_sub(1).unwrap_or(ring.len() - 1)
    } else {
        (here + 1) % ring.len()
    };
    ring[next]
}

fn scroll(state: &mut AppState, cmd: ScrollCmd) {
    let area = panes::areas(state).transcript;
    let (width, height, now) = (area.width, area.height as usize, state.now);
    let page = num::signed(height.saturating_sub(2).max(1));
    let conv = state.active_conversation();
    let next = match cmd {
        ScrollCmd::Up(n) => {
            transcript::scrolled(conv, -num::signed(n), width, height, now, &state.theme)
        }
        ScrollCmd::Down(n) => {
            transcript::scrolled(conv, num::signed(n), width, height, now, &state.theme)
        }
        ScrollCmd::PageUp => transcript::scrolled(conv, -page, width, height, now, &state.theme),
        ScrollCmd::PageDown => transcript::scrolled(conv, page, width, height, now, &state.theme),
        ScrollCmd::Top => {
            let top = Scroll::Anchored { item: 0, row: 0 };
            if transcript::resolve_top(conv, top, width, height, now, &state.theme).1 {
                top
            } else {
                Scroll::Follow
            }
        }
        ScrollCmd::Bottom => Scroll::Follow,
    };
    state.active_conversation_mut().scroll = next;
}
