//! The conversation list, with its modes: renaming a row, confirming a delete, and search
//! results with the matches highlighted. Draws only the rows in view, so its cost does not
//! grow with the number of conversations.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::bindings::table::Context;
use crate::bindings::{hint_line, hint_of};
use crate::ids::Millis;
use crate::layout::transcript::spinner;
use crate::msg::Focus;
use crate::state::{AppState, SidebarMode};
use crate::text::plain::{display_width, find_ignoring_case, sanitize, truncate};

/// "now", "5 min", "3 h", "yesterday", "4 d", or a date such as "2026-03-07".
pub fn relative_time(now: Millis, then: Millis) -> String {
    let minutes = now.saturating_sub(then) / 60_000;
    let days_now = now / 86_400_000;
    let days_then = then / 86_400_000;
    match minutes {
        0 => "now".into(),
        1..=59 => format!("{minutes} min"),
        60..=1439 if days_now == days_then => format!("{} h", minutes / 60),
        _ if days_now.saturating_sub(days_then) <= 1 => "yesterday".into(),
        _ if days_now - days_then < 7 => format!("{} d", days_now - days_then),
        _ => {
            let (y, m, d) = civil_from_days(crate::num::i64_of(days_then));
            format!("{y}-{m:02}-{d:02}")
        }
    }
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (UTC).
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "the day is 1..=31 and the month 1..=12 by construction"
)]
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// `text` from a little before the first match of `query`, so that the match is in view.
fn window<'a>(text: &'a str, query: &str, cells: usize) -> std::borrow::Cow<'a, str> {
    let Some(at) = find_ignoring_case(text, query).first().map(|r| r.start) else {
        return text.into();
    };
    let lead = cells / 3;
    if display_width(&text[..at]) <= lead {
        return text.into();
    }
    // Walk back from the match until `lead` cells of context are kept.
    let mut start = at;
    let mut used = 0;
    for (i, c) in text[..at].char_indices().rev() {
        let w = display_width(c.encode_utf8(&mut [0; 4]));
        if used + w + 1 > lead {
            break;
        }
        used += w;
        start = i;
    }
    format!("…{}", &text[start..]).into()
}

/// `text` cut to `cells`, with every case-insensitive occurrence of `query` highlighted and
/// the first one kept in view.
fn highlighted(
    text: &str,
    query: &str,
    cells: usize,
    base: Style,
    mark: Style,
) -> Vec<Span<'static>> {
    let query = query.trim();
    let text = truncate(&window(text, query, cells), cells);
    if query.is_empty() {
        return vec![Span::styled(text, base)];
    }
    let mut spans = Vec::new();
    let mut at = 0;
    // The ranges lie on character boundaries of `text`, in order: slicing cannot panic.
    for found in find_ignoring_case(&text, query) {
        if found.start > at {
            spans.push(Span::styled(text[at..found.start].to_string(), base));
        }
        spans.push(Span::styled(
            text[found.clone()].to_string(),
            base.patch(mark),
        ));
        at = found.end;
    }
    if at < text.len() {
        spans.push(Span::styled(text[at..].to_string(), base));
    }
    spans
}

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let focused = state.focus == Focus::Sidebar;
    let contexts: &[Context] = match &state.sidebar_mode {
        SidebarMode::List => &[Context::Sidebar],
        SidebarMode::Rename { .. } => &[Context::Field],
        SidebarMode::ConfirmDelete { .. } => &[Context::ConfirmDelete],
        SidebarMode::Search { .. } => &[Context::Search, Context::Field],
    };
    let hint = if focused || state.sidebar_mode != SidebarMode::List {
        hint_line(&state.keys, contexts)
    } else {
        // Not focused: the keys that work from anywhere.
        let hints: Vec<String> = [("new_conversation", "new"), ("search", "search")]
            .into_iter()
            .filter_map(|(name, word)| hint_of(&state.keys, Context::Global, name, word))
            .collect();
        format!(" {} ", hints.join(" · "))
    };
    let block = super::pane(focused, &state.theme)
        .title(Span::styled(" Chats ", theme.title))
        .title_bottom(Line::styled(hint, theme.header_meta));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    let lines = match &state.sidebar_mode {
        SidebarMode::Search {
            query,
            hits,
            selected,
            ..
        } => search_lines(state, query, hits, *selected, inner),
        _ => list_lines(state, inner),
    };
    state.sidebar_cells.draw(lines, inner, frame.buffer_mut());
}

fn list_lines(state: &AppState, inner: Rect) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let focused = state.focus == Focus::Sidebar;
    let rows = inner.height as usize;
    let width = inner.width as usize;
    let offset = crate::layout::panes::sidebar_offset(state, rows);
    let mut lines = Vec::with_capacity(rows);
    for (row, conv) in state
        .conversations
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
    {
        let id = &conv.id;
        let active = *id == state.conversations.active_id();
        let selected = focused && row == state.conversations.selected();
        let marker = if conv.phase.is_live() {
            Span::styled(format!("{} ", spinner(state.now)), theme.sidebar_live)
        } else if active {
            Span::styled("▌ ", theme.sidebar_active)
        } else {
            Span::raw("  ")
        };
        let mut title_style = if active {
            theme.sidebar_active
        } else {
            theme.sidebar_item
        };
        let line_style = if selected {
            title_style = title_style.patch(theme.sidebar_selected);
            theme.sidebar_selected
        } else {
            Style::default()
        };
        let body = width.saturating_sub(2);
        let spans = match &state.sidebar_mode {
            SidebarMode::Rename { id: renaming, text } if renaming == id => {
                let shown = truncate_start(text, body.saturating_sub(1));
                vec![
                    marker,
                    Span::styled(shown, theme.field),
                    Span::styled(" ", theme.cursor),
                ]
            }
            SidebarMode::ConfirmDelete { id: deleting } if deleting == id => {
                let title = truncate(conv.display_title(), body.saturating_sub(12));
                vec![
                    marker,
                    Span::styled("Delete ", theme.error),
                    Span::styled(title, theme.error),
                    Span::styled("? y/n", theme.error),
                ]
            }
            _ => {
                let when = relative_time(state.now, conv.updated_at);
                let when_cells = display_width(&when) + 1;
                let title = truncate(conv.display_title(), body.saturating_sub(when_cells));
                let pad = body.saturating_sub(display_width(&title) + when_cells);
                vec![
                    marker,
                    Span::styled(title, title_style),
                    Span::raw(" ".repeat(pad + 1)),
                    Span::styled(when, theme.header_meta.patch(line_style)),
                ]
            }
        };
        lines.push(Line::from(spans).style(line_style));
    }
    if lines.is_empty() {
        lines.push(Line::styled("No conversations yet", theme.placeholder));
    }
    lines
}

/// The end of `text` that fits in `cells` (the part being typed stays visible).
fn truncate_start(text: &str, cells: usize) -> String {
    let clean = sanitize(text);
    let mut out: Vec<char> = Vec::new();
    let mut used = 0;
    for c in clean.chars().rev() {
        let w = display_width(c.encode_utf8(&mut [0; 4]));
        if used + w > cells {
            break;
        }
        used += w;
        out.push(c);
    }
    out.iter().rev().collect()
}

fn search_lines(
    state: &AppState,
    query: &str,
    hits: &[crate::io::store::records::SearchHit],
    selected: usize,
    inner: Rect,
) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let width = inner.width as usize;
    let mut lines = vec![Line::from(vec![
        Span::styled("/ ", theme.accent),
        Span::styled(truncate_start(query, width.saturating_sub(3)), theme.field),
        Span::styled(" ", theme.cursor),
    ])];
    if query.trim().is_empty() {
        lines.push(Line::styled(
            "Type to search titles and messages",
            theme.placeholder,
        ));
        return lines;
    }
    if hits.is_empty() {
        lines.push(Line::styled("No matches", theme.placeholder));
        return lines;
    }
    // Each hit takes two rows: its title, and a snippet of the first matching message.
    let per_page = ((inner.height as usize).saturating_sub(1) / 2).max(1);
    let offset = selected.saturating_sub(per_page - 1);
    for (i, hit) in hits.iter().enumerate().skip(offset).take(per_page) {
        let chosen = i == selected && state.focus == Focus::Sidebar;
        let base = if chosen {
            theme.sidebar_selected
        } else {
            Style::default()
        };
        let title = if hit.title.is_empty() {
            "New chat"
        } else {
            &hit.title
        };
        let mut spans = vec![Span::styled("  ", base)];
        spans.extend(highlighted(
            title,
            query,
            width.saturating_sub(2),
            base.patch(theme.title),
            theme.search_match,
        ));
        lines.push(Line::from(spans).style(base));
        let mut spans = vec![Span::styled("  ", base)];
        if !hit.snippet.is_empty() {
            spans.extend(highlighted(
                &hit.snippet,
                query,
                width.saturating_sub(2),
                base.patch(theme.header_meta),
                theme.search_match,
            ));
        }
        lines.push(Line::from(spans).style(base));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 86_400_000;

    #[test]
    fn relative_times_read_like_a_person_says_them() {
        let now = 20_000 * DAY + 12 * 3_600_000;
        assert_eq!(relative_time(now, now - 10_000), "now");
        assert_eq!(relative_time(now, now - 3 * 60_000), "3 min");
        assert_eq!(relative_time(now, now - 5 * 3_600_000), "5 h");
        assert_eq!(relative_time(now, now - DAY), "yesterday");
        assert_eq!(relative_time(now, now - 4 * DAY), "4 d");
        assert_eq!(relative_time(0, 0), "now");
        assert_eq!(relative_time(now, 0), "1970-01-01");
    }
}
