//! Dialog boxes over everything: the export path, and "overwrite?".

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use crate::bindings::hint_line;
use crate::bindings::table::Context;
use crate::state::{AppState, Dialog, Welcome, WelcomePhase};
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

/// The API key dialog: where to get a key, the masked field, and where the check stands.
fn render_welcome(state: &AppState, welcome: &Welcome, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    // The profile in use talks to the endpoint the session has (a --base-url included).
    let endpoint = if welcome.profile == state.settings.profile {
        state.settings.endpoint.as_str()
    } else {
        state
            .settings
            .profiles
            .iter()
            .find(|p| p.name == welcome.profile)
            .map_or(state.settings.endpoint.as_str(), |p| p.endpoint.as_str())
    };
    let mut lines = vec![
        Line::from("kimi-tui talks to Kimi with your API key. Make one at"),
        Line::from(vec![
            Span::styled("platform.kimi.ai", theme.link),
            Span::raw(" (global) or "),
            Span::styled("platform.kimi.com", theme.link),
            Span::raw(" (China region),"),
        ]),
        Line::from("then paste it here. It is checked at once and kept in your system's"),
        Line::from("credential store, never in a file."),
        Line::default(),
    ];
    // Masked: a dot per character, the last four shown so a paste can be told apart.
    let count = welcome.field.chars().count();
    let tail: String = welcome
        .field
        .chars()
        .skip(count.saturating_sub(4))
        .collect();
    let shown = if count > 8 {
        format!("{}{}", "•".repeat(count - 4), sanitize(&tail))
    } else {
        "•".repeat(count)
    };
    lines.push(Line::from(vec![
        Span::raw(format!("Key for {}: ", sanitize(endpoint))),
        Span::styled(shown, theme.field),
        Span::styled(" ", theme.cursor),
    ]));
    lines.push(Line::default());
    let (status, style) = match &welcome.phase {
        WelcomePhase::Typing => (
            "Enter checks it · Esc: later (F5, or MOONSHOT_API_KEY)".to_string(),
            theme.header_meta,
        ),
        WelcomePhase::Checking => (
            "Checking the key with GET /models…".to_string(),
            theme.status_busy,
        ),
        WelcomePhase::WrongRegion { endpoint, .. } => (
            format!(
                "Refused here (401). Keys work only in their own region: Enter tries {}, Esc edits the key.",
                sanitize(endpoint)
            ),
            theme.warning,
        ),
        WelcomePhase::Failed(why) => (
            format!("Could not check it: {} · Enter tries again", sanitize(why)),
            theme.error,
        ),
        WelcomePhase::NotStored(why) => {
            lines.push(Line::styled(
                format!(
                    "It works for this session, but it was not stored: {}.",
                    sanitize(why)
                ),
                theme.warning,
            ));
            lines.push(Line::from(
                "To keep it, add this line to your shell's profile:",
            ));
            lines.push(Line::styled(
                "  export MOONSHOT_API_KEY=<your key>",
                theme.inline_code,
            ));
            ("Enter closes".to_string(), theme.header_meta)
        }
    };
    lines.push(Line::styled(status, style));
    boxed(frame, area, " Welcome to kimi-tui ", lines, 76, theme);
}

pub fn render(state: &AppState, dialog: &Dialog, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let (title, lines) = match dialog {
        Dialog::SystemPrompt { .. } => return render_prompt(state, frame, area),
        Dialog::Welcome(welcome) => return render_welcome(state, welcome, frame, area),
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
        Dialog::AttachDropped { files, .. } => (
            " Attach? ",
            vec![
                Line::from(format!(
                    "Attach {} to your message?",
                    files
                        .iter()
                        .map(|(path, _)| sanitize(
                            std::path::Path::new(path)
                                .file_name()
                                .map_or(path.as_str(), |n| n.to_str().unwrap_or(path))
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
                Line::from(
                    hint_line(&state.keys, &[Context::AttachDropped])
                        .trim()
                        .to_string(),
                ),
            ],
        ),
        Dialog::ImagesNeedModel { model, instead } => (
            " Images ",
            vec![
                Line::styled(
                    format!("{} does not read images.", sanitize(model)),
                    theme.warning,
                ),
                Line::from(match instead {
                    Some(other) => format!(
                        "s: this conversation switches to {}, which does, and your message goes · w: it goes without the images · Esc: back",
                        sanitize(other)
                    ),
                    None => "w: your message goes without the images · Esc: back (Ctrl+O picks another model)".to_string(),
                }),
            ],
        ),
        Dialog::DeleteFiles { what, .. } => (
            " Delete? ",
            vec![
                Line::styled(
                    format!("Delete {what} from your Kimi account?"),
                    theme.warning,
                ),
                Line::from(
                    "Conversations keep the text extracted from them; only the stored file goes.",
                ),
                Line::from(
                    hint_line(&state.keys, &[Context::ConfirmFiles])
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
    boxed(frame, area, title, lines, 72, theme);
}

/// A bordered box over everything, at most `max_width` wide and as tall as its lines once
/// wrapped.
fn boxed(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    lines: Vec<Line<'_>>,
    max_width: u16,
    theme: &crate::theme::Theme,
) {
    let width = area.width.saturating_sub(4).min(max_width);
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = lines
        .iter()
        .map(|line| line.width().div_ceil(inner).max(1))
        .sum();
    let height = u16::try_from(rows + 2).unwrap_or(u16::MAX).min(area.height);
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
                    .title(Span::styled(title.to_string(), theme.title)),
            ),
        popup,
    );
}
