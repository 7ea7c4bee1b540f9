//! Dialog boxes over everything: the export path, and "overwrite?".

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use crate::bindings::hint_line;
use crate::bindings::table::Context;
use crate::state::{AppState, Dialog};
use crate::text::plain::sanitize;

/// The system prompt editor: most of the screen, wrapped text, the keys at the bottom.
fn render_prompt(state: &AppState, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let width = (area.width * 4 / 5).max(20).min(area.width);
    let height = (area.height * 3 / 5).max(6).min(area.height);
    let popup = super::centered(area, width, height);
    frame.render_widget(Clear, popup);
    let block = super::pane(true, &state.theme)
        .title(Span::styled(
            " System prompt of this conversation ",
            theme.title,
        ))
        .title_bottom(Line::styled(
            hint_line(&state.keys, &[Context::PromptEditor]),
            theme.header_meta,
        ));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    frame.render_widget(&state.prompt_editor, inner);
}

pub fn render(state: &AppState, dialog: &Dialog, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let (title, lines) = match dialog {
        Dialog::SystemPrompt { .. } => return render_prompt(state, frame, area),
        Dialog::ExportPath { text, .. } => (
            " Export conversation ",
            vec![
                Line::from("Path without extension; a .md and a .json file are written:"),
                Line::from(vec![
                    Span::styled(sanitize(text), theme.field),
                    Span::styled(" ", theme.cursor),
                ]),
                Line::styled(
                    hint_line(&state.keys, &[Context::Field]).trim().to_string(),
                    theme.header_meta,
                ),
            ],
        ),
        Dialog::ConfirmQuit => (
            " Quit? ",
            vec![
                Line::styled(
                    format!(
                        "Saving fails: {}",
                        sanitize(state.store_error.as_deref().unwrap_or("unknown"))
                    ),
                    theme.warning,
                ),
                Line::from(
                    "Quit anyway? What is not saved is written to a rescue file, named when kimi-tui exits.",
                ),
                Line::from(
                    hint_line(&state.keys, &[Context::ConfirmQuit])
                        .trim()
                        .to_string(),
                ),
            ],
        ),
        Dialog::DeleteMessage { below, .. } => (
            " Delete? ",
            vec![
                Line::styled(
                    match below {
                        0 => "Delete the outlined message?".to_string(),
                        n => format!("Delete it and the {n} message(s) under it (all branches)?"),
                    },
                    theme.warning,
                ),
                Line::from("The version beside it, if there is one, takes its place."),
                Line::from(
                    hint_line(&state.keys, &[Context::ConfirmPrune])
                        .trim()
                        .to_string(),
                ),
            ],
        ),
        Dialog::ConfirmOverwrite { existing, .. } => (
            " Overwrite? ",
            vec![
                Line::styled(
                    format!("Already there: {}", sanitize(&existing.join(", "))),
                    theme.warning,
                ),
                Line::from(format!(
                    "Replace them? {}",
                    hint_line(&state.keys, &[Context::ConfirmOverwrite]).trim()
                )),
            ],
        ),
    };
    let width = area.width.saturating_sub(4).min(72);
    let height = 6.min(area.height);
    let popup = super::centered(area, width, height);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .style(theme.dialog)
            .wrap(Wrap { trim: false })
            .block(
                Block::bordered()
                    .border_type(BorderType::Rounded)
                    .border_style(theme.border_focused)
                    .title(Span::styled(title, theme.title)),
            ),
        popup,
    );
}
