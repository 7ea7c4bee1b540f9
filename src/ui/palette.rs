//! The command palette over everything: the query, then the matching entries with their keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::layout::palette::{Entry, matches};
use crate::state::AppState;
use crate::text::plain::{display_width, sanitize, truncate};

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let width = area.width.saturating_sub(4).min(80);
    let height = area.height.saturating_sub(4).min(20);
    let popup = super::centered(area, width, height);
    let inner_width = usize::from(width.saturating_sub(2));
    let rows = usize::from(height.saturating_sub(3));
    let entries = matches(state, &state.palette.query);
    let selected = state.palette.selected.min(entries.len().saturating_sub(1));
    let offset = selected.saturating_sub(rows.saturating_sub(1));
    let mut lines = vec![Line::from(vec![
        Span::styled("> ", theme.accent),
        Span::styled(sanitize(&state.palette.query), theme.field),
        Span::styled(" ", theme.cursor),
    ])];
    if entries.is_empty() {
        lines.push(Line::styled("Nothing matches.", theme.header_meta));
    }
    for (i, entry) in entries.iter().enumerate().skip(offset).take(rows) {
        let keys = match entry {
            Entry::Action { keys, .. } => keys.clone(),
            _ => String::new(),
        };
        let room = inner_width.saturating_sub(display_width(&keys) + 3);
        let text = truncate(&entry.text(), room);
        let pad = inner_width.saturating_sub(display_width(&text) + display_width(&keys) + 2);
        let style = if i == selected {
            theme.sidebar_selected
        } else {
            theme.text
        };
        lines.push(
            Line::from(vec![
                Span::raw(" "),
                Span::styled(text, style),
                Span::raw(" ".repeat(pad)),
                Span::styled(keys, theme.help_key),
                Span::raw(" "),
            ])
            .style(style),
        );
    }
    let title = if state.palette.history {
        " Prompts sent before "
    } else {
        " Commands "
    };
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(super::pane(true, theme).title(Span::styled(title, theme.title))),
        popup,
    );
}
