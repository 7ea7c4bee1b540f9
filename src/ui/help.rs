//! The help overlay: every key, from one table that the README mirrors.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use super::theme;

/// (keys, what they do). Section headings have empty keys.
pub const KEYS: &[(&str, &str)] = &[
    ("", "Anywhere"),
    ("Enter", "send the message (in the input box)"),
    ("Shift+Enter Alt+Enter Ctrl+J", "new line in the input box"),
    ("Esc", "stop the reply that is streaming; close this help"),
    ("Ctrl+C", "stop the reply if one streams, else quit"),
    ("Ctrl+Q", "quit"),
    ("Ctrl+N", "new conversation"),
    ("Ctrl+B", "hide or show the sidebar"),
    ("Tab Shift+Tab", "move focus: sidebar, scrollback, input"),
    ("PgUp PgDn", "scroll the conversation"),
    ("Mouse wheel", "scroll the conversation"),
    ("F1", "this help (? too, outside the input box)"),
    ("", "Sidebar"),
    ("↑ ↓ k j", "select a conversation"),
    ("Home End", "first or last conversation"),
    ("Enter", "open the selected conversation"),
    ("", "Scrollback"),
    ("↑ ↓ k j", "scroll a line"),
    ("Home End g G", "top, or back to following the end"),
];

pub fn render(frame: &mut Frame, area: Rect) {
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
    let width = (area.width.saturating_sub(4)).min(78);
    let height = (lines.len() as u16 + 2).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .border_type(BorderType::Rounded)
                .border_style(theme::border_focused())
                .title(Span::styled(" Keys ", theme::title()))
                .title_bottom(Line::styled(" Esc closes ", theme::header_meta())),
        ),
        popup,
    );
}
