//! The help overlay: every key, from one table that the README mirrors.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::theme;
use crate::state::AppState;

/// (keys, what they do). Section headings have empty keys.
pub const KEYS: &[(&str, &str)] = &[
    ("", "Anywhere"),
    ("Enter", "send (in the input box)"),
    ("S-Enter A-Enter C-j", "new line in the input box"),
    ("Esc", "stop the streaming reply; close"),
    ("Ctrl+C", "stop the reply, or quit when idle"),
    ("Ctrl+Q", "quit"),
    ("Ctrl+N", "new conversation"),
    ("Ctrl+B", "hide or show the sidebar"),
    ("Ctrl+F", "search all conversations"),
    ("Ctrl+E", "export as Markdown and JSON"),
    ("Ctrl+Y", "copy the last reply"),
    ("Ctrl+G", "continue a reply that was cut off"),
    ("Ctrl+R", "ask the last question again"),
    ("Ctrl+O", "model for this conversation; balance"),
    ("Ctrl+T", "thinking on/off, or the effort (k3)"),
    ("F2", "rename this conversation"),
    ("F3", "view or edit its system prompt"),
    ("Tab Shift+Tab", "focus sidebar, scrollback, input"),
    ("PgUp PgDn wheel", "scroll the conversation"),
    ("F1", "this help (? outside the input)"),
    ("", "Sidebar"),
    ("↑ ↓ k j Home End", "select a conversation"),
    ("Enter", "open it"),
    ("/", "search; Enter opens at the match"),
    ("r  d  e", "rename, delete (asks), export"),
    ("", "Scrollback"),
    ("↑ ↓ k j", "move between messages"),
    ("Enter", "fold or unfold the reasoning"),
    ("y  1-9", "copy the message; code block N"),
    ("Home End g G", "top; back to following the end"),
];

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let key_width = KEYS
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let lines: Vec<Line> = KEYS
        .iter()
        .map(|(keys, what)| {
            if keys.is_empty() {
                Line::styled(format!(" {what}"), theme::title())
            } else {
                Line::from(vec![
                    Span::styled(format!("   {keys:<key_width$}  "), theme::help_key()),
                    Span::styled(*what, theme::help_text()),
                ])
            }
        })
        .collect();
    let mut lines = lines;
    if !state.data_path.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled(
            format!(
                " Conversations are saved in {}",
                crate::render::text::sanitize(&state.data_path)
            ),
            theme::header_meta(),
        ));
    }
    let width = (area.width.saturating_sub(4)).min(78);
    let height = (lines.len() as u16 + 2).min(area.height);
    // Taller than the screen: ↑ ↓ scroll it.
    let max_scroll = (lines.len() as u16 + 2).saturating_sub(height);
    let scroll = state.help_scroll.min(max_scroll);
    let popup = super::centered(area, width, height);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll, 0)).block(
            super::pane(true)
                .title(Span::styled(" Keys ", theme::title()))
                .title_bottom(Line::styled(" Esc closes ", theme::header_meta())),
        ),
        popup,
    );
}
