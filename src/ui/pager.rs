//! The pager: a message's documents (their extracted text) over the screen, scrolled by
//! lines. Only the lines in view are cleaned and wrapped, whatever the text's length.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::bindings::hint_line;
use crate::bindings::table::Context;
use crate::state::AppState;
use crate::text::plain::sanitize;

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let theme = &state.theme;
    let pager = &state.pager;
    let popup = super::centered(
        area,
        area.width.saturating_sub(4).min(110),
        area.height.saturating_sub(2),
    );
    let rows = usize::from(popup.height.saturating_sub(2));
    let lines: Vec<Line> = pager
        .text
        .lines()
        .skip(pager.scroll)
        .take(rows)
        .map(|line| Line::from(sanitize(line)))
        .collect();
    let at = format!(
        " line {} of {} · {} ",
        (pager.scroll + 1).min(pager.lines.max(1)),
        pager.lines,
        hint_line(&state.keys, &[Context::Pager]).trim()
    );
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            super::pane(true, theme)
                .title(Span::styled(sanitize(&pager.title), theme.title))
                .title_bottom(Line::styled(at, theme.header_meta)),
        ),
        popup,
    );
}
