//! Views: `render(&AppState, &mut Frame)`. They read the state and draw; they never change
//! it (the wrap cache behind a RefCell only memoizes) and never do IO.

pub mod dialog;
pub mod files;
pub mod help;
pub mod input;
pub mod pager;
pub mod palette;
pub mod picker;
pub mod scrollback;
pub mod sidebar;
pub mod status;

use crate::layout::panes as layout;
use crate::theme::Theme;

use ratatui::Frame;
use ratatui::widgets::{Block, BorderType};

use crate::state::{AppState, Overlay};

/// A pane's rounded border, in the accent colour when the pane has focus.
pub fn pane(focused: bool, theme: &Theme) -> Block<'static> {
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(if focused {
            theme.border_focused
        } else {
            theme.border
        })
}

/// A box of `width` x `height` cells (at most the area) in the middle of `area`.
pub fn centered(area: ratatui::layout::Rect, width: u16, height: u16) -> ratatui::layout::Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    ratatui::layout::Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

pub fn render(state: &AppState, frame: &mut Frame) {
    let areas = layout::areas(state);
    // The pager covers the panes but for a margin: they are not drawn under it (a key there
    // costs only what the pager shows).
    if state.overlay != Some(Overlay::Pager) {
        if let Some(area) = areas.sidebar {
            sidebar::render(state, frame, area);
        }
        scrollback::render(state, frame, areas.scrollback, areas.transcript);
        input::render(state, frame, areas.input);
    }
    status::render(state, frame, areas.status);
    match state.overlay {
        Some(Overlay::Help) => help::render(state, frame, frame.area()),
        Some(Overlay::Palette) => palette::render(state, frame, frame.area()),
        Some(Overlay::Models {
            selected,
            regenerate,
        }) => picker::render(state, selected, regenerate.is_some(), frame, frame.area()),
        Some(Overlay::Files { selected }) => files::render(state, selected, frame, frame.area()),
        Some(Overlay::Pager) => pager::render(state, frame, frame.area()),
        None => {}
    }
    if let Some(dialog) = &state.dialog {
        dialog::render(state, dialog, frame, frame.area());
    }
}
