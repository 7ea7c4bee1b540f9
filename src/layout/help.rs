//! The help overlay's rows, wrapped to its width: the view draws them, the reducer needs their
//! count to stop scrolling at the end.

use ratatui::text::{Line, Span};

use crate::state::AppState;
use crate::text::plain::{display_width, row_text, wrap_line};

/// The widest the keys column gets; longer key lists go on a line of their own.
const KEY_COLUMN: usize = 16;

/// The popup's width in a screen `width` cells wide.
pub fn popup_width(width: u16) -> u16 {
    width.saturating_sub(4).min(78)
}

/// The help's lines for a popup `width` cells wide (borders included), labels wrapped.
pub fn lines(state: &AppState, width: u16) -> Vec<Line<'static>> {
    let rows = crate::bindings::help_rows(&state.keys);
    let key_width = rows
        .iter()
        .map(|(k, _)| display_width(k))
        .filter(|&w| w <= KEY_COLUMN)
        .max()
        .unwrap_or(0);
    // Borders, the indent and the gap between the columns.
    let label_width = (width as usize)
        .saturating_sub(2 + 3 + key_width + 2)
        .max(10);
    let indent = " ".repeat(3 + key_width + 2);
    let mut lines = Vec::with_capacity(rows.len() + 2);
    for (keys, what) in rows {
        if keys.is_empty() {
            lines.push(Line::styled(format!(" {what}"), state.theme.title));
            continue;
        }
        let mut ranges = Vec::new();
        wrap_line(what, label_width, &mut ranges);
        let mut parts = ranges.into_iter().map(|r| row_text(what, r));
        let first = parts.next().unwrap_or_default();
        if display_width(&keys) > key_width {
            lines.push(Line::styled(format!("   {keys}"), state.theme.help_key));
            lines.push(Line::styled(
                format!("{indent}{first}"),
                state.theme.help_text,
            ));
        } else {
            let pad = key_width - display_width(&keys);
            lines.push(Line::from(vec![
                Span::styled(
                    format!("   {keys}{}  ", " ".repeat(pad)),
                    state.theme.help_key,
                ),
                Span::styled(first, state.theme.help_text),
            ]));
        }
        for part in parts {
            lines.push(Line::styled(
                format!("{indent}{part}"),
                state.theme.help_text,
            ));
        }
    }
    if !state.data_path.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled(
            format!(
                " Conversations are saved in {}",
                crate::text::plain::sanitize(&state.data_path)
            ),
            state.theme.header_meta,
        ));
    }
    lines
}

/// How far the help can scroll at the current size.
pub fn line_count(state: &AppState) -> usize {
    lines(state, popup_width(state.width)).len() + 2
}
