//! The conversation list. Draws only the rows in view, so its cost does not grow with the
//! number of conversations.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

use super::theme;
use crate::msg::Focus;
use crate::render::text::truncate;
use crate::render::transcript::spinner;
use crate::state::AppState;

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let focused = state.focus == Focus::Sidebar;
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(Span::styled(" Chats ", theme::title()))
        .title_bottom(Line::styled(" Ctrl+N new ", theme::header_meta()))
        .border_style(if focused {
            theme::border_focused()
        } else {
            theme::border()
        });
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = inner.height as usize;
    if rows == 0 {
        return;
    }
    let offset = state.sidebar_selected.saturating_sub(rows - 1);
    let title_cells = (inner.width as usize).saturating_sub(2);
    let lines: Vec<Line> = state
        .order
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .filter_map(|(row, id)| {
            let conv = state.conversations.get(id)?;
            let marker = if conv.phase.is_live() {
                Span::styled(format!("{} ", spinner(state.now)), theme::sidebar_live())
            } else if *id == state.active {
                Span::styled("▌ ", theme::sidebar_active())
            } else {
                Span::raw("  ")
            };
            let mut title_style = if *id == state.active {
                theme::sidebar_active()
            } else {
                theme::sidebar_item()
            };
            let mut line_style = ratatui::style::Style::default();
            if focused && row == state.sidebar_selected {
                title_style = title_style.patch(theme::sidebar_selected());
                line_style = theme::sidebar_selected();
            }
            let title = truncate(conv.display_title(), title_cells);
            let pad = title_cells.saturating_sub(crate::render::text::display_width(&title));
            Some(
                Line::from(vec![
                    marker,
                    Span::styled(title, title_style),
                    Span::raw(" ".repeat(pad)),
                ])
                .style(line_style),
            )
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
