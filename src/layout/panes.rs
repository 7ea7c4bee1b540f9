//! Where each pane goes, as a pure function of the state. The reducer uses it too, to know
//! how tall a page of scrollback is.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::state::AppState;

pub const SIDEBAR_WIDTH: u16 = 30;
/// Below this terminal width the sidebar gives its room to the scrollback.
pub const SIDEBAR_MIN_TERMINAL_WIDTH: u16 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub sidebar: Option<Rect>,
    /// The scrollback pane with its border.
    pub scrollback: Rect,
    /// Inside the border: where transcript rows go.
    pub transcript: Rect,
    pub input: Rect,
    pub status: Rect,
}

/// The first conversation the sidebar list shows, `rows` high (the highlighted row stays in
/// view).
pub fn sidebar_offset(state: &AppState, rows: usize) -> usize {
    state
        .conversations
        .selected()
        .saturating_sub(rows.saturating_sub(1))
}

/// What is under the terminal cell (`column`, `row`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spot {
    /// The conversation at this index of the sidebar list.
    Conversation(usize),
    /// The sidebar, but no conversation.
    Sidebar,
    /// The transcript, this many rows below its top.
    Transcript(usize),
    Elsewhere,
}

pub fn spot(state: &AppState, column: u16, row: u16) -> Spot {
    let areas = areas(state);
    let inside = |r: Rect| column >= r.x && column < r.right() && row >= r.y && row < r.bottom();
    if let Some(side) = areas.sidebar.filter(|&r| inside(r)) {
        let list = Rect {
            x: side.x + 1,
            y: side.y + 1,
            width: side.width.saturating_sub(2),
            height: side.height.saturating_sub(2),
        };
        if !inside(list) {
            return Spot::Sidebar;
        }
        let rows = usize::from(list.height);
        let index = sidebar_offset(state, rows) + usize::from(row - list.y);
        return if index < state.conversations.len() {
            Spot::Conversation(index)
        } else {
            Spot::Sidebar
        };
    }
    if inside(areas.transcript) {
        return Spot::Transcript(usize::from(row - areas.transcript.y));
    }
    Spot::Elsewhere
}

pub fn sidebar_shown(state: &AppState) -> bool {
    state.sidebar_visible && state.width >= SIDEBAR_MIN_TERMINAL_WIDTH
}

pub fn areas(state: &AppState) -> Areas {
    let full = Rect::new(0, 0, state.width, state.height);
    let [body, status] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(full);
    let (sidebar, main) = if sidebar_shown(state) {
        let side_width = SIDEBAR_WIDTH.min(state.width / 4).max(16);
        let [side, main] =
            Layout::horizontal([Constraint::Length(side_width), Constraint::Min(1)]).areas(body);
        (Some(side), main)
    } else {
        (None, body)
    };
    let max_input = (body.height / 3).max(3);
    // Rows the input's text takes once wrapped (the box grows with it, up to a third).
    let text_width = (main.width.saturating_sub(2) as usize).max(1);
    let mut rows = 0usize;
    for line in state.input.lines() {
        rows += crate::text::plain::display_width(line)
            .div_ceil(text_width)
            .max(1);
        if rows >= max_input as usize {
            break;
        }
    }
    let input_height = crate::num::cells(rows)
        .saturating_add(2)
        .clamp(3, max_input);
    let [scrollback, input] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(input_height)]).areas(main);
    let transcript = Rect {
        x: scrollback.x + 1,
        y: scrollback.y + 1,
        width: scrollback.width.saturating_sub(2),
        height: scrollback.height.saturating_sub(2),
    };
    Areas {
        sidebar,
        scrollback,
        transcript,
        input,
        status,
    }
}

/// The pager's box on a screen of `area`: the screen less a margin, text pages at most 110
/// columns wide (for reading), image pages as wide as the screen allows.
pub fn pager_box(area: Rect, image: bool) -> Rect {
    let width = area.width.saturating_sub(4);
    let width = if image { width } else { width.min(110) };
    let height = area.height.saturating_sub(2);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// The cells (columns, rows) a picture may take in the pager on a `width`×`height` screen:
/// its box inside the borders.
pub fn picture_cells(width: u16, height: u16) -> (u16, u16) {
    let area = pager_box(Rect::new(0, 0, width, height), true);
    (area.width.saturating_sub(2), area.height.saturating_sub(2))
}
