//! Dialog boxes over everything: the export path, and "overwrite?".

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use super::theme;
use crate::render::text::sanitize;
use crate::state::Dialog;

pub fn render(dialog: &Dialog, frame: &mut Frame, area: Rect) {
    let (title, lines) = match dialog {
        Dialog::ExportPath { text, .. } => (
            " Export conversation ",
            vec![
                Line::from("Path without extension; a .md and a .json file are written:"),
                Line::from(vec![
                    Span::styled(sanitize(text), theme::field()),
                    Span::styled(" ", theme::cursor()),
                ]),
                Line::styled(
                    "Enter export · Esc cancel · Ctrl+U clear",
                    theme::header_meta(),
                ),
            ],
        ),
        Dialog::ConfirmOverwrite { existing, .. } => (
            " Overwrite? ",
            vec![
                Line::styled(
                    format!("Already there: {}", sanitize(&existing.join(", "))),
                    theme::warning(),
                ),
                Line::from("Replace them? y overwrites, n cancels."),
            ],
        ),
    };
    let width = area.width.saturating_sub(4).min(72);
    let height = 6.min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height.saturating_sub(height)) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .style(theme::dialog())
            .wrap(Wrap { trim: false })
            .block(
                Block::bordered()
                    .border_type(BorderType::Rounded)
                    .border_style(theme::border_focused())
                    .title(Span::styled(title, theme::title())),
            ),
        popup,
    );
}
