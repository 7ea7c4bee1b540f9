//! Styled runs of text and their wrapping into rows with a prefix.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::text::plain::{display_width, sanitize, wrap_line};

/// Styled text of one logical line, before wrapping.
#[derive(Debug, Default, Clone)]
pub(super) struct Runs {
    pub(super) text: String,
    /// (start byte, style): each style runs to the next start.
    pub(super) styles: Vec<(usize, Style)>,
}

impl Runs {
    pub(super) fn push(&mut self, text: &str, style: Style) {
        if text.is_empty() {
            return;
        }
        self.styles.push((self.text.len(), style));
        // Inline text never holds a line break here: soft breaks are spaces.
        self.text.push_str(&text.replace('\n', " "));
    }

    pub(super) fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }

    pub(super) fn width(&self) -> usize {
        display_width(&self.text)
    }
}

pub(super) fn prefix_width(prefix: &[Span<'static>]) -> usize {
    prefix.iter().map(|s| display_width(&s.content)).sum()
}

/// Wraps `runs` into rows of at most `width` cells, the first starting with `first` and the
/// rest with `rest` (same width).
pub(super) fn wrap_runs(
    runs: &Runs,
    width: usize,
    first: &[Span<'static>],
    rest: &[Span<'static>],
    out: &mut Vec<Line<'static>>,
) {
    let avail = width.saturating_sub(prefix_width(first)).max(1);
    let mut ranges = Vec::new();
    wrap_line(&runs.text, avail, &mut ranges);
    for (i, range) in ranges.into_iter().enumerate() {
        let mut spans: Vec<Span<'static>> = if i == 0 {
            first.to_vec()
        } else {
            rest.to_vec()
        };
        let end = range.start + runs.text[range.clone()].trim_end_matches(' ').len();
        for (k, &(start, style)) in runs.styles.iter().enumerate() {
            let stop = runs
                .styles
                .get(k + 1)
                .map_or(runs.text.len(), |&(next, _)| next);
            let a = start.max(range.start);
            let b = stop.min(end);
            if a < b {
                spans.push(Span::styled(sanitize(&runs.text[a..b]), style));
            }
        }
        out.push(Line::from(spans));
    }
}
