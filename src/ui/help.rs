//! The help overlay: every key, from the key table (bindings/table.rs), as the README is.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::layout::help::{lines, popup_width};
use crate::state::AppState;

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let width = popup_width(area.width);
    let lines = lines(state, width);
    let height = crate::num::cells(lines.len())
        .saturating_add(2)
        .min(area.height);
    // Taller than the screen: ↑ ↓ scroll it.
    let max_scroll = crate::num::cells(lines.len())
        .saturating_add(2)
        .saturating_sub(height);
    let scroll = state.help_scroll.min(max_scroll);
    let popup = super::centered(area, width, height);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll, 0)).block(
            super::pane(true, &state.theme)
                .title(Span::styled(" Keys ", theme.title))
                .title_bottom(Line::styled(" Esc closes ", theme.header_meta)),
        ),
        popup,
    );
}
