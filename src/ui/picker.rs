//! The model picker: every listed model with its window and capabilities, and the balance.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::layout::picker::{PickerRow, picker_rows};
use crate::state::AppState;
use crate::text::plain::{sanitize, truncate};

fn window(tokens: u64) -> String {
    if tokens >= 1_048_576 && tokens.is_multiple_of(1_048_576) {
        format!("{}M", tokens / 1_048_576)
    } else {
        format!("{}K", tokens / 1024)
    }
}

/// `regenerate`: picking asks again for the outlined reply with the model picked.
pub fn render(state: &AppState, selected: usize, regenerate: bool, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let current = &state.active_conversation().model;
    let rows = picker_rows(state);
    let mut lines = Vec::with_capacity(rows.len() + 4);
    for (i, row) in rows.iter().enumerate() {
        let style = if i == selected {
            theme.sidebar_selected
        } else {
            theme.sidebar_item
        };
        let id = match row {
            PickerRow::Model(id) => id,
            PickerRow::Profile(name) => {
                let choice = state.settings.profiles.iter().find(|p| &p.name == name);
                let mut about =
                    choice.map_or_else(String::new, |c| format!("{} · {}", c.endpoint, c.model));
                if choice.is_some_and(|c| !c.has_key) {
                    about.push_str(" · no key");
                }
                lines.push(
                    Line::from(vec![
                        Span::styled("⇄ ", theme.accent),
                        Span::styled(
                            format!("{:<20}", truncate(&format!("profile {name}"), 20)),
                            style,
                        ),
                        Span::styled(format!(" {}", sanitize(&about)), theme.header_meta),
                    ])
                    .style(style),
                );
                continue;
            }
        };
        let info = state.models.iter().find(|m| &m.id == id);
        let mut tags = Vec::new();
        if let Some(n) = info.and_then(|m| m.context_length) {
            tags.push(window(n));
        }
        if info.and_then(|m| m.supports_reasoning) == Some(true) {
            tags.push("reasons".into());
        }
        if info.and_then(|m| m.supports_image_in) == Some(true) {
            tags.push("images".into());
        }
        if info.and_then(|m| m.supports_video_in) == Some(true) {
            tags.push("video".into());
        }
        let marker = if id == current { "● " } else { "  " };
        lines.push(
            Line::from(vec![
                Span::styled(marker, theme.accent),
                Span::styled(format!("{:<20}", truncate(id, 20)), style),
                Span::styled(format!(" {}", tags.join(" · ")), theme.header_meta),
            ])
            .style(style),
        );
    }
    if state.models.is_empty() {
        lines.push(Line::styled(
            "  (the server has not listed its models)",
            theme.placeholder,
        ));
    }
    lines.push(Line::default());
    if let Some(balance) = &state.balance {
        lines.push(Line::styled(
            format!("  Balance: {}", sanitize(balance)),
            theme.header_meta,
        ));
    }
    let width = area.width.saturating_sub(4).min(72);
    let height = crate::num::cells(lines.len())
        .saturating_add(2)
        .min(area.height);
    let popup = super::centered(area, width, height);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(
            super::pane(true, &state.theme)
                .title(Span::styled(
                    if regenerate {
                        " Ask again for the outlined reply with… "
                    } else {
                        " Model for this conversation "
                    },
                    theme.title,
                ))
                .title_bottom(Line::styled(
                    " Enter choose · Esc close ",
                    theme.header_meta,
                )),
        ),
        popup,
    );
}
