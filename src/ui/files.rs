//! `/files`: the files stored on the Kimi account, newest first, the ones kimi-tui uploaded
//! marked; d deletes the highlighted one, D every one kimi-tui uploaded (each asks first).
//! Draws only the rows in view: an account holds up to 1,000 files.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::bindings::hint_line;
use crate::bindings::table::Context;
use crate::state::AppState;
use crate::text::plain::{display_width, sanitize, size_label, truncate};

pub fn render(state: &AppState, selected: usize, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let width = area.width.saturating_sub(4).min(96);
    let height = area.height.saturating_sub(4).clamp(3, 24);
    // Rows for files: the box less its borders and the summary line.
    let rows = usize::from(height.saturating_sub(3)).max(1);
    let mut lines = Vec::new();
    let mut title = " Files on your Kimi account ".to_string();
    match &state.files {
        None => lines.push(Line::styled("  Asking the API…", theme.placeholder)),
        Some(Err(why)) => lines.push(Line::styled(
            format!("  The files could not be listed: {}", sanitize(why)),
            theme.error,
        )),
        Some(Ok(list)) if list.is_empty() => lines.push(Line::styled(
            "  No files are stored on the account.",
            theme.placeholder,
        )),
        Some(Ok(list)) => {
            let total: u64 = list.iter().map(|f| f.bytes).sum();
            let ours = list
                .iter()
                .filter(|f| state.our_files.contains(&f.id))
                .count();
            title = format!(
                " Files on your Kimi account · {} of 1,000 · {} ",
                list.len(),
                size_label(usize::try_from(total).unwrap_or(usize::MAX))
            );
            lines.push(Line::styled(
                format!("  {ours} uploaded by kimi-tui (marked ●)"),
                theme.header_meta,
            ));
            let first = selected
                .saturating_sub(rows / 2)
                .min(list.len().saturating_sub(rows));
            for (i, file) in list.iter().enumerate().skip(first).take(rows) {
                let style = if i == selected {
                    theme.sidebar_selected
                } else {
                    theme.sidebar_item
                };
                let mark = if state.our_files.contains(&file.id) {
                    "● "
                } else {
                    "  "
                };
                let when =
                    super::sidebar::relative_time(state.now, file.created_at.saturating_mul(1000));
                let meta = format!(
                    " {:>9} · {:<10} · {}",
                    size_label(usize::try_from(file.bytes).unwrap_or(usize::MAX)),
                    when,
                    sanitize(&file.purpose)
                );
                // The name takes what the box has left (inside its borders, after the mark).
                let name_cells = usize::from(width)
                    .saturating_sub(4 + display_width(&meta))
                    .max(8);
                let name = truncate(&sanitize(&file.filename), name_cells);
                let pad = name_cells.saturating_sub(display_width(&name));
                lines.push(
                    Line::from(vec![
                        Span::styled(mark, theme.accent),
                        Span::styled(format!("{name}{}", " ".repeat(pad)), style),
                        Span::styled(meta, theme.header_meta),
                    ])
                    .style(style),
                );
            }
        }
    }
    let popup = super::centered(area, width, height);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(
            super::pane(true, theme)
                .title(Span::styled(title, theme.title))
                .title_bottom(Line::styled(
                    format!(" {} ", hint_line(&state.keys, &[Context::Files]).trim()),
                    theme.header_meta,
                )),
        ),
        popup,
    );
}
